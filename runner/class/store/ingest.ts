// Writing results: idempotent inserts plus the per-step progress the reports
// read, and a group commit that folds concurrent requests into one transaction.
//
// Under load most of a request's cost is round trips (BEGIN, INSERT, UPSERT,
// COMMIT) rather than work; 200 learners checking at once would queue on them.
// The group commit sends the first request at once and batches whatever
// arrives while a transaction is in flight, so busy servers do a few large
// transactions instead of many small ones, with the same result row for row.
import { reasonOf, stripSecrets } from '../redact.ts';
import type { ResultIn } from '../schema.ts';
import type { Sql } from './sql.ts';
import type { ProgressRow } from './index.ts';

export interface Ingested {
  accepted: number;
  duplicates: number;
}

export interface IngestItem {
  who: { classId: string; learnerId: string };
  results: ResultIn[];
  now: number;
}

const CHUNK = 1000; // rows per statement: well under both drivers' parameter limits

const chunks = <T>(xs: T[], n: number): T[][] =>
  Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, i * n + n));

/** Write several requests' results in the caller's transaction; one count per request. */
export async function writeBatch(db: Sql, items: IngestItem[]): Promise<Ingested[]> {
  const rows = items.flatMap((item) => item.results.map((r) => ({ item, r })));
  const fresh = new Set<string>();
  const id = (learner: string, key: string) => `${learner}\u0000${key}`;
  for (const part of chunks(rows, CHUNK)) {
    // The conflict clause skips keys already stored (and repeats inside the statement);
    // RETURNING names the rows that are new.
    const inserted = await db.all<{ learner_id: string; idem_key: string }>(
      `INSERT INTO results (class_id, learner_id, idem_key, lab, step, status, evidence, hint, reason, at, received_at, quiz)
       VALUES ${part.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}
       ON CONFLICT (learner_id, idem_key) DO NOTHING RETURNING learner_id, idem_key`,
      part.flatMap(({ item, r }) => {
        const evidence = stripSecrets(r.evidence) ?? null;
        return [
          item.who.classId,
          item.who.learnerId,
          r.key,
          r.lab,
          r.step,
          r.status,
          evidence,
          stripSecrets(r.hint) ?? null,
          r.status === 'failed' && !r.quiz ? (reasonOf(evidence) ?? '(no evidence given)') : null,
          r.at,
          item.now,
          r.quiz ? 1 : 0,
        ];
      }),
    );
    for (const x of inserted) fresh.add(id(x.learner_id, x.idem_key));
  }
  // A key counts for the first request (and row) that carried it, never twice.
  const counted = new Set<string>();
  const kept: { item: IngestItem; r: ResultIn }[] = [];
  const out = items.map((item) => {
    let accepted = 0;
    for (const r of item.results) {
      const k = id(item.who.learnerId, r.key);
      if (!fresh.has(k) || counted.has(k)) continue;
      counted.add(k);
      // A quiz answer is kept as sent (store/quiz.ts reads it), not folded into step progress.
      if (!r.quiz) kept.push({ item, r });
      accepted++;
    }
    return { accepted, duplicates: item.results.length - accepted };
  });
  for (const part of chunks([...aggregate(kept)], CHUNK)) await upsertProgress(db, part);
  return out;
}

/** A progress row about to be upserted: the reports' row, plus the class it belongs to. */
interface ProgressDelta extends ProgressRow {
  classId: string;
}

/**
 * Fold new results into one delta per (learner, lab, step): PostgreSQL refuses to
 * update one row twice in a statement, and one row per step is less work anyway.
 */
function aggregate(rows: { item: IngestItem; r: ResultIn }[]): Iterable<ProgressDelta> {
  const out = new Map<string, ProgressDelta>();
  for (const { item, r } of rows) {
    const k = `${item.who.learnerId}\u0000${r.lab}\u0000${r.step}`;
    const passed = r.status === 'passed' ? r.at : null;
    const evidence = stripSecrets(r.evidence) ?? null;
    const p = out.get(k);
    if (!p) {
      out.set(k, {
        ...item.who,
        lab: r.lab,
        step: r.step,
        firstAt: r.at,
        passedAt: passed,
        lastPassedAt: passed,
        attempts: 1,
        failures: r.status === 'failed' ? 1 : 0,
        lastStatus: r.status,
        lastAt: r.at,
        lastEvidence: evidence,
      });
      continue;
    }
    p.firstAt = Math.min(p.firstAt, r.at);
    if (passed != null) {
      p.passedAt = p.passedAt == null ? passed : Math.min(p.passedAt, passed);
      p.lastPassedAt = p.lastPassedAt == null ? passed : Math.max(p.lastPassedAt, passed);
    }
    p.attempts++;
    if (r.status === 'failed') p.failures++;
    if (r.at >= p.lastAt) {
      p.lastAt = r.at;
      p.lastStatus = r.status;
      p.lastEvidence = evidence;
    }
  }
  return out.values();
}

/** Results may arrive out of order (a queue flushed late): "last" is by the check's own time. */
function upsertProgress(db: Sql, rows: ProgressDelta[]): Promise<number> {
  return db.run(
    `INSERT INTO progress (class_id, learner_id, lab, step, first_at, passed_at, last_passed_at,
       attempts, failures, last_status, last_at, last_evidence)
     VALUES ${rows.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}
     ON CONFLICT (learner_id, lab, step) DO UPDATE SET
       first_at = CASE WHEN excluded.first_at < progress.first_at
         THEN excluded.first_at ELSE progress.first_at END,
       passed_at = CASE WHEN progress.passed_at IS NULL
         OR (excluded.passed_at IS NOT NULL AND excluded.passed_at < progress.passed_at)
         THEN COALESCE(excluded.passed_at, progress.passed_at) ELSE progress.passed_at END,
       last_passed_at = CASE WHEN progress.last_passed_at IS NULL
         OR (excluded.last_passed_at IS NOT NULL AND excluded.last_passed_at > progress.last_passed_at)
         THEN COALESCE(excluded.last_passed_at, progress.last_passed_at) ELSE progress.last_passed_at END,
       attempts = progress.attempts + excluded.attempts,
       failures = progress.failures + excluded.failures,
       last_status = CASE WHEN excluded.last_at >= progress.last_at
         THEN excluded.last_status ELSE progress.last_status END,
       last_evidence = CASE WHEN excluded.last_at >= progress.last_at
         THEN excluded.last_evidence ELSE progress.last_evidence END,
       last_at = CASE WHEN excluded.last_at >= progress.last_at
         THEN excluded.last_at ELSE progress.last_at END`,
    rows.flatMap((p) => [
      p.classId,
      p.learnerId,
      p.lab,
      p.step,
      p.firstAt,
      p.passedAt,
      p.lastPassedAt,
      p.attempts,
      p.failures,
      p.lastStatus,
      p.lastAt,
      p.lastEvidence,
    ]),
  );
}

/** Batches concurrent ingest requests into shared transactions (see the file comment). */
export class GroupCommit {
  private readonly sql: Sql;
  private readonly maxResults: number;
  private queue: {
    item: IngestItem;
    resolve: (v: Ingested) => void;
    reject: (e: unknown) => void;
  }[] = [];
  private running = false;

  constructor(sql: Sql, maxResults = 3000) {
    this.sql = sql;
    this.maxResults = maxResults;
  }

  submit(item: IngestItem): Promise<Ingested> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.running) {
        this.running = true;
        // Start after this turn's I/O callbacks: node:sqlite is synchronous, so a drain
        // started at once would finish before the next request is even parsed.
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length) {
        let n = 0;
        let size = 0;
        while (
          n < this.queue.length &&
          (n === 0 || size + this.queue[n].item.results.length <= this.maxResults)
        ) {
          size += this.queue[n].item.results.length;
          n++;
        }
        const batch = this.queue.splice(0, n);
        try {
          const out = await this.sql.tx((db) =>
            writeBatch(
              db,
              batch.map((b) => b.item),
            ),
          );
          batch.forEach((b, i) => b.resolve(out[i]));
        } catch (e) {
          if (batch.length === 1) {
            batch[0].reject(e);
            continue;
          }
          // One request's trouble must not fail the others: retry each on its own.
          for (const b of batch) {
            try {
              b.resolve((await this.sql.tx((db) => writeBatch(db, [b.item])))[0]);
            } catch (e2) {
              b.reject(e2);
            }
          }
        }
      }
    } finally {
      this.running = false;
    }
  }
}
