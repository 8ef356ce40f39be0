// What a class hears of the learner's work from before they joined it. A learner may do half
// a lab (or all of it) and join the class afterwards: the class should see those steps as done,
// at the times they were done, not as "not started" nor as done on the day of joining (which
// skewed the class's per-step medians).
import { openStore } from '../store/index.ts';
import { stripSecrets } from './redact.ts';
import type { ResultIn } from './schema.ts';

/** Steps of run `runId` first passed before `joinedAt` (ms), with that first pass's time. */
export function passesBefore(home: string, runId: number, joinedAt: number): Map<string, number> {
  const out = new Map<string, number>();
  if (!Number.isFinite(joinedAt)) return out;
  const db = openStore(home);
  try {
    const rows = db
      .prepare(
        `SELECT step, MIN(at) AS at FROM results WHERE run_id = ? AND status = 'passed' GROUP BY step`,
      )
      .all(runId) as { step: string; at: string }[];
    for (const r of rows) {
      const at = Date.parse(r.at);
      if (at < joinedAt) out.set(r.step, at);
    }
  } finally {
    db.close();
  }
  return out;
}

/**
 * Every check result of each lab's latest run in this lab home, as the class API takes them,
 * with their own times. Keys are the local result ids: joining the same class again sends
 * nothing twice.
 */
export function localHistory(home: string): ResultIn[] {
  const db = openStore(home);
  try {
    const rows = db
      .prepare(
        `SELECT id, run_id, lab, step, status, evidence, hint, at FROM results
         WHERE run_id IN (SELECT MAX(id) FROM runs GROUP BY lab) ORDER BY id`,
      )
      .all() as {
      id: number;
      run_id: number;
      lab: string;
      step: string;
      status: ResultIn['status'];
      evidence: string | null;
      hint: string | null;
      at: string;
    }[];
    return rows.map((r) => ({
      key: `local:${r.run_id}:${r.id}`,
      lab: r.lab,
      step: r.step,
      status: r.status,
      at: Date.parse(r.at),
      ...(r.evidence ? { evidence: stripSecrets(r.evidence)!.slice(0, 2000) } : {}),
      ...(r.hint ? { hint: stripSecrets(r.hint)!.slice(0, 2000) } : {}),
    }));
  } finally {
    db.close();
  }
}
