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
  type Run,
} from '../store/index.ts';
import { systemClock, type Clock } from './context.ts';
import { labFileOf, loadDefinition } from './load.ts';
import { checkThrew } from '../sdk/contract.ts';
import { kindOf } from '../resources/index.ts';

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
      // Ownership by identity: record each created thing's immutable ids (UserId, GroupId,
      // RoleId…) now, so cleanup later deletes that one and never a same-named replacement.
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
      setRunBaseline(store, run.id, {
        ...(baseline ?? {}),
        // Who the learner works as: only that identity's calls are this run's evidence.
        learnerArn: o.target.learnerArn,
        setupAt: clock.now().toISOString(),
      });
    } catch (e) {
      if ((e as Error)?.name === 'LabError') throw e;
      // Not the environment: the lab's setup failed (named by lab and lab.ts:line, not a bug in
      // labrunner). The run stays open; `lab start` again finishes its setup.
      throw o.target.environmentError(e) ?? checkThrew(o.lab, 'setup', labFileOf(def), e);
    }
    return { run: getRun(store, run.id)!, started: true, created };
  } finally {
    store.close();
  }
}
