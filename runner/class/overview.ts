// The dashboard's whole-class overview: per lab, learners started and finished,
// who is stuck where, failed attempts per step, live keys and last activity.
// The database aggregates (store/overview.ts); this file only orders steps and
// folds O(labs × steps) figures. `overviewOf` derives the same figures from a
// full report (the `lab report --format html` path, and the tests' reference).
import { buildReport, KEY_RULE, orderSeen, type LabReport } from './report.ts';
import { MAX_MASK_STEPS } from './store/overview.ts';
import type { ClassStore } from './store/index.ts';
import type { StepOrder } from './labs.ts';

export interface LabOverview {
  lab: string;
  steps: string[];
  /** `learners`: those who checked at least one step of the lab. */
  completion: { completed: number; learners: number; rate: number };
  /** Learners whose last attempt at their current step failed. */
  learnersStuck: number;
  /** As in the full report (most stuck, then most failed attempts first), without reasons. */
  stuck: { step: string; learnersStuck: number; failedAttempts: number }[];
  keysAtRisk: number;
  lastActivity: number | null;
}

export interface ClassOverview {
  class: { id: string; name: string };
  generatedAt: number;
  overview: LabOverview[];
}

export async function buildOverview(
  store: ClassStore,
  classId: string,
  opts: { stepOrder: StepOrder; now?: number },
): Promise<ClassOverview | undefined> {
  const cls = await store.getClass(classId);
  if (!cls) return undefined;
  const seen = new Map<
    string,
    { first: Map<string, number>; failures: Map<string, number>; lastAt: number | null }
  >();
  for (const r of await store.stepsSeen(classId)) {
    let lab = seen.get(r.lab);
    if (!lab) seen.set(r.lab, (lab = { first: new Map(), failures: new Map(), lastAt: null }));
    lab.first.set(r.step, r.firstAt);
    lab.failures.set(r.step, Number(r.failures ?? 0));
    if (r.lastAt != null) lab.lastAt = Math.max(lab.lastAt ?? -Infinity, r.lastAt);
  }
  const labs: { lab: string; steps: string[] }[] = [];
  for (const lab of [...seen.keys()].sort()) {
    labs.push({ lab, steps: (await opts.stepOrder(lab)) ?? orderSeen(seen.get(lab)!.first) });
  }
  if (labs.some((l) => l.steps.length > MAX_MASK_STEPS)) {
    // No real lab has 50 steps; should one, the JS computation still answers.
    const full = await buildReport(store, classId, { ...opts, summary: true });
    return (
      full && {
        class: full.class,
        generatedAt: full.generatedAt,
        overview: full.labs.map(overviewOf),
      }
    );
  }
  const figures = await store.overviewFigures(classId, labs, KEY_RULE);
  const overview = labs.map(({ lab, steps }) => {
    const failures = seen.get(lab)!.failures;
    const stuck = steps.map((step) => ({
      step,
      learnersStuck: 0,
      failedAttempts: failures.get(step) ?? 0,
    }));
    let learners = 0;
    let completed = 0;
    let keysAtRisk = 0;
    for (const f of figures) {
      if (f.lab !== lab) continue;
      const n = Number(f.n);
      const pos = Math.log2(Number(f.cur));
      learners += n;
      if (Number(f.live) === 1) keysAtRisk += n;
      if (pos === steps.length) completed += n;
      else if (Number(f.stuck) === 1) stuck[pos].learnersStuck += n;
    }
    return {
      lab,
      steps,
      completion: { completed, learners, rate: learners ? completed / learners : 0 },
      learnersStuck: stuck.reduce((n, s) => n + s.learnersStuck, 0),
      stuck: sortStuck(stuck),
      keysAtRisk,
      lastActivity: seen.get(lab)!.lastAt,
    };
  });
  return { class: { id: cls.id, name: cls.name }, generatedAt: opts.now ?? Date.now(), overview };
}

/** The overview figures of a full lab report. */
export function overviewOf(r: LabReport): LabOverview {
  let lastActivity: number | null = null;
  for (const l of r.learners) {
    if (l.lastActivity != null) lastActivity = Math.max(lastActivity ?? -Infinity, l.lastActivity);
  }
  return {
    lab: r.lab,
    steps: r.steps,
    completion: { ...r.completion },
    learnersStuck: r.learners.filter((l) => l.state === 'stuck').length,
    stuck: r.stuck.map((s) => ({
      step: s.step,
      learnersStuck: s.learnersStuck,
      failedAttempts: s.failedAttempts,
    })),
    keysAtRisk: r.keysAtRisk.length,
    lastActivity,
  };
}

function sortStuck(stuck: LabOverview['stuck']): LabOverview['stuck'] {
  return stuck
    .filter((s) => s.learnersStuck > 0 || s.failedAttempts > 0)
    .sort((a, b) => b.learnersStuck - a.learnersStuck || b.failedAttempts - a.failedAttempts);
}
