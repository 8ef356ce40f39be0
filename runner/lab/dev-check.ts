// `lab dev check`: lint lab folders the way rustlings' `dev check` lints exercises.
// For each lab: README.md parses and its frontmatter is valid; lab.ts imports and has one
// check per step, in the README's order; solve.mjs has one step function per step; lab ids
// are unique. Every problem carries file:line so an editor can jump to it.
import { readFile, readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { keyLine, type LabProblem } from './error-map.ts';
import { inspectLab, type Lab } from './load.ts';
import { labImportProblems } from './lab-imports.ts';

export interface LabCheckResult {
  id: string;
  dir: string;
  problems: LabProblem[];
  /** README.md line of the `id:` field (for the duplicate-id problem). */
  idLine: number;
}

const exists = (p: string) =>
  stat(p).then(
    () => true,
    () => false,
  );

/** The line of `file` in an error's stack, for a module that threw while importing. */
function stackLine(e: unknown, file: string): number {
  const text = e instanceof Error ? `${e.stack ?? ''}\n${e.message}` : String(e);
  const m = new RegExp(`${basename(file).replace('.', '\\.')}:(\\d+)`).exec(text);
  return m ? Number(m[1]) : 1;
}

/** Import a module of the lab; a failure becomes a problem at the line that threw. */
async function importModule(
  file: string,
  what: string,
  problems: LabProblem[],
): Promise<Record<string, unknown> | undefined> {
  try {
    return await import(pathToFileURL(file).href);
  } catch (e) {
    const first = (e instanceof Error ? e.message : String(e)).split('\n')[0];
    problems.push({
      file,
      line: stackLine(e, file),
      message: `${what} fails to import: ${first}`,
      fix: `fix the error, then check it with \`node ${basename(file)}\` from the lab folder`,
    });
    return undefined;
  }
}

/**
 * Compare the step ids of README.md with the keys a module defines. `kind` names what the
 * module holds per step (a check, a solve function) for the messages.
 */
function compareIds(
  lab: Lab,
  keys: string[],
  file: string,
  source: string,
  kind: string,
  problems: LabProblem[],
): void {
  const ids = lab.steps.map((s) => s.id);
  const name = basename(file);
  for (const step of lab.steps) {
    if (!keys.includes(step.id)) {
      problems.push({
        file: lab.file,
        line: step.line,
        message: `step \`${step.id}\` has no ${kind} in ${name}`,
        fix: `add \`'${step.id}': …\` to \`steps\` in ${name}`,
      });
    }
  }
  for (const key of keys) {
    if (!ids.includes(key)) {
      problems.push({
        file,
        line: keyLine(source, key),
        message: `${kind} \`${key}\` has no \`::: step ${key}\` in README.md`,
        fix: `rename it to one of ${ids.map((i) => `\`${i}\``).join(', ')}, or add the step to README.md`,
      });
    }
  }
  const shared = keys.filter((k) => ids.includes(k));
  const expected = ids.filter((i) => keys.includes(i));
  const at = shared.findIndex((k, i) => k !== expected[i]);
  if (at >= 0) {
    problems.push({
      file,
      line: keyLine(source, shared[at]),
      message: `the steps in ${name} are not in README.md's order (\`${shared[at]}\` comes before \`${expected[at]}\`)`,
      fix: `order them as README.md does: ${expected.join(', ')}`,
    });
  }
}

/**
 * README.md's evidence questions (`::: quiz <id> evidence`) and lab.ts's `quiz` functions:
 * each question has its function, each function its question.
 */
function compareQuizzes(
  lab: Lab,
  quiz: unknown,
  file: string,
  source: string,
  problems: LabProblem[],
): void {
  const fns = quiz && typeof quiz === 'object' ? Object.keys(quiz) : [];
  const evidence = lab.quizzes.filter((q) => q.kind === 'evidence');
  for (const q of evidence) {
    if (!fns.includes(q.id)) {
      problems.push({
        file: lab.file,
        line: q.line,
        message: `quiz \`${q.id}\` takes its answer from lab.ts, which has no \`quiz.${q.id}\``,
        fix: `add \`quiz: { '${q.id}': async (ctx) => answer(…) }\` to lab.ts (answer and notYet come from the lab SDK)`,
      });
    }
  }
  for (const id of fns) {
    if (!evidence.some((q) => q.id === id)) {
      problems.push({
        file,
        line: keyLine(source, id),
        message: `\`quiz.${id}\` in lab.ts has no \`::: quiz ${id} evidence\` in README.md`,
        fix: lab.quizzes.some((q) => q.id === id)
          ? `write \`::: quiz ${id} evidence\` in README.md (and drop its choices), or remove \`quiz.${id}\``
          : `add the question to README.md as \`::: quiz ${id} evidence\`, or remove \`quiz.${id}\``,
      });
    }
  }
}

async function checkLabTs(lab: Lab, problems: LabProblem[]): Promise<void> {
  const file = join(lab.dir, 'lab.ts');
  if (!(await exists(file))) {
    problems.push({
      file,
      line: 1,
      message: 'lab.ts is missing',
      fix: `add it: \`export default defineLab({ id: '${lab.id}', steps: { … } })\` with one check per step`,
    });
    return;
  }
  // Only the lab SDK, AWS clients and the lab's own files: refused before it is imported.
  const imports = labImportProblems(file, lab.dir);
  if (imports.length) {
    problems.push(...imports);
    return;
  }
  const mod = await importModule(file, 'lab.ts', problems);
  if (!mod) return;
  const source = await readFile(file, 'utf8');
  const def = (mod.default ?? mod.lab) as { id?: unknown; steps?: unknown } | undefined;
  if (!def || typeof def !== 'object' || !def.steps || typeof def.steps !== 'object') {
    problems.push({
      file,
      line: 1,
      message: 'lab.ts has no default export with `steps`',
      fix: `end it with \`export default defineLab({ id: '${lab.id}', steps: { … } })\``,
    });
    return;
  }
  if (def.id !== lab.id) {
    problems.push({
      file,
      line: keyLine(source, 'id'),
      message: `lab.ts says \`id: ${JSON.stringify(def.id)}\` but README.md says \`id: ${lab.id}\``,
      fix: `set \`id: '${lab.id}'\` in lab.ts`,
    });
  }
  // The definition against the SDK's schema (creates, setup, unknown fields…).
  const { definitionProblems } = await import('../sdk/validate.ts');
  for (const p of definitionProblems(def, file)) {
    // Steps and `after` are checked below, against README.md too.
    if (!/`steps\.|^step `/.test(p.message)) problems.push(p);
  }
  const steps = def.steps as Record<string, { check?: unknown; after?: unknown }>;
  const keys = Object.keys(steps);
  compareIds(lab, keys, file, source, 'check', problems);
  compareQuizzes(lab, (def as { quiz?: unknown }).quiz, file, source, problems);
  for (const key of keys) {
    const step = steps[key];
    if (typeof step?.check !== 'function') {
      problems.push({
        file,
        line: keyLine(source, key),
        message: `step \`${key}\` in lab.ts has no \`check\` function`,
        fix: `give it one: \`'${key}': { check: async (ctx) => ({ status: 'passed' }) }\``,
      });
    }
    for (const dep of Array.isArray(step?.after) ? step.after : []) {
      if (!keys.includes(dep)) {
        problems.push({
          file,
          line: keyLine(source, key),
          message: `step \`${key}\` in lab.ts waits for \`${dep}\`, which is not a step`,
          fix: `use one of ${keys.map((k) => `\`${k}\``).join(', ')} in \`after\``,
        });
      }
    }
  }
}

async function checkSolve(lab: Lab, problems: LabProblem[]): Promise<void> {
  const file = join(lab.dir, 'solve.mjs');
  if (!(await exists(file))) {
    problems.push({
      file,
      line: 1,
      message: 'solve.mjs is missing (`lab test` needs it)',
      fix: 'add it: `export const steps = { … }` with one async function per step',
    });
    return;
  }
  const mod = await importModule(file, 'solve.mjs', problems);
  if (!mod) return;
  const steps = mod.steps as Record<string, unknown> | undefined;
  const source = await readFile(file, 'utf8');
  if (!steps || typeof steps !== 'object') {
    problems.push({
      file,
      line: 1,
      message: 'solve.mjs does not export `steps`',
      fix: 'add `export const steps = { … }` with one async function per step',
    });
    return;
  }
  compareIds(lab, Object.keys(steps), file, source, 'solve function', problems);
  await checkMistakes(lab, mod, problems);
}

/** The lab's mistakes (solve.mjs's `mistakes` export, or mistakes.mjs), when it declares any. */
async function checkMistakes(
  lab: Lab,
  solveMod: Record<string, unknown>,
  problems: LabProblem[],
): Promise<void> {
  let file = join(lab.dir, 'solve.mjs');
  let mod: Record<string, unknown> | undefined = solveMod;
  if (solveMod.mistakes === undefined) {
    file = join(lab.dir, 'mistakes.mjs');
    if (!(await exists(file))) return;
    mod = await importModule(file, 'mistakes.mjs', problems);
    if (!mod) return;
  }
  const source = await readFile(file, 'utf8');
  if (mod.mistakes === undefined) {
    problems.push({
      file,
      line: 1,
      message: 'mistakes.mjs does not export `mistakes`',
      fix: 'add `export const mistakes = { <step id>: [ … ] }` (docs/lab-format.md, "Mistakes")',
    });
    return;
  }
  const { mistakeProblems } = await import('../sdk/validate.ts');
  problems.push(
    ...mistakeProblems(
      mod.mistakes,
      file,
      source,
      lab.steps.map((s) => s.id),
    ),
  );
}

/** Check one lab folder. */
export async function checkLabDir(dir: string): Promise<LabCheckResult> {
  const file = join(dir, 'README.md');
  const problems: LabProblem[] = [];
  let source: string;
  try {
    source = await readFile(file, 'utf8');
  } catch {
    problems.push({
      file,
      line: 1,
      message: 'README.md is missing',
      fix: 'every lab folder needs a README.md (see docs/lab-format.md)',
    });
    return { id: basename(dir), dir, problems, idLine: 1 };
  }
  const { lab, problems: readme } = inspectLab(source, file, dir);
  problems.push(...readme);
  if (lab) {
    await checkLabTs(lab, problems);
    await checkSolve(lab, problems);
  }
  const idLine = source.split('\n').findIndex((l) => /^id\s*:/.test(l)) + 1 || 1;
  return { id: lab?.id ?? basename(dir), dir, problems, idLine };
}

/** Every lab folder under `root` (names starting with `.` or `_` are skipped). */
export async function labFolders(root: string): Promise<string[]> {
  const entries = await readdir(root, { withFileTypes: true });
  return entries
    .filter((e) => e.isDirectory() && !/^[._]/.test(e.name))
    .map((e) => join(root, e.name))
    .sort(new Intl.Collator('en', { numeric: true }).compare);
}

/** Check the given lab folders (all of `root` by default), plus unique ids across them. */
export async function devCheck(
  dirs: string[],
  o: { types?: boolean } = {},
): Promise<LabCheckResult[]> {
  const results: LabCheckResult[] = [];
  // One at a time: lab modules are imported into this process, and their errors stay readable.
  for (const dir of dirs) results.push(await checkLabDir(dir));
  if (o.types !== false) {
    // One compiler run for every lab.ts (and its helpers) that exists.
    const files = [];
    for (const r of results)
      if (await exists(join(r.dir, 'lab.ts'))) files.push(join(r.dir, 'lab.ts'));
    const { typecheckLabs } = await import('./typecheck.ts');
    for (const p of await typecheckLabs(files)) {
      results.find((r) => p.file.startsWith(r.dir + '/'))?.problems.push(p);
    }
  }
  const first = new Map<string, LabCheckResult>();
  for (const r of results) {
    const other = first.get(r.id);
    if (other) {
      r.problems.push({
        file: join(r.dir, 'README.md'),
        line: r.idLine,
        message: `lab id \`${r.id}\` is also used by ${other.dir}`,
        fix: 'give each lab its own id (and folder name)',
      });
    } else first.set(r.id, r);
  }
  return results;
}
