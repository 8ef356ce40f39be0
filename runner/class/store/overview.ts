// The whole-class overview, aggregated by the database: what the dashboard's
// all-labs page shows (per lab: learners started, finished, stuck where, failed
// attempts per step, live keys, last activity) without reading 60,000 progress
// rows into JS. Two statements, the same text for SQLite and PostgreSQL; the JS
// that reads their answers does O(labs × steps) work (runner/class/overview.ts).
import type { Sql } from './sql.ts';

/** A lab × step of a class as the database saw it. */
export interface LabStepSeen {
  lab: string;
  step: string;
  /** Earliest first check of this step by anyone (orders steps of labs not on disk). */
  firstAt: number;
  /** Latest check of this step. */
  lastAt: number | null;
  /** Failed attempts at this step. */
  failures: number | null;
}

/** Learners of a lab who share a current step, stuck flag and key state. */
export interface OverviewFigure {
  lab: string;
  /** 2^position of the first step not passed; 2^steps.length when all are passed. */
  cur: number;
  /** 1: their last attempt at the current step failed. */
  stuck: number;
  /** 1: their lab key is still live. */
  live: number;
  n: number;
}

/** Steps are a bit mask per learner and lab: one bit per step, so at most this many. */
export const MAX_MASK_STEPS = 52;

// Progress rows are written only for the sending token's learner and class (store/ingest.ts)
// and learners are never deleted, so every row of a class is one of its learners': no join
// with learners is needed to count only them.

export async function stepsSeen(sql: Sql, classId: string): Promise<LabStepSeen[]> {
  return sql.all<LabStepSeen>(
    `SELECT lab, step, MIN(first_at) AS "firstAt", MAX(last_at) AS "lastAt",
       SUM(failures) AS failures
     FROM progress WHERE class_id = ? GROUP BY lab, step`,
    [classId],
  );
}

/**
 * One pass over the class's progress rows, grouped per learner × lab: the steps passed and
 * the steps whose last attempt failed become bit masks (each step has one row, so SUM is OR).
 * The current step is the lowest bit not passed, (m + 1) & ~m; a learner has started when
 * one of the lab's steps has a row. Then learners are counted per lab, current step, stuck
 * flag and key state: at most labs × (steps + 1) × 4 rows come back.
 */
export async function overviewFigures(
  sql: Sql,
  classId: string,
  labs: { lab: string; steps: string[] }[],
  keyRule: { create: string; remove: string },
): Promise<OverviewFigure[]> {
  const tuples: string[] = [];
  const params: unknown[] = [];
  for (const { lab, steps } of labs) {
    if (steps.length > MAX_MASK_STEPS) throw new Error(`lab ${lab}: too many steps for a mask`);
    steps.forEach((step, pos) => {
      tuples.push('(CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS BIGINT))');
      params.push(lab, step, 2 ** pos);
    });
  }
  if (tuples.length === 0) return [];
  params.push(keyRule.create, keyRule.remove, classId);
  return sql.all<OverviewFigure>(
    `WITH ord (lab, step, bit) AS (VALUES ${tuples.join(', ')}),
     per AS (
       SELECT p.lab, p.learner_id,
         CAST(SUM(CASE WHEN p.passed_at IS NOT NULL THEN o.bit ELSE 0 END) AS BIGINT) AS m,
         CAST(SUM(CASE WHEN p.passed_at IS NULL AND p.last_status = 'failed' THEN o.bit ELSE 0 END)
           AS BIGINT) AS f,
         COUNT(o.bit) AS cells,
         MAX(CASE WHEN o.step = ? THEN p.last_passed_at END) AS created,
         MAX(CASE WHEN p.step = ? THEN p.last_passed_at END) AS removed
       FROM progress p LEFT JOIN ord o ON o.lab = p.lab AND o.step = p.step
       WHERE p.class_id = ?
       GROUP BY p.lab, p.learner_id
     ),
     at AS (
       SELECT lab, (m + 1) & (~m) AS cur, f, created, removed FROM per WHERE cells > 0
     )
     SELECT lab, cur,
       CASE WHEN (f & cur) <> 0 THEN 1 ELSE 0 END AS stuck,
       CASE WHEN created IS NOT NULL AND (removed IS NULL OR removed < created) THEN 1 ELSE 0 END
         AS live,
       COUNT(*) AS n
     FROM at GROUP BY lab, cur, stuck, live`,
    params,
  );
}
