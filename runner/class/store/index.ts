// The class store: classes, learners, hashed tokens, results and the per-step
// progress the reports read. One implementation over the `Sql` interface, so
// SQLite and PostgreSQL run the same statements with the same semantics.
import { newId, newJoinCode, newToken, hashToken, normalizeJoinCode, sameHash } from '../tokens.ts';
import { reasonOf, stripSecrets } from '../redact.ts';
import { MIGRATIONS } from './migrations.ts';
import { openSqlite } from './sqlite.ts';
import { openPostgres } from './postgres.ts';
import type { Sql } from './sql.ts';
import type { ResultIn } from '../schema.ts';

export type { Sql } from './sql.ts';

export interface Principal {
  role: 'instructor' | 'learner';
  classId: string;
  learnerId: string | null;
}

export interface ClassInfo {
  id: string;
  name: string;
  createdAt: number;
}

export interface LearnerRow {
  id: string;
  name: string;
  iamUser: string | null;
  createdAt: number;
}

/** One learner's state on one step of one lab, as the reports read it. */
export interface ProgressRow {
  learnerId: string;
  lab: string;
  step: string;
  firstAt: number;
  passedAt: number | null;
  lastPassedAt: number | null;
  attempts: number;
  failures: number;
  lastStatus: 'passed' | 'failed' | 'pending';
  lastAt: number;
  lastEvidence: string | null;
}

export interface FailureReason {
  lab: string;
  step: string;
  reason: string;
  count: number;
}

export interface Ingested {
  accepted: number;
  duplicates: number;
}

/** Open the class store: PostgreSQL when `databaseUrl` is given, else SQLite at `sqlitePath`. */
export async function openClassStore(opts: {
  databaseUrl?: string;
  sqlitePath?: string;
}): Promise<ClassStore> {
  const sql = opts.databaseUrl
    ? openPostgres(opts.databaseUrl)
    : openSqlite(opts.sqlitePath ?? ':memory:');
  const store = new ClassStore(sql);
  try {
    await store.migrate();
  } catch (e) {
    await sql.close().catch(() => {});
    throw e;
  }
  return store;
}

export class ClassStore {
  readonly sql: Sql;
  constructor(sql: Sql) {
    this.sql = sql;
  }

  get kind(): Sql['kind'] {
    return this.sql.kind;
  }

  async migrate(): Promise<void> {
    await this.sql.tx(async (db) => {
      // Two servers starting at once on one PostgreSQL: the second waits here.
      if (db.kind === 'postgres') await db.all('SELECT pg_advisory_xact_lock(4242)');
      await db.exec('CREATE TABLE IF NOT EXISTS class_meta (version INTEGER NOT NULL)');
      const rows = await db.all<{ version: number }>('SELECT version FROM class_meta');
      if (rows.length === 0) await db.run('INSERT INTO class_meta (version) VALUES (0)');
      for (let v = rows[0]?.version ?? 0; v < MIGRATIONS.length; v++) {
        await db.exec(MIGRATIONS[v]);
        await db.run('UPDATE class_meta SET version = ?', [v + 1]);
      }
    });
  }

  close(): Promise<void> {
    return this.sql.close();
  }

  /** Create a class. The instructor token and join code are returned here and never again. */
  async createClass(name: string, now = Date.now()) {
    const id = newId('c_');
    const joinCode = newJoinCode();
    const instructorToken = newToken('instructor');
    await this.sql.tx(async (db) => {
      await db.run(
        'INSERT INTO classes (id, name, join_code_hash, created_at) VALUES (?, ?, ?, ?)',
        [id, name, hashToken(normalizeJoinCode(joinCode)), now],
      );
      await db.run(
        "INSERT INTO tokens (hash, role, class_id, created_at) VALUES (?, 'instructor', ?, ?)",
        [hashToken(instructorToken), id, now],
      );
    });
    return { classId: id, name, joinCode, instructorToken };
  }

  /** Join with a code; undefined when no class has that code. */
  async join(code: string, name: string, iamUser: string | undefined, now = Date.now()) {
    const hash = hashToken(normalizeJoinCode(code));
    const [cls] = await this.sql.all<{ id: string; name: string; join_code_hash: string }>(
      'SELECT id, name, join_code_hash FROM classes WHERE join_code_hash = ?',
      [hash],
    );
    if (!cls || !sameHash(cls.join_code_hash, hash)) return undefined;
    const learnerId = newId('l_');
    const token = newToken('learner');
    await this.sql.tx(async (db) => {
      await db.run(
        'INSERT INTO learners (id, class_id, name, iam_user, created_at) VALUES (?, ?, ?, ?, ?)',
        [learnerId, cls.id, name, iamUser ?? null, now],
      );
      await db.run(
        "INSERT INTO tokens (hash, role, class_id, learner_id, created_at) VALUES (?, 'learner', ?, ?, ?)",
        [hashToken(token), cls.id, learnerId, now],
      );
    });
    return { classId: cls.id, className: cls.name, learnerId, token };
  }

  /** Who holds this token, or undefined. */
  async authenticate(token: string): Promise<Principal | undefined> {
    const hash = hashToken(token);
    const [row] = await this.sql.all<{
      hash: string;
      role: 'instructor' | 'learner';
      class_id: string;
      learner_id: string | null;
    }>('SELECT hash, role, class_id, learner_id FROM tokens WHERE hash = ?', [hash]);
    if (!row || !sameHash(row.hash, hash)) return undefined;
    return { role: row.role, classId: row.class_id, learnerId: row.learner_id };
  }

  async getClass(id: string): Promise<ClassInfo | undefined> {
    const [row] = await this.sql.all<{ id: string; name: string; created_at: number }>(
      'SELECT id, name, created_at FROM classes WHERE id = ?',
      [id],
    );
    return row && { id: row.id, name: row.name, createdAt: row.created_at };
  }

  /**
   * Record a learner's results. Each result carries an idempotency key, unique
   * per learner: a result sent twice (a retry after a lost response, a flushed
   * outbox) is stored and counted once.
   */
  async recordResults(
    who: { classId: string; learnerId: string },
    results: ResultIn[],
    now = Date.now(),
  ): Promise<Ingested> {
    if (results.length === 0) return { accepted: 0, duplicates: 0 };
    return this.sql.tx(async (db) => {
      // One multi-row INSERT for the batch; the conflict clause skips keys already stored
      // (and repeats inside the batch), RETURNING says which rows are new.
      const values = results.map((r) => {
        const evidence = stripSecrets(r.evidence) ?? null;
        return [
          who.classId,
          who.learnerId,
          r.key,
          r.lab,
          r.step,
          r.status,
          evidence,
          stripSecrets(r.hint) ?? null,
          r.status === 'failed' ? (reasonOf(evidence) ?? '(no evidence given)') : null,
          r.at,
          now,
        ];
      });
      const inserted = await db.all<{ idem_key: string }>(
        `INSERT INTO results (class_id, learner_id, idem_key, lab, step, status, evidence, hint, reason, at, received_at)
         VALUES ${values.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}
         ON CONFLICT (learner_id, idem_key) DO NOTHING RETURNING idem_key`,
        values.flat(),
      );
      const fresh = new Set(inserted.map((r) => r.idem_key));
      const seen = new Set<string>();
      const kept = results.filter((r) => fresh.has(r.key) && !seen.has(r.key) && seen.add(r.key));
      for (const p of aggregate(kept)) {
        // Results may arrive out of order (a queue flushed late): "last" is by the
        // check's own time, not by arrival.
        await db.run(
          `INSERT INTO progress (class_id, learner_id, lab, step, first_at, passed_at, last_passed_at,
             attempts, failures, last_status, last_at, last_evidence)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
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
          [
            who.classId,
            who.learnerId,
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
          ],
        );
      }
      return { accepted: kept.length, duplicates: results.length - kept.length };
    });
  }

  async learners(classId: string): Promise<LearnerRow[]> {
    const rows = await this.sql.all<{
      id: string;
      name: string;
      iam_user: string | null;
      created_at: number;
    }>(
      'SELECT id, name, iam_user, created_at FROM learners WHERE class_id = ? ORDER BY created_at, id',
      [classId],
    );
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      iamUser: r.iam_user,
      createdAt: r.created_at,
    }));
  }

  async labs(classId: string): Promise<string[]> {
    const rows = await this.sql.all<{ lab: string }>(
      'SELECT DISTINCT lab FROM progress WHERE class_id = ? ORDER BY lab',
      [classId],
    );
    return rows.map((r) => r.lab);
  }

  async progress(classId: string, lab?: string): Promise<ProgressRow[]> {
    const cols = `learner_id, lab, step, first_at, passed_at, last_passed_at, attempts, failures,
      last_status, last_at, last_evidence`;
    const rows = await this.sql.all<Record<string, unknown>>(
      lab
        ? `SELECT ${cols} FROM progress WHERE class_id = ? AND lab = ?`
        : `SELECT ${cols} FROM progress WHERE class_id = ?`,
      lab ? [classId, lab] : [classId],
    );
    return rows.map((r) => ({
      learnerId: r.learner_id as string,
      lab: r.lab as string,
      step: r.step as string,
      firstAt: Number(r.first_at),
      passedAt: r.passed_at == null ? null : Number(r.passed_at),
      lastPassedAt: r.last_passed_at == null ? null : Number(r.last_passed_at),
      attempts: Number(r.attempts),
      failures: Number(r.failures),
      lastStatus: r.last_status as ProgressRow['lastStatus'],
      lastAt: Number(r.last_at),
      lastEvidence: (r.last_evidence as string | null) ?? null,
    }));
  }

  /** Failed attempts grouped by step and normalized reason, most frequent first. */
  async failureReasons(classId: string, lab?: string, perStep = 3): Promise<FailureReason[]> {
    const rows = await this.sql.all<{ lab: string; step: string; reason: string; n: number }>(
      `SELECT lab, step, reason, COUNT(*) AS n FROM results
       WHERE class_id = ? AND status = 'failed' ${lab ? 'AND lab = ?' : ''}
       GROUP BY lab, step, reason ORDER BY lab, step, n DESC, reason`,
      lab ? [classId, lab] : [classId],
    );
    const kept = new Map<string, number>();
    const out: FailureReason[] = [];
    for (const r of rows) {
      const k = `${r.lab}\u0000${r.step}`;
      const n = kept.get(k) ?? 0;
      if (n >= perStep) continue;
      kept.set(k, n + 1);
      out.push({ lab: r.lab, step: r.step, reason: r.reason, count: Number(r.n) });
    }
    return out;
  }

  /** How many results are stored for a learner (tests and the sync command's summary). */
  async countResults(classId: string): Promise<number> {
    const [row] = await this.sql.all<{ n: number }>(
      'SELECT COUNT(*) AS n FROM results WHERE class_id = ?',
      [classId],
    );
    return Number(row?.n ?? 0);
  }
}

/**
 * Fold a batch's new results into one progress row per (lab, step), so the upsert
 * runs once per step (PostgreSQL refuses to update one row twice in a statement).
 */
function aggregate(results: ResultIn[]) {
  const out = new Map<
    string,
    {
      lab: string;
      step: string;
      firstAt: number;
      passedAt: number | null;
      lastPassedAt: number | null;
      attempts: number;
      failures: number;
      lastStatus: string;
      lastAt: number;
      lastEvidence: string | null;
    }
  >();
  for (const r of results) {
    const k = `${r.lab}\u0000${r.step}`;
    const passed = r.status === 'passed' ? r.at : null;
    const evidence = stripSecrets(r.evidence) ?? null;
    const p = out.get(k);
    if (!p) {
      out.set(k, {
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
