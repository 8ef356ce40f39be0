// `lab start`: open a run and run the lab's setup (create what the lab needs,
// record it in the ledger, note what already existed).
import type { Env } from '../paths.ts';
import type { Target } from '../target/index.ts';
import {
  openStore,
  currentRun,
  startRun,
  recordCreated,
  setRunBaseline,
  getRun,
  ledgerFor,
  markRemoved,
  setRunStatus,
  type Run,
  type Store,
} from '../store/index.ts';
import { systemClock, type Clock } from './context.ts';
import { labFileOf, loadDefinition } from './load.ts';
import { checkThrew } from '../sdk/contract.ts';
import { kindOf } from '../resources/index.ts';
import { judge } from '../ownership/index.ts';
import type { LabError } from '../errors.ts';

/**
 * Remove what a failed setup recorded, newest first (what hangs off a thing goes before it),
 * each only once proven the lab's by the ids just recorded. Returns what was removed; closes the
 * run when nothing it made remains.
 */
async function undoSetup(
  store: Store,
  run: Run,
  target: Target,
  recordIds: () => Promise<void>,
): Promise<string[]> {
  const done: string[] = [];
  try {
    await recordIds();
    const open = ledgerFor(store, run.id)
      .filter((e) => e.createdBy === 'lab' && !e.removedAt)
      .reverse();
    for (const e of open) {
      const v = await judge(target, e);
      if (v.state === 'same') {
        await kindOf(e.kind)!.delete(target, e.resourceId, e.details);
        done.push(v.what);
      }
      if (v.state === 'same' || v.state === 'gone') markRemoved(store, e.id);
    }
    if (ledgerFor(store, run.id).every((e) => e.removedAt)) setRunStatus(store, run.id, 'cleaned');
  } catch {
    // The account refused or is unreachable: what remains stays recorded for `lab cleanup`.
  }
  return done;
}

export interface StartResult {
  run: Run;
  /** False when a run of this lab was already going in this account (it is kept as is). */
  started: boolean;
  /** What setup created, e.g. ["iam-user iam-admin"]. */
  created: string[];
}

export async function startLab(o: {
  lab: string;
  target: Target;
  home: string;
  learner?: string;
  clock?: Clock;
  labsDir?: string;
  env?: Env;
  say?: (text: string) => void;
}): Promise<StartResult> {
  const env = o.env ?? process.env;
  const def = await loadDefinition(o.lab, { labsDir: o.labsDir, env });
  const clock = o.clock ?? systemClock;
  const store = openStore(o.home);
  try {
    const existing = currentRun(store, o.lab, o.target.kind, o.target.accountId);
    // A run in progress is kept: setup again would count the learner's new key as "already
    // there". Unless its setup never finished (interrupted, sandbox down): then finish it.
    if (existing?.status === 'running' && existing.baseline.setupAt) {
      return { run: existing, started: false, created: [] };
    }
    // CloudTrail's event times are whole seconds: a run starts on a second of its own, so
    // nothing that happened before it (another run's calls, the last test's key) can carry a
    // time inside the run. At most a second, once per `lab start`.
    if (existing?.status !== 'running') {
      await clock.sleep(1000 - (clock.now().getTime() % 1000) + 5);
    }
    const run =
      existing?.status === 'running'
        ? existing
        : startRun(store, {
            lab: o.lab,
            target: o.target.kind,
            accountId: o.target.accountId,
            learner: o.learner ?? env.LAB_LEARNER ?? env.USER ?? 'learner',
            now: clock.now(),
          });
    const created: string[] = [];
    const recorded: { kind: string; resourceId: string }[] = [];
    // Ownership by identity: each created thing's immutable ids (UserId, GroupId, RoleId…),
    // recorded as soon as setup is over, whether it finished or not, so cleanup later deletes
    // that one and never a same-named replacement.
    const recordIds = async () => {
      for (const r of recorded) {
        const live = await kindOf(r.kind)?.lookup(o.target, r.resourceId, {});
        if (live) {
          recordCreated(store, {
            runId: run.id,
            kind: r.kind,
            resourceId: r.resourceId,
            details: { ...live.ids, createdAt: live.created?.toISOString() },
            createdBy: 'lab',
          });
        }
      }
    };
    try {
      const baseline = await def.setup?.({
        lab: o.lab,
        target: o.target,
        clients: o.target.clients,
        run: { id: run.id, startedAt: new Date(run.startedAt), baseline: {} },
        created: (kind, resourceId, details) => {
          recordCreated(store, { runId: run.id, kind, resourceId, details, createdBy: 'lab' });
          created.push(`${kind} ${resourceId}`);
          recorded.push({ kind, resourceId });
        },
        say: o.say ?? (() => {}),
      });
      await recordIds();
      setRunBaseline(store, run.id, {
        ...(baseline ?? {}),
        // Who the learner works as: only that identity's calls are this run's evidence.
        learnerArn: o.target.learnerArn,
        setupAt: clock.now().toISOString(),
      });
    } catch (e) {
      // A setup that failed part-way removes what it made (proven by the ids recorded now), so
      // a failed `lab start` leaves nothing behind; the run is closed and a new start begins
      // afresh. What could not be removed stays recorded: `lab cleanup` reports it.
      const undone = await undoSetup(store, run, o.target, recordIds);
      const err =
        (e as Error)?.name === 'LabError'
          ? (e as LabError)
          : (o.target.environmentError(e) ??
            // Not the environment: the lab's setup failed (named by lab and lab.ts:line, not a
            // bug in labrunner).
            checkThrew(o.lab, 'setup', labFileOf(def), e));
      if (undone.length)
        err.message += ` What the setup had made is removed again: ${undone.join(', ')}.`;
      throw err;
    }
    return { run: getRun(store, run.id)!, started: true, created };
  } finally {
    store.close();
  }
}
