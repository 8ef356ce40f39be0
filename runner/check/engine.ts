// The check engine: run a lab's step checks against a target, concurrently
// where steps are independent, retrying failures with backoff (IAM is
// eventually consistent), and record every result in the progress store.
import { LabError } from '../errors.ts';
import type { StepResult, StepVerdict } from '../lab/define.ts';
import type { Env } from '../paths.ts';
import type { Target } from '../target/index.ts';
import {
  openStore,
  currentRun,
  latestRun,
  latestResults,
  ledgerFor,
  recordCreated,
  recordResults,
  setRunStatus,
  type Run,
  type Store,
} from '../store/index.ts';
import { systemClock, type CheckContext, type Clock } from './context.ts';
import { labFileOf, loadDefinition, type RunnableLab } from './load.ts';
import { checkThrew, isVerdict } from '../sdk/contract.ts';
import { createsOf, recordCreations, regionsOf } from '../ownership/index.ts';

export interface CheckResult extends StepResult {
  durationMs: number;
}

export interface RunChecksOptions {
  lab: string;
  /** A resolved target (see resolveTarget). */
  target: Target;
  /** Lab home (progress store). */
  home: string;
  /** Check only this step. */
  step?: string;
  clock?: Clock;
  /** Waits before each retry of a failed step; default: sandbox [150], AWS [1000, 3000]. */
  retryDelays?: number[];
  /** Who is doing the lab (stored with results); default $LAB_LEARNER or the OS user. */
  learner?: string;
  labsDir?: string;
  env?: Env;
  /** Called as each step finishes (for a progress line). */
  onStep?: (r: CheckResult, done: number, total: number) => void;
  /** An open store to use (the caller closes it); otherwise one is opened and closed here. */
  store?: Store;
}

/** Check `lab` against `target`: one result per step, in the lab's step order. Records them. */
export async function runChecks(o: RunChecksOptions): Promise<CheckResult[]> {
  return (await checkLab(o)).results;
}

export interface CheckOutcome {
  results: CheckResult[];
  run: Run;
  def: RunnableLab;
  /** This check saw the last step pass (the run went from running to completed). */
  completedNow: boolean;
  /** The run was already cleaned up: results are the stored final ones, the account was not read. */
  finished: boolean;
}

/**
 * Whether the automatic cleanup is due after this check: every step passed and the run is not
 * cleaned up yet (this check completed it, or an earlier one did under --no-cleanup). A check of
 * one step (`step`) never starts it for a run completed earlier. `lab check` and the site share it.
 */
export function cleanupDue(c: CheckOutcome, step?: string): boolean {
  if (c.finished) return false;
  const passed = c.results.every((r) => r.status === 'passed');
  return c.completedNow || (passed && !step && c.run.status === 'completed');
}

/** runChecks plus the run it checked (the check command needs it for automatic cleanup). */
export async function checkLab(o: RunChecksOptions): Promise<CheckOutcome> {
  const env = o.env ?? process.env;
  const def = await loadDefinition(o.lab, { labsDir: o.labsDir, env });
  const ids = Object.keys(def.steps);
  if (o.step && !ids.includes(o.step)) {
    throw new LabError(
      'unknown_step',
      `Lab ${o.lab} has no step "${o.step}".`,
      `Its steps: ${ids.join(', ')}.`,
    );
  }
  const store = o.store ?? openStore(o.home);
  try {
    const run = currentRun(store, o.lab, o.target.kind, o.target.accountId);
    const last = run ? undefined : latestRun(store, o.lab, o.target.kind, o.target.accountId);
    if (last?.status === 'cleaned') {
      // Done and cleaned up: what the lab created is gone, so report the final results as stored.
      const stored = latestResults(store, o.lab, { runId: last.id });
      const results = (o.step ? [o.step] : ids).map((id): CheckResult => {
        const r = stored.find((x) => x.step === id);
        return r
          ? {
              id,
              status: r.status,
              evidence: r.evidence ?? undefined,
              hint: r.hint ?? undefined,
              durationMs: 0,
            }
          : { id, status: 'not-tried', evidence: 'not checked in this run', durationMs: 0 };
      });
      return { results, run: last, def, completedNow: false, finished: true };
    }
    if (!run) {
      throw new LabError(
        'not_started',
        `Lab ${o.lab} is not started in ${o.target.label}.`,
        `Run \`lab start ${o.lab}${o.target.kind === 'aws' ? ' --target aws' : ''}\` first.`,
      );
    }
    const clock = o.clock ?? systemClock;
    const learner = o.learner ?? env.LAB_LEARNER ?? env.USER ?? 'learner';
    // Only AWS lags (IAM is eventually consistent). The sandbox writes moto's state and its
    // activity log before the call that made them returns: a second look there sees nothing
    // new and cost every check of an unfinished step 150 ms plus a second round of calls.
    const delays = o.retryDelays ?? (o.target.kind === 'aws' ? [1000, 3000] : []);
    const selected = o.step ? [o.step] : ids;
    const scope = newScope();
    const ctxFor = (memo: Scope): CheckContext =>
      checkContext({ lab: o.lab, target: o.target, store, run, clock, memo });

    // Ownership is recorded at creation: this pass records what the learner's creation calls
    // made (by id, from the event history) alongside the checks, so cleanup later proves each
    // thing against the ids it had when it was made. The IAM region, the target's and the lab's;
    // cleanup looks at every enabled region. Keys are the checks' own (keysCreatedFor).
    const recording = recordCreations(
      { run, target: o.target, store, creates: createsOf(def), regions: regionsOf(def) },
      { keys: false },
    ).then(
      () => undefined,
      () => undefined,
    );
    let done = 0;
    const finished = new Map<string, Promise<CheckResult>>();
    const checkOne = async (id: string): Promise<CheckResult> => {
      // `after`: wait for the steps this one builds on (if they are being checked too).
      await Promise.all((def.steps[id].after ?? []).map((d) => finished.get(d)));
      const t0 = performance.now();
      let verdict = await attempt(def, id, ctxFor(scope), o.target);
      for (const ms of delays) {
        // Not there yet may be IAM's eventual consistency: look again before saying so.
        if (verdict.status !== 'failed' && verdict.status !== 'not-tried') break;
        await clock.sleep(ms);
        verdict = await attempt(def, id, ctxFor(newScope()), o.target);
      }
      const r: CheckResult = { id, ...verdict, durationMs: performance.now() - t0 };
      o.onStep?.(r, ++done, selected.length);
      return r;
    };
    for (const id of selected) finished.set(id, checkOne(id));
    const results = await Promise.all(selected.map((id) => finished.get(id)!));
    await recording;
    // A denial of the runner's LookupEvents is the environment's (exit 2, naming the permission);
    // anything else (throttling, a region slow to answer) leaves the record to the next pass or
    // the cleanup, which reads the history again: never a reason to fail the learner's check.
    const denied = o.target.runnerDenial();
    if (denied) throw denied;

    recordResults(store, {
      runId: run.id,
      lab: o.lab,
      learner,
      at: clock.now(),
      results: results.map((r) => ({
        step: r.id,
        status: r.status,
        evidence: r.evidence,
        expected: r.expected,
        hint: r.hint,
        durationMs: r.durationMs,
      })),
    });
    // A run is complete when every step has passed (in this check or, with --step, earlier).
    let completedNow = false;
    if (run.status === 'running' && allPassed(store, o.lab, run.id, ids)) {
      setRunStatus(store, run.id, 'completed', clock.now());
      completedNow = true;
    }
    return { results, run, def, completedNow, finished: false };
  } finally {
    if (!o.store) store.close();
  }
}

async function attempt(
  def: RunnableLab,
  id: string,
  ctx: CheckContext,
  target: Target,
): Promise<StepVerdict> {
  let verdict: unknown;
  try {
    verdict = await def.steps[id].check(ctx);
  } catch (e) {
    if ((e as Error)?.name === 'LabError') throw e;
    // Environment trouble (network, credentials, throttling, the runner's identity denied a
    // call) stops the whole check: exit 2, and nothing is recorded. Anything else is the
    // check's own failure: named by lab, step and lab.ts:line, never "a bug in labrunner".
    throw target.environmentError(e) ?? checkThrew(ctx.lab, id, labFileOf(def), e);
  }
  // A denial of the runner's own call that the check caught is still not the learner's doing.
  const denied = target.runnerDenial();
  if (denied) throw denied;
  if (isVerdict(verdict)) return verdict as StepVerdict;
  // Not exactly a verdict: the schema says what is wrong (and accepts what it allows).
  const { badVerdict, verdictSchema } = await import('../sdk/validate.ts');
  const ok = verdictSchema.safeParse(verdict);
  if (!ok.success) throw badVerdict(ctx.lab, id, labFileOf(def), verdict, ok.error);
  return ok.data;
}

function allPassed(store: Store, lab: string, runId: number, ids: string[]): boolean {
  const rows = store
    .prepare(
      `SELECT step, status FROM results WHERE id IN
         (SELECT MAX(id) FROM results WHERE lab = ? AND run_id = ? GROUP BY step)`,
    )
    .all(lab, runId) as { step: string; status: string }[];
  const passed = new Set(rows.filter((r) => r.status === 'passed').map((r) => r.step));
  return ids.every((id) => passed.has(id));
}

interface Scope {
  memo<T>(key: string, fn: () => Promise<T>): Promise<T>;
}

/** Lookups shared by the steps of one pass; a retry gets a fresh scope so it sees new state. */
/**
 * The context a check (or an evidence question, runner/quiz/) reads the run through: the
 * runner's clients, the run, one memo per pass, and the run's ledger, to which what the
 * evidence proves the learner made is added.
 */
export function checkContext(o: {
  lab: string;
  target: Target;
  store: Store;
  run: Run;
  clock: Clock;
  memo?: Scope;
}): CheckContext {
  const { store, run } = o;
  return {
    lab: o.lab,
    target: o.target,
    clients: o.target.clients,
    run: { id: run.id, startedAt: new Date(run.startedAt), baseline: run.baseline },
    clock: o.clock,
    memo: (o.memo ?? newScope()).memo,
    ledger: (kind) => ledgerFor(store, run.id).filter((e) => !kind || e.kind === kind),
    remember: (kind, resourceId, details) =>
      void recordCreated(store, { runId: run.id, kind, resourceId, details, createdBy: 'learner' }),
  };
}

function newScope(): Scope {
  const cache = new Map<string, Promise<unknown>>();
  return {
    memo<T>(key: string, fn: () => Promise<T>): Promise<T> {
      if (!cache.has(key)) cache.set(key, fn());
      return cache.get(key) as Promise<T>;
    },
  };
}
