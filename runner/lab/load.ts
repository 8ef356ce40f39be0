// Load a lab folder: README.md → validated frontmatter + steps, and render it to HTML.
// Parsing happens once per load; the tokens are kept (in a WeakMap, so a Lab stays a
// plain serialisable object) and reused by renderLab, because the site renders every lab.
import { readFile, readdir, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { MarkdownIt, Token } from 'markdown-it';
import { createMarkdown } from './markdown.ts';
import { LabFileError, type LabProblem } from './error-map.ts';
import { LabError } from '../errors.ts';
import { parseFrontmatter, splitFrontmatter } from './frontmatter.ts';
import { extractSteps, type LabStep } from './steps.ts';
import type { LabMeta } from './schema.ts';
import { labsRoot } from './paths.ts';

export type { LabStep } from './steps.ts';
export type { LabQuiz, QuizChoice } from './quiz.ts';
import type { LabQuiz } from './quiz.ts';

export interface Lab {
  /** The lab id (from the frontmatter; equal to the folder name). */
  id: string;
  /** Absolute path of the lab folder. */
  dir: string;
  /** Absolute path of README.md. */
  file: string;
  /** Validated frontmatter. */
  meta: LabMeta;
  /** Steps in order. */
  steps: LabStep[];
  /** Knowledge checks (`::: quiz`), in order; each names the step it follows. */
  quizzes: LabQuiz[];
  /** The whole README.md as read. */
  source: string;
  /** The Markdown after the frontmatter. */
  body: string;
  /** File line on which the body starts (1-based). */
  bodyLine: number;
}

const shared = createMarkdown();
const tokensOf = new WeakMap<Lab, Token[]>();

/**
 * Check a README.md's source and collect every problem (for `lab dev check`).
 * `lab` is set only when there are no problems.
 */
export function inspectLab(
  source: string,
  file: string,
  dir: string = resolve(file, '..'),
): { lab?: Lab; problems: LabProblem[] } {
  const { split, problems } = splitFrontmatter(source, file);
  if (!split) return { problems };
  const fm = parseFrontmatter(split.yaml, file, 2);
  problems.push(...fm.problems);

  const tokens = shared.parse(split.body, {});
  const lines = split.body.split(/\r?\n/);
  const {
    steps,
    quizzes,
    problems: stepProblems,
  } = extractSteps(tokens, lines, file, split.bodyOffset);
  problems.push(...stepProblems);
  if (steps.length === 0 && stepProblems.length === 0) {
    problems.push({
      file,
      line: split.bodyOffset + 1,
      message: 'the lab has no steps',
      fix: 'mark each step with `::: step <id>`, a heading, the instructions, and a closing `:::`',
    });
  }
  const folder = basename(dir);
  if (fm.meta && fm.meta.id !== folder) {
    const idLine = split.yaml.split('\n').findIndex((l) => /^id\s*:/.test(l));
    problems.push({
      file,
      line: idLine < 0 ? 1 : idLine + 2,
      message: `the lab id \`${fm.meta.id}\` differs from its folder name \`${folder}\``,
      fix: `rename the folder to \`${fm.meta.id}\` or set \`id: ${folder}\``,
    });
  }
  problems.sort((a, b) => a.line - b.line);
  if (problems.length > 0 || !fm.meta) return { problems };

  const lab: Lab = {
    id: fm.meta.id,
    dir,
    file,
    meta: fm.meta,
    steps,
    quizzes,
    source,
    body: split.body,
    bodyLine: split.bodyOffset + 1,
  };
  tokensOf.set(lab, tokens);
  return { lab, problems };
}

/** Parse a README.md's source; throws LabFileError (file:line — what — fix) on any problem. */
export function parseLab(source: string, file: string, dir?: string): Lab {
  const { lab, problems } = inspectLab(source, file, dir);
  if (!lab) throw new LabFileError(problems);
  return lab;
}

/** Load the lab in `dir` (its README.md). Throws LabFileError on any problem. */
export async function loadLab(dir: string): Promise<Lab> {
  const abs = resolve(dir);
  const file = join(abs, 'README.md');
  let source: string;
  try {
    source = await readFile(file, 'utf8');
  } catch (e: any) {
    throw new LabFileError([
      {
        file,
        line: 1,
        message:
          e?.code === 'ENOENT' ? 'README.md is missing' : `cannot read README.md (${e?.code ?? e})`,
        fix: 'every lab folder needs a README.md with frontmatter and steps (see docs/lab-format.md)',
      },
    ]);
  }
  return parseLab(source, file, abs);
}

/**
 * The lab's body as HTML (frontmatter excluded; the page shows title and meta itself).
 * Pass `md` to render with other plugin options (same plugins, e.g. other labels).
 */
export function renderLab(lab: Lab, md?: MarkdownIt): string {
  const tokens = !md ? tokensOf.get(lab) : undefined;
  const parser = md ?? shared;
  return parser.renderer.render(tokens ?? parser.parse(lab.body, {}), parser.options, {});
}

/** Folders under `root` that hold a README.md (skipping names that start with `.` or `_`). */
export async function labDirs(root: string = labsRoot()): Promise<string[]> {
  const entries = await readdir(root, { withFileTypes: true }).catch((e) => {
    throw new LabError(
      'no_labs_dir',
      `Cannot read the labs folder ${root} (${e?.code ?? e}).`,
      'Point at the folder that holds the labs with `--labs <dir>` or LAB_LABS_DIR.',
    );
  });
  const dirs = entries
    .filter((e) => e.isDirectory() && !/^[._]/.test(e.name))
    .map((e) => join(root, e.name));
  const has = await Promise.all(
    dirs.map((d) =>
      stat(join(d, 'README.md')).then(
        (s) => s.isFile(),
        () => false,
      ),
    ),
  );
  return dirs.filter((_, i) => has[i]);
}

// Made on first use: an Intl object holds ICU state that `lab`'s start-up snapshot cannot hold.
let collator: Intl.Collator | undefined;
const byId = {
  compare: (a: string, b: string) =>
    (collator ??= new Intl.Collator('en', { numeric: true })).compare(a, b),
};

/**
 * Every lab under `root` in course order: by `order` (lower first), then the labs without one,
 * by id (day9 before day42). Throws on the first bad lab.
 */
export async function listLabs(root: string = labsRoot()): Promise<Lab[]> {
  const labs = await Promise.all((await labDirs(root)).map(loadLab));
  const rank = (l: Lab) => l.meta.order ?? Infinity;
  return labs.sort((a, b) => rank(a) - rank(b) || byId.compare(a.id, b.id));
}

/** Find one lab by id under `root`; unknown id → LabError listing the valid ids. */
export async function findLab(id: string, root: string = labsRoot()): Promise<Lab> {
  const dirs = await labDirs(root);
  const dir = dirs.find((d) => basename(d) === id);
  if (dir) return loadLab(dir);
  const ids = dirs.map((d) => basename(d)).sort(byId.compare);
  throw new LabError(
    'unknown_lab',
    `There is no lab \`${id}\` in ${root}.`,
    ids.length ? `Labs: ${ids.join(', ')} (see \`lab list\`).` : 'No labs found there.',
  );
}
