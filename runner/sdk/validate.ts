// The lab contract, checked at run time (zod; contract.ts passes what is exactly right without it): the definition when it is loaded, and every
// check result. A problem names the lab, the step and lab.ts:line, and says how to fix it; an
// exception escaping a check is reported as the check's (the lab's), never as labrunner's.
import { z } from 'zod';
import { EXIT, LabError } from '../errors.ts';
import { displayPath, keyLine, type LabProblem } from '../lab/error-map.ts';
import { RESOURCE_KINDS } from './kinds.ts';
import { stepLine } from './contract.ts';

const fn = z.custom<(...a: unknown[]) => unknown>((v) => typeof v === 'function', {
  message: 'must be a function',
});

const stepSchema = z.strictObject({
  check: fn,
  after: z.array(z.string()).optional(),
  evidence: z.enum(['account', 'local', 'mixed']).optional(),
});

export const labDefinitionSchema = z.strictObject({
  id: z
    .string()
    .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, { message: 'must be a lab id like `iam-groups`' }),
  creates: z.array(z.enum(RESOURCE_KINDS)).optional(),
  regions: z.array(z.string()).optional(),
  setup: fn.optional(),
  steps: z.record(z.string(), stepSchema),
  /** Answers of README.md's `::: quiz <id> evidence` questions, one function per id. */
  quiz: z.record(z.string(), fn).optional(),
});

/** What a check must return: use passed()/failed()/pending() from the lab SDK. */
export const verdictSchema = z.strictObject({
  status: z.enum(['passed', 'failed', 'pending', 'not-tried']),
  evidence: z.string().optional(),
  expected: z.string().optional(),
  hint: z.string().optional(),
});

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

// ── mistakes.mjs (or solve.mjs's `mistakes` export): see Mistake in define.ts ────────────────

const mistakeSchema = z.strictObject({
  name: z.string().min(1, { message: 'must say what the learner does wrong' }),
  act: fn,
  verdict: z.strictObject({
    status: z.literal('failed', {
      message:
        'must be "failed": a mistake is an attempt, so its verdict is never passed nor not-tried',
    }),
    evidence: z.string().min(1, { message: 'must be a fragment of the verdict’s evidence' }),
    hint: z.string().optional(),
  }),
  recover: fn.optional(),
  fill: z.record(z.string(), z.string()).optional(),
});

export const mistakesSchema = z.record(z.string(), z.array(mistakeSchema));

/** The line of a mistake (its `name:` string) in the file, else its step's key, else 1. */
function mistakeLine(source: string, step: string, name?: string): number {
  const lines = source.split('\n');
  if (name) {
    const i = lines.findIndex((l) => l.includes(JSON.stringify(name).slice(1, -1)));
    if (i >= 0) return i + 1;
  }
  return keyLine(source, step);
}

/** Every problem of a lab's mistakes (empty when valid), with file:line, against its step ids. */
export function mistakeProblems(
  mistakes: unknown,
  file: string,
  source: string,
  stepIds: string[],
): LabProblem[] {
  const problems: LabProblem[] = [];
  const r = mistakesSchema.safeParse(mistakes);
  if (!r.success) {
    for (const issue of r.error.issues) {
      const [step, index, ...rest] = issue.path.map(String);
      const m = step && index ? (mistakes as any)?.[step]?.[Number(index)] : undefined;
      const where = [step, index && `[${index}]`, rest.length && `.${rest.join('.')}`]
        .filter(Boolean)
        .join('');
      problems.push({
        file,
        line: step
          ? mistakeLine(source, step, typeof m?.name === 'string' ? m.name : undefined)
          : 1,
        message: `\`${where || 'mistakes'}\` ${issue.message}`,
        fix: 'a mistake is { name, act, verdict: { status: "failed", evidence }, recover? } (docs/lab-format.md, "Mistakes")',
      });
    }
  }
  const all = r.success ? r.data : {};
  const keys = mistakes && typeof mistakes === 'object' ? Object.keys(mistakes) : [];
  for (const step of keys) {
    if (!stepIds.includes(step)) {
      problems.push({
        file,
        line: keyLine(source, step),
        message: `mistakes for \`${step}\`, which is not a step`,
        fix: `use one of ${stepIds.map((k) => `\`${k}\``).join(', ')}`,
      });
    }
    const seen = new Set<string>();
    for (const m of all[step] ?? []) {
      if (seen.has(m.name)) {
        problems.push({
          file,
          line: mistakeLine(source, step, m.name),
          message: `two mistakes of \`${step}\` are named "${m.name}"`,
          fix: 'give each mistake its own name (lab test reports them by name)',
        });
      }
      seen.add(m.name);
    }
  }
  return problems;
}
