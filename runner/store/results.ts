// Check results: one row per step per `lab check`, so progress has a history
// and two concurrent checks both land (each writes its rows in one transaction).
import { tx, iso, type Store } from './db.ts';
import type { StepStatus } from '../lab/define.ts';

export interface StoredResult {
  runId: number | null;
  lab: string;
  step: string;
  status: StepStatus;
  evidence: string | null;
  expected: string | null;
  hint: string | null;
  at: string;
  durationMs: number;
  learner: string;
}

interface ResultRow {
  run_id: number | null;
  lab: string;
  step: string;
  status: StepStatus;
  evidence: string | null;
  expected: string | null;
  hint: string | null;
  at: string;
  duration_ms: number;
  learner: string;
}

const toResult = (r: ResultRow): StoredResult => ({
  runId: r.run_id,
  lab: r.lab,
  step: r.step,
  status: r.status,
  evidence: r.evidence,
  expected: r.expected ?? null,
  hint: r.hint,
  at: r.at,
  durationMs: r.duration_ms,
  learner: r.learner,
});

export interface ResultInput {
  step: string;
  status: StepStatus;
  evidence?: string;
  expected?: string;
  hint?: string;
  durationMs: number;
}

/** Record the results of one check of `lab` (all steps in one transaction). */
export function recordResults(
  db: Store,
  r: { runId?: number | null; lab: string; learner: string; at?: Date; results: ResultInput[] },
): void {
  const at = iso(r.at ?? new Date());
  tx(db, () => {
    const ins = db.prepare(
      `INSERT INTO results (run_id, lab, step, status, evidence, expected, hint, at, duration_ms, learner)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const s of r.results) {
      ins.run(
        r.runId ?? null,
        r.lab,
        s.step,
        s.status,
        s.evidence ?? null,
        s.expected ?? null,
        s.hint ?? null,
        at,
        Math.round(s.durationMs),
        r.learner,
      );
    }
  });
}

/** The latest result of each step of `lab` (of one run if `runId` is given), in no particular order. */
export function latestResults(
  db: Store,
  lab: string,
  opts: { runId?: number } = {},
): StoredResult[] {
  const where = opts.runId === undefined ? 'lab = ?' : 'lab = ? AND run_id = ?';
  const params = opts.runId === undefined ? [lab] : [lab, opts.runId];
  const rows = db
    .prepare(
      `SELECT * FROM results WHERE id IN (SELECT MAX(id) FROM results WHERE ${where} GROUP BY step)`,
    )
    .all(...params) as unknown as ResultRow[];
  return rows.map(toResult);
}

/** Every stored result of `lab`, oldest first (history for `lab status --json` and reports). */
export function resultHistory(db: Store, lab: string): StoredResult[] {
  return (
    db.prepare('SELECT * FROM results WHERE lab = ? ORDER BY id').all(lab) as unknown as ResultRow[]
  ).map(toResult);
}

export interface LabProgress {
  lab: string;
  /** The lab's latest run (running, completed or ended), if it was ever started. */
  run: { id: number; target: string; accountId: string; status: string; startedAt: string } | null;
  /** Latest result per step (of the latest run if there is one, else of any check). */
  steps: StoredResult[];
  lastCheckedAt: string | null;
}

/** Progress of every lab that was started or checked, by lab id. */
export function progressSummary(db: Store): LabProgress[] {
  const labs = db
    .prepare('SELECT lab FROM runs UNION SELECT lab FROM results ORDER BY lab')
    .all() as { lab: string }[];
  return labs.map(({ lab }) => {
    const run = db
      .prepare(
        'SELECT id, target, account_id, status, started_at FROM runs WHERE lab = ? ORDER BY id DESC LIMIT 1',
      )
      .get(lab) as
      | { id: number; target: string; account_id: string; status: string; started_at: string }
      | undefined;
    const steps = latestResults(db, lab, run ? { runId: run.id } : {});
    const lastCheckedAt = steps.reduce<string | null>((m, s) => (m && m > s.at ? m : s.at), null);
    return {
      lab,
      run: run
        ? {
            id: run.id,
            target: run.target,
            accountId: run.account_id,
            status: run.status,
            startedAt: run.started_at,
          }
        : null,
      steps,
      lastCheckedAt,
    };
  });
}
