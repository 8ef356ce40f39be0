// The lab contract's shapes, checked without loading zod: a definition and a verdict that are
// exactly right pass here, and only what does not goes to the zod schemas in validate.ts for
// the detailed problem (with lab.ts:line). zod costs ~20 ms to load, a tenth of a `lab check`.
// These checks may only be stricter than the schemas, never looser: anything they refuse is
// judged by the schemas again.
import { readFileSync } from 'node:fs';
import { EXIT, LabError } from '../errors.ts';
import { displayPath, keyLine } from '../lab/error-map.ts';
import { RESOURCE_KINDS } from './kinds.ts';
import { DEFINED_AT } from './define.ts';

const plain = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const strings = (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === 'string');
const STATUSES = new Set(['passed', 'failed', 'pending', 'not-tried']);
const VERDICT_TEXT = new Set(['evidence', 'expected', 'hint']);
const DEFINITION_KEYS = new Set(['id', 'creates', 'regions', 'setup', 'steps', 'quiz']);
const KINDS = new Set<string>(RESOURCE_KINDS);
const EVIDENCE = new Set(['account', 'local', 'mixed']);

/** A verdict exactly as verdictSchema wants it. */
export function isVerdict(v: unknown): boolean {
  if (!plain(v) || !STATUSES.has(v.status as string)) return false;
  return Object.entries(v).every(
    ([k, x]) =>
      k === 'status' || (VERDICT_TEXT.has(k) && (x === undefined || typeof x === 'string')),
  );
}

/** A definition exactly as labDefinitionSchema wants it, every `after` naming a step. */
export function isDefinition(d: unknown): boolean {
  if (!plain(d) || !Object.keys(d).every((k) => DEFINITION_KEYS.has(k))) return false;
  if (typeof d.id !== 'string' || !/^[a-z0-9]+(-[a-z0-9]+)*$/.test(d.id)) return false;
  if (
    d.creates !== undefined &&
    !(strings(d.creates) && (d.creates as string[]).every((k) => KINDS.has(k)))
  )
    return false;
  if (d.regions !== undefined && !strings(d.regions)) return false;
  if (d.setup !== undefined && typeof d.setup !== 'function') return false;
  if (
    d.quiz !== undefined &&
    !(plain(d.quiz) && Object.values(d.quiz).every((f) => typeof f === 'function'))
  )
    return false;
  if (!plain(d.steps)) return false;
  const ids = new Set(Object.keys(d.steps));
  return Object.values(d.steps).every(
    (s) =>
      plain(s) &&
      Object.keys(s).every((k) => k === 'check' || k === 'after' || k === 'evidence') &&
      typeof s.check === 'function' &&
      (s.evidence === undefined || EVIDENCE.has(s.evidence as string)) &&
      (s.after === undefined ||
        (strings(s.after) && (s.after as string[]).every((a) => ids.has(a)))),
  );
}

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
