// The class store: classes, learners, hashed tokens, results and the per-step
// progress the reports read. One implementation over the `Sql` interface, so
// SQLite and PostgreSQL run the same statements with the same semantics.
import { changeStamp, learnersChangedSince, type ChangeStamp } from './changes.ts';
import { quizAnswers, type QuizAnswerRow } from './quiz.ts';
export type { QuizAnswerRow } from './quiz.ts';
import { newId, newJoinCode, newToken, hashToken, normalizeJoinCode, sameHash } from '../tokens.ts';
import { MIGRATIONS } from './migrations.ts';
import { openSqlite } from './sqlite.ts';
import { openPostgres } from './postgres.ts';
import { GroupCommit, type Ingested } from './ingest.ts';
import type { Sql } from './sql.ts';
import { overviewFigures, stepsSeen, type OverviewFigure, type LabStepSeen } from './overview.ts';
import type { ResultIn } from '../schema.ts';
import { HostedStore } from './hosted.ts';
export type { HostedAccountRow, VerificationRow } from './hosted.ts';

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
  /** A class that hosts the sandbox: the learner's account there. */
  accountId?: string | null;
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
  lastStatus: 'passed' | 'failed' | 'pending' | 'not-tried';
  lastAt: number;
  lastEvidence: string | null;
}

type ProgressArray = [
  string,
  string,
  string,
  number,
  number | null,
  number | null,
  number,
  number,
  ProgressRow['lastStatus'],
  number,
  string | null,
];

export interface FailureReason {
  lab: string;
  step: string;
  reason: string;
  count: number;
}

export type { Ingested } from './ingest.ts';
export type { OverviewFigure, LabStepSeen } from './overview.ts';

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
  private readonly ingest: GroupCommit;
  /** Hosted-sandbox accounts, verdicts and class ends (store/hosted.ts). */
  readonly hosted: HostedStore;
  constructor(sql: Sql) {
    this.sql = sql;
    this.ingest = new GroupCommit(sql);
    this.hosted = new HostedStore(sql);
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

  /** Resolves when the database answers a query (the health route's probe). */
  async ping(): Promise<void> {
    await this.sql.all('SELECT 1');
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
    let shown = name;
    await this.sql.tx(async (db) => {
      // Names are unique per class, so a report row is never ambiguous: a second "Ada" joins
      // as "Ada (2)" (case-insensitively; the CLI tells the learner the name it got).
      const taken = new Set(
        (
          await db.all<{ name: string }>('SELECT name FROM learners WHERE class_id = ?', [cls.id])
        ).map((r) => r.name.toLowerCase()),
      );
      for (let i = 2; taken.has(shown.toLowerCase()); i++) shown = `${name} (${i})`;
      await db.run(
        'INSERT INTO learners (id, class_id, name, iam_user, created_at) VALUES (?, ?, ?, ?, ?)',
        [learnerId, cls.id, shown, iamUser ?? null, now],
      );
      await db.run(
        "INSERT INTO tokens (hash, role, class_id, learner_id, created_at) VALUES (?, 'learner', ?, ?, ?)",
        [hashToken(token), cls.id, learnerId, now],
      );
    });
    return { classId: cls.id, className: cls.name, learnerId, token, name: shown };
  }

  /**
   * `lab join` again from a home that already joined: the learner token names the learner, the
   * code names the class, and both must agree. The same learner comes back (their name, their
   * results, their hosted account); undefined otherwise.
   */
  async rejoin(token: string, code: string, name: string) {
    const who = await this.authenticate(token);
    if (!who || who.role !== 'learner' || !who.learnerId) return undefined;
    const hash = hashToken(normalizeJoinCode(code));
    const [row] = await this.sql.all<{ name: string; class_name: string; join_code_hash: string }>(
      `SELECT l.name, c.name AS class_name, c.join_code_hash FROM learners l
       JOIN classes c ON c.id = l.class_id WHERE l.id = ? AND c.id = ?`,
      [who.learnerId, who.classId],
    );
    if (!row || !sameHash(row.join_code_hash, hash)) return undefined;
    // The same person: the name they joined with (or the "Ada (2)" the class gave it).
    const asked = name.toLowerCase();
    const had = row.name.toLowerCase();
    if (
      had !== asked &&
      !(had.startsWith(`${asked} (`) && /^ \(\d+\)$/.test(had.slice(asked.length)))
    )
      return undefined;
    return {
      classId: who.classId,
      className: row.class_name,
      learnerId: who.learnerId,
      token,
      name: row.name,
    };
  }

  // Tokens are never reissued or changed, so a known hash → principal can be remembered:
  // one query less per request under load. Bounded; unknown tokens are never cached.
  private readonly known = new Map<string, Principal>();

  /** Who holds this token, or undefined. */
  async authenticate(token: string): Promise<Principal | undefined> {
    const hash = hashToken(token);
    const cached = this.known.get(hash);
    if (cached) return cached;
    const [row] = await this.sql.all<{
      hash: string;
      role: 'instructor' | 'learner';
      class_id: string;
      learner_id: string | null;
    }>('SELECT hash, role, class_id, learner_id FROM tokens WHERE hash = ?', [hash]);
    if (!row || !sameHash(row.hash, hash)) return undefined;
    const who: Principal = { role: row.role, classId: row.class_id, learnerId: row.learner_id };
    if (this.known.size >= 10_000) this.known.clear();
    this.known.set(hash, who);
    return who;
  }

  /** Every class on this server, oldest first (a server prints their dashboards at start). */
  async classes(): Promise<ClassInfo[]> {
    const rows = await this.sql.all<{ id: string; name: string; created_at: number }>(
      'SELECT id, name, created_at FROM classes ORDER BY created_at, id',
    );
    return rows.map((r) => ({ id: r.id, name: r.name, createdAt: r.created_at }));
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
  recordResults(
    who: { classId: string; learnerId: string },
    results: ResultIn[],
    now = Date.now(),
  ): Promise<Ingested> {
    if (results.length === 0) return Promise.resolve({ accepted: 0, duplicates: 0 });
    return this.ingest.submit({ who, results, now });
  }

  async learners(classId: string): Promise<LearnerRow[]> {
    const rows = await this.sql.all<{
      id: string;
      name: string;
      iam_user: string | null;
      created_at: number;
      account_id: string | null;
    }>(
      `SELECT l.id, l.name, l.iam_user, l.created_at, h.account_id FROM learners l
       LEFT JOIN hosted_accounts h ON h.learner_id = l.id
       WHERE l.class_id = ? ORDER BY l.created_at, l.id`,
      [classId],
    );
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      iamUser: r.iam_user,
      createdAt: r.created_at,
      ...(r.account_id ? { accountId: r.account_id } : {}),
    }));
  }

  async labs(classId: string): Promise<string[]> {
    const rows = await this.sql.all<{ lab: string }>(
      'SELECT DISTINCT lab FROM progress WHERE class_id = ? ORDER BY lab',
      [classId],
    );
    return rows.map((r) => r.lab);
  }

  /** Progress rows of a class (or one lab); `evidence: false` leaves the text out (overviews). */
  async progress(classId: string, lab?: string, evidence = true): Promise<ProgressRow[]> {
    // Read as arrays and named here: 60,000 rows come back twice as fast as driver-built
    // objects (node:sqlite sets each property through the engine). Times and counts are
    // numbers from both drivers (BIGINT is parsed as a number for PostgreSQL; see postgres.ts).
    const cols = `learner_id, lab, step, first_at, passed_at, last_passed_at, attempts, failures,
      last_status, last_at, ${evidence ? 'last_evidence' : 'NULL'}`;
    const rows = await this.sql.arrays<ProgressArray>(
      lab
        ? `SELECT ${cols} FROM progress WHERE class_id = ? AND lab = ?`
        : `SELECT ${cols} FROM progress WHERE class_id = ?`,
      lab ? [classId, lab] : [classId],
    );
    const out: ProgressRow[] = new Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i];
      out[i] = {
        learnerId: r[0],
        lab: r[1],
        step: r[2],
        firstAt: r[3],
        passedAt: r[4],
        lastPassedAt: r[5],
        attempts: r[6],
        failures: r[7],
        lastStatus: r[8],
        lastAt: r[9],
        lastEvidence: r[10],
      };
    }
    return out;
  }

  /** Each learner's knowledge-check answers of a lab, in the order given (store/quiz.ts). */
  quizAnswers(classId: string, lab: string): Promise<QuizAnswerRow[]> {
    return quizAnswers(this.sql, classId, lab);
  }

  /** The class's change stamp now (store/changes.ts). */
  changeStamp(classId: string, now = Date.now()): Promise<ChangeStamp> {
    return changeStamp(this.sql, classId, now);
  }

  /** Learners of a lab with results received (or who joined) since a stamp. */
  learnersChangedSince(classId: string, lab: string, since: ChangeStamp): Promise<Set<string>> {
    return learnersChangedSince(this.sql, classId, lab, since);
  }

  /** Each lab × step of a class with its first and last check (the overview's first query). */
  stepsSeen(classId: string): Promise<LabStepSeen[]> {
    return stepsSeen(this.sql, classId);
  }

  /** The whole-class overview's figures, aggregated by the database (store/overview.ts). */
  overviewFigures(
    classId: string,
    labs: { lab: string; steps: string[] }[],
    keyRule: { create: string; remove: string },
  ): Promise<OverviewFigure[]> {
    return overviewFigures(this.sql, classId, labs, keyRule);
  }

  /** Failed attempts grouped by step and normalized reason, most frequent first. */
  async failureReasons(classId: string, lab?: string, perStep = 3): Promise<FailureReason[]> {
    const rows = await this.sql.all<{ lab: string; step: string; reason: string; n: number }>(
      `SELECT lab, step, reason, COUNT(*) AS n FROM results
       WHERE class_id = ? AND status = 'failed' AND quiz = 0 ${lab ? 'AND lab = ?' : ''}
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
