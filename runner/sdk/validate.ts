// The lab contract, checked at run time (zod): the definition when it is loaded, and every
// check result. A problem names the lab, the step and lab.ts:line, and says how to fix it; an
// exception escaping a check is reported as the check's (the lab's), never as labrunner's.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { EXIT, LabError } from '../errors.ts';
// keyLine lives beside the error mapping, not in dev-check.ts: importing that pulled the README
// parser (markdown-it, yaml) into every `lab check`.
import { displayPath, keyLine, type LabProblem } from '../lab/error-map.ts';
import { RESOURCE_KINDS } from './kinds.ts';
import { DEFINED_AT } from './define.ts';

const fn = z.custom<(...a: unknown[]) => unknown>((v) => typeof v === 'function', {
  message: 'must be a function',
});

const stepSchema = z.strictObject({
  check: fn,
  after: z.array(z.string()).optional(),
});

export const labDefinitionSchema = z.strictObject({
  id: z
    .string()
    .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, { message: 'must be a lab id like `iam-groups`' }),
  creates: z.array(z.enum(RESOURCE_KINDS)).optional(),
  regions: z.array(z.string()).optional(),
  setup: fn.optional(),
  steps: z.record(z.string(), stepSchema),
});

/** What a check must return: use passed()/failed()/pending() from the lab SDK. */
export const verdictSchema = z.strictObject({
  status: z.enum(['passed', 'failed', 'pending', 'not-tried']),
  evidence: z.string().optional(),
  expected: z.string().optional(),
  hint: z.string().optional(),
});

const sourceOf = (file: string) => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
};

/** The line of a step's entry in lab.ts (where `'<id>': {` is written), else defineLab's line. */
export function stepLine(file: string, step: string | undefined, def?: object): number {
  const source = sourceOf(file);
  if (step) {
    const line = keyLine(source, step);
    if (line > 1) return line;
    // A method: `async setup(ctx) {`, `async 'step-id'(ctx) {`.
    const esc = step.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
    const method = new RegExp(`^\\s*(async\\s+)?(['"]?)${esc}\\2\\s*\\(`);
    const i = source.split('\n').findIndex((l) => method.test(l));
    if (i >= 0) return i + 1;
  }
  const at = def && (def as { [DEFINED_AT]?: string })[DEFINED_AT];
  return at ? Number(at.split(':').pop()) || 1 : 1;
}

/** Every problem of a definition (empty when it is valid), with lab.ts lines. */
export function definitionProblems(def: unknown, file: string): LabProblem[] {
  const r = labDefinitionSchema.safeParse(def);
  const problems: LabProblem[] = [];
  if (!r.success) {
    for (const issue of r.error.issues) {
      const [top, step, field] = issue.path.map(String);
      const where =
        top === 'steps' && step ? `steps.${step}${field ? `.${field}` : ''}` : issue.path.join('.');
      problems.push({
        file,
        line: stepLine(file, top === 'steps' ? step : top, def as object),
        message: `\`${where || 'the definition'}\` ${issue.message}`,
        fix:
          top === 'creates'
            ? `use kinds from the registry: ${RESOURCE_KINDS.join(', ')}`
            : 'see docs/lab-format.md, "lab.ts: the contract"',
      });
    }
    return problems;
  }
  const ids = Object.keys(r.data.steps);
  for (const [id, s] of Object.entries(r.data.steps)) {
    for (const dep of s.after ?? []) {
      if (!ids.includes(dep))
        problems.push({
          file,
          line: stepLine(file, id),
          message: `step \`${id}\` waits for \`${dep}\`, which is not a step`,
          fix: `use one of ${ids.map((k) => `\`${k}\``).join(', ')} in \`after\``,
        });
    }
  }
  return problems;
}

const short = (v: unknown) => {
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
};

/** A check returned something that is not a verdict. */
export function badVerdict(
  lab: string,
  step: string,
  file: string,
  value: unknown,
  err: z.ZodError,
) {
  const what = err.issues.map((i) => `${i.path.join('.') || 'result'}: ${i.message}`).join('; ');
  return new LabError(
    'bad_check_result',
    `Lab ${lab}, step ${step} (${displayPath(file)}:${stepLine(file, step)}): the check returned ${short(value)}, which is not a step verdict (${what}).`,
    "Return passed('evidence'), failed({ expected, evidence, hint }), notTried({ expected, hint }) or pending({ evidence }) from the lab SDK (docs/lab-format.md).",
    EXIT.usage,
  );
}

/** An exception escaped a check: the lab's check failed, not the learner and not labrunner. */
export function checkThrew(lab: string, step: string, file: string, e: unknown) {
  const err = e as { name?: string; message?: string; stack?: string } | undefined;
  const name = err?.name ?? 'Error';
  // SDK errors carry pages of metadata: the first line of the message is what matters.
  const first = String(err?.message ?? e)
    .split('\n')[0]
    .slice(0, 200);
  const frame = new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:(\\d+)`).exec(
    err?.stack ?? '',
  );
  const line = frame ? Number(frame[1]) : stepLine(file, step);
  const notFound = /NoSuchEntity|NotFound|NoSuch/.test(name);
  const what = step === 'setup' ? `Lab ${lab}: its setup` : `Lab ${lab}, step ${step}: its check`;
  return new LabError(
    'check_threw',
    `${what} threw ${name}: ${first} (${displayPath(file)}:${line}).`,
    notFound
      ? 'This is a problem in the lab, not in your work: a check that reads something the learner may not have created yet should wrap the call in ignoreNotFound(…) from the lab SDK.'
      : 'This is a problem in the lab, not in your work: the check must return a verdict, not throw. Tell the lab’s author (or fix lab.ts and run `lab dev check`).',
    EXIT.usage,
  );
}
