// A run is one attempt at a lab against one account: it starts at `lab start`
// and ends when its cleanup has finished (or it is abandoned).
import { tx, iso, type Store } from './db.ts';

export type RunStatus = 'running' | 'completed' | 'cleaned' | 'abandoned';

export interface Run {
  id: number;
  lab: string;
  target: string;
  accountId: string;
  learner: string;
  startedAt: string;
  endedAt: string | null;
  status: RunStatus;
  /** What the account held when the run started (set by the lab's setup). */
  baseline: Record<string, unknown>;
}

interface RunRow {
  id: number;
  lab: string;
  target: string;
  account_id: string;
  learner: string;
  started_at: string;
  ended_at: string | null;
  status: RunStatus;
  baseline: string;
}

function toRun(r: RunRow): Run {
  return {
    id: r.id,
    lab: r.lab,
    target: r.target,
    accountId: r.account_id,
    learner: r.learner,
    startedAt: r.started_at,
    endedAt: r.ended_at,
    status: r.status,
    baseline: JSON.parse(r.baseline),
  };
}

/** Start a new run. A still-running run of the same lab in the same account is kept, not replaced. */
export function startRun(
  db: Store,
  run: { lab: string; target: string; accountId: string; learner: string; now?: Date },
): Run {
  return tx(db, () => {
    const row = db
      .prepare(
        `INSERT INTO runs (lab, target, account_id, learner, started_at) VALUES (?, ?, ?, ?, ?)
         RETURNING *`,
      )
      .get(
        run.lab,
        run.target,
        run.accountId,
        run.learner,
        iso(run.now ?? new Date()),
      ) as unknown as RunRow;
    return toRun(row);
  });
}

/** The latest run of `lab` against this target and account that has not ended, if any. */
export function currentRun(
  db: Store,
  lab: string,
  target: string,
  accountId: string,
): Run | undefined {
  const row = db
    .prepare(
      `SELECT * FROM runs WHERE lab = ? AND target = ? AND account_id = ? AND status IN ('running', 'completed')
       ORDER BY id DESC LIMIT 1`,
    )
    .get(lab, target, accountId) as RunRow | undefined;
  return row && toRun(row);
}

/** The latest run of `lab` against this target and account, whatever its status. */
export function latestRun(
  db: Store,
  lab: string,
  target: string,
  accountId: string,
): Run | undefined {
  const row = db
    .prepare(
      'SELECT * FROM runs WHERE lab = ? AND target = ? AND account_id = ? ORDER BY id DESC LIMIT 1',
    )
    .get(lab, target, accountId) as RunRow | undefined;
  return row && toRun(row);
}

export function getRun(db: Store, id: number): Run | undefined {
  const row = db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as RunRow | undefined;
  return row && toRun(row);
}

/** Every run, newest first (optionally of one lab). */
export function listRuns(db: Store, lab?: string): Run[] {
  const rows = (lab
    ? db.prepare('SELECT * FROM runs WHERE lab = ? ORDER BY id DESC').all(lab)
    : db.prepare('SELECT * FROM runs ORDER BY id DESC').all()) as unknown as RunRow[];
  return rows.map(toRun);
}

/**
 * Move a run to `status`. 'completed' = every step passed (cleanup may still be due);
 * 'cleaned' and 'abandoned' end it (sets ended_at).
 */
export function setRunStatus(
  db: Store,
  id: number,
  status: RunStatus,
  now: Date = new Date(),
): void {
  const ended = status === 'cleaned' || status === 'abandoned' ? iso(now) : null;
  tx(db, () => {
    db.prepare('UPDATE runs SET status = ?, ended_at = COALESCE(?, ended_at) WHERE id = ?').run(
      status,
      ended,
      id,
    );
  });
}

/** Record what the account held when the run started (never a secret: ids and names only). */
export function setRunBaseline(db: Store, id: number, baseline: Record<string, unknown>): void {
  tx(db, () => {
    db.prepare('UPDATE runs SET baseline = ? WHERE id = ?').run(JSON.stringify(baseline), id);
  });
}
