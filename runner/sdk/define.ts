// defineLab: the one call a lab.ts makes. Every type is inferred from the object (no type
// arguments; `<const S>` like citty's defineCommand keeps the step ids as literals), so `ctx`
// is typed in every check and a step id misspelt in `after` is a type error. The call site is
// captured, so problems found later name `lab.ts:line`.
import type { StepVerdict } from '../lab/define.ts';
import type { CheckContext, SetupContext } from '../check/context.ts';
import type { ResourceKindName } from './kinds.ts';
import type { QuizEvidence } from './quiz.ts';

export interface StepDef<S extends string> {
  /** Verify this step against the account. Must not change anything. Return passed()/failed()/pending(). */
  check(ctx: CheckContext): Promise<StepVerdict>;
  /** Step ids whose state this check needs; independent steps run concurrently. */
  after?: readonly NoInfer<S>[];
  /**
   * Where the step's evidence lives (default `'account'`). A class that hosts the sandbox runs
   * the check itself against the learner's account, so `'account'` steps are verified there;
   * `'local'` steps (CLI profiles, files on the learner's machine) stay self-reported; `'mixed'`
   * steps are run too: the account part can contradict a claim, the local part cannot be proven.
   */
  evidence?: StepEvidence;
}

export type StepEvidence = 'account' | 'local' | 'mixed';

export interface LabDef<S extends string = string> {
  /** The lab id: equals the folder name and README.md's `id`. */
  id: string;
  /**
   * Every kind of resource the lab or the learner may create. Cleanup finds the learner's in
   * the event history and removes exactly those; `lab test` fails if any kind is left behind.
   */
  creates?: readonly ResourceKindName[];
  /**
   * Regions besides the target's where the learner makes regional things (s3-basics: its bucket
   * in ap-southeast-2). Their creation events are in that region's event history; cleanup looks
   * there too.
   */
  regions?: readonly string[];
  /** Runs at `lab start`: create what the lab needs (record it with ctx.created), return a baseline. */
  setup?(ctx: SetupContext): Promise<Record<string, unknown> | void>;
  /** One entry per `::: step <id>` in README.md, in the same order. */
  steps: { [K in S]: StepDef<S> };
  /**
   * One entry per `::: quiz <id> evidence` in README.md: the right answer to a question about
   * the learner's own run, read from the account like a check (never changing it). Return
   * answer(...accepted) or notYet('do step X first').
   */
  quiz?: Record<string, (ctx: CheckContext) => Promise<QuizEvidence>>;
}

/** Where defineLab was called (the lab's own file), for error messages. */
export const DEFINED_AT: unique symbol = Symbol.for('labrunner.definedAt');

export type DefinedLab<S extends string = string> = LabDef<S> & { [DEFINED_AT]?: string };

export function defineLab<const S extends string>(def: LabDef<S>): DefinedLab<S> {
  const at = callSite(new Error().stack);
  if (at) Object.defineProperty(def, DEFINED_AT, { value: at, enumerable: false });
  return def;
}

/** "/path/labs/x/lab.ts:12": the first stack frame outside runner/sdk. */
export function callSite(stack: string | undefined): string | undefined {
  for (const line of (stack ?? '').split('\n').slice(1)) {
    const m = /(?:\(|at )(?:file:\/\/)?([^()\s]+?):(\d+):\d+\)?$/.exec(line.trim());
    if (m && !m[1].includes('/runner/sdk/')) return `${m[1]}:${m[2]}`;
  }
  return undefined;
}

// ── Mistakes: the wrong ways learners take, per step (labs/<lab>/mistakes.mjs) ──────────────

/** What a mistake's functions get: the learner's terminal, as solve.mjs's steps get it. */
export interface LearnerShell {
  /** zx's `$` bound to the sandbox environment (the admin is the `default` profile). */
  $: import('zx').Shell;
  env: Record<string, string>;
  /** Shared with solve.mjs's steps of the same pass (ids, a new key's secret…). */
  state: Record<string, unknown>;
}

export interface RecoverContext extends LearnerShell {
  /** The verdict the mistake got (its hint is what a learner reads next). */
  verdict: StepVerdict;
  /** solve.mjs's steps, for a recovery that ends with doing the step right. */
  solve: Record<string, (ctx: LearnerShell) => Promise<unknown>>;
  /**
   * Do what the hint says: run every `aws …` command quoted in it (in order, `<placeholder>`s
   * filled from `fill`, else the mistake's), check the step again, and repeat with the new hint
   * until the step passes (at most `rounds`, default 4). Returns the last verdict.
   */
  followHint(o?: { fill?: Record<string, string>; rounds?: number }): Promise<StepVerdict>;
}

export interface Mistake {
  /** What the learner does wrong, in a few words ("no --region: the bucket lands in us-east-1"). */
  name: string;
  /** Do the wrong thing, with the real `aws` CLI, from where the step starts. */
  act(ctx: LearnerShell): Promise<unknown>;
  /**
   * The verdict the step's check must give after it: `failed`, with `evidence` (and `hint`, if
   * given) containing these fragments. Never passed, never "not tried": the learner tried.
   */
  verdict: { status: 'failed'; evidence: string; hint?: string };
  /** What the learner does after reading the hint; default: followHint(fill). Must reach a pass. */
  recover?(ctx: RecoverContext): Promise<unknown>;
  /** Values for the hint's `<placeholders>` when the default recovery follows it. */
  fill?: Record<string, string>;
}

/** A lab's mistakes, by step id, in README order. Optional sugar: a plain object is the same. */
export function defineMistakes<const M extends Record<string, readonly Mistake[]>>(m: M): M {
  return m;
}
