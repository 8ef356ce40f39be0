// The learner's outbox: every `lab check` result goes into a small SQLite
// queue in the lab home (0600) with an idempotency key, then the queue is
// flushed to the class server. A row leaves the queue only once the server has
// acknowledged it (stored, or already stored), so a server that is down or a
// laptop that is offline loses nothing; the key makes a resend count once.
import { DatabaseSync } from 'node:sqlite';
import { privateDbFile, privateHome } from '../paths.ts';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { StepResult } from '../lab/define.ts';
import { isLabError } from '../errors.ts';
import { ClassClient, type Fetch } from './client.ts';
import { readMembership, type Membership } from './membership.ts';
import { stripSecrets } from './redact.ts';
import { passesBefore } from './history.ts';
import type { ResultIn } from './schema.ts';

export function outboxPath(home: string): string {
  return join(home, 'class-outbox.db');
}

function openOutbox(home: string): DatabaseSync {
  privateHome(home);
  const db = new DatabaseSync(privateDbFile(outboxPath(home)), { timeout: 10_000 });
  db.exec(`PRAGMA journal_mode = WAL;
    CREATE TABLE IF NOT EXISTS outbox (
      key TEXT PRIMARY KEY,
      class_id TEXT NOT NULL,
      payload TEXT NOT NULL,
      queued_at INTEGER NOT NULL,
      attempts INTEGER NOT NULL DEFAULT 0,
      last_error TEXT,
      rejected INTEGER NOT NULL DEFAULT 0
    )`);
  return db;
}

export interface PublishOutcome {
  /** Not joined to a class: nothing queued, nothing sent. */
  joined: boolean;
  queued: number;
  sent: number;
  /** Still in the outbox after this attempt. */
  pending: number;
  /** Set aside by this attempt: the server refused them for good (kept in the outbox, not resent). */
  rejected?: number;
  /** Everything set aside so far for this class, and where it is kept. */
  setAside?: number;
  outbox?: string;
  error?: string;
}

export interface PublishOptions {
  runId?: number | string;
  now?: () => number;
  fetch?: Fetch;
  timeoutMs?: number;
  /** Where the one-line notice goes when results stay queued (default: stderr). */
  log?: (line: string) => void;
}

/**
 * Queue `results` of one `lab check` of `lab` for the class this lab home has
 * joined, then try to send everything queued. Never throws: a class server
 * being down must not fail a check.
 */
export async function publishResults(
  home: string,
  lab: string,
  results: StepResult[],
  opts: PublishOptions = {},
): Promise<PublishOutcome> {
  const attempt = randomUUID();
  const out = await publish(home, opts, (member, now) => {
    // A pass from before this lab home joined the class keeps the time it happened, so the
    // class sees when the learner really did the step (a joiner's re-sent passes used to carry
    // the join day's time and skewed the class's medians). Later passes carry the check's time.
    const joinedAt = Date.parse(member.joinedAt);
    const before =
      opts.runId !== undefined ? passesBefore(home, Number(opts.runId), joinedAt) : new Map();
    return results.map((r) => ({
      // run id + step + a uuid per check run: unique per attempt, stable across resends.
      key: `${opts.runId ?? 'run'}:${lab}:${r.id}:${attempt}`,
      lab,
      step: r.id,
      status: r.status,
      at: (r.status === 'passed' && before.get(r.id)) || now(),
      ...(r.evidence ? { evidence: stripSecrets(r.evidence)!.slice(0, 2000) } : {}),
      ...(r.hint ? { hint: stripSecrets(r.hint)!.slice(0, 2000) } : {}),
    }));
  });
  const log = opts.log ?? ((l: string) => process.stderr.write(l + '\n'));
  if (out.joined && out.queued && out.error) {
    log(
      `class: ${out.pending} result(s) queued, not sent (${out.error}); they go out with the next check or \`lab class sync\`.`,
    );
  }
  if (out.rejected) log(setAsideNotice(out));
  return out;
}

/**
 * Queue one knowledge-check answer for the class this lab home joined, then try to send the
 * queue (as a check's results go). Never throws; without a class it does nothing.
 */
export function publishQuizAnswer(
  home: string,
  a: { lab: string; quiz: string; answer: string; correct: boolean },
  opts: PublishOptions = {},
): Promise<PublishOutcome> {
  return publish(home, opts, (_member, now) => [
    {
      key: `quiz:${a.lab}:${a.quiz}:${randomUUID()}`,
      lab: a.lab,
      step: a.quiz,
      status: a.correct ? 'passed' : 'failed',
      evidence: (stripSecrets(a.answer) ?? '').slice(0, 200),
      at: now(),
      quiz: true,
    },
  ]);
}

/** Queue what `make` builds for the joined class (if any), then try to send the queue. */
async function publish(
  home: string,
  opts: PublishOptions,
  make: (member: Membership, now: () => number) => ResultIn[],
): Promise<PublishOutcome> {
  let member: Membership | undefined;
  try {
    member = readMembership(home);
  } catch (e) {
    return { joined: false, queued: 0, sent: 0, pending: 0, error: (e as Error).message };
  }
  if (!member) return { joined: false, queued: 0, sent: 0, pending: 0 };
  const now = opts.now ?? Date.now;
  const payloads = make(member, now);
  try {
    enqueue(home, member.classId, payloads, now());
  } catch (e) {
    return { joined: true, queued: 0, sent: 0, pending: 0, error: (e as Error).message };
  }
  const out = await flushOutbox(home, { ...opts, member });
  return { ...out, queued: payloads.length };
}

/** Put results in the outbox for `classId`, all or none; a key already queued stays as it is. */
export function enqueue(home: string, classId: string, payloads: ResultIn[], now: number): void {
  const db = openOutbox(home);
  try {
    const insert = db.prepare(
      'INSERT OR IGNORE INTO outbox (key, class_id, payload, queued_at) VALUES (?, ?, ?, ?)',
    );
    db.exec('BEGIN IMMEDIATE');
    for (const p of payloads) insert.run(p.key, classId, JSON.stringify(p), now);
    db.exec('COMMIT');
  } catch (e) {
    if (db.isTransaction) db.exec('ROLLBACK');
    throw e;
  } finally {
    db.close();
  }
}

/** One line about results the server refused for good (shown by check, join and sync). */
export function setAsideNotice(out: PublishOutcome): string {
  return `class: ${out.setAside ?? out.rejected} result(s) set aside: the class server refused them for good; they are kept in ${out.outbox ?? 'the outbox'} and not resent.`;
}

/**
 * How long an explicit sync (`lab class sync`, `lab join`) waits for the server: the learner
 * asked for it and watches it, so a busy server gets time to answer. A check's own flush keeps
 * its short wait (flushOutbox's default): a check must not stall on an unreachable server.
 */
export const SYNC_TIMEOUT_MS = 20_000;

/** Send everything queued for the joined class, in batches; stop at the first failure. */
export async function flushOutbox(
  home: string,
  opts: PublishOptions & { member?: Membership } = {},
): Promise<PublishOutcome> {
  const member = opts.member ?? readMembership(home);
  if (!member) return { joined: false, queued: 0, sent: 0, pending: 0 };
  const client = new ClassClient({
    url: member.url,
    token: member.token,
    fetch: opts.fetch,
    // A check waits for this at most: an unreachable server must not stall it for long.
    timeoutMs: opts.timeoutMs ?? 3_000,
  });
  const db = openOutbox(home);
  let sent = 0;
  let rejected = 0;
  let error: string | undefined;
  const setAside = (key: string, why: string) => {
    db.prepare('UPDATE outbox SET rejected = 1, last_error = ? WHERE key = ?').run(why, key);
    rejected++;
  };
  const acknowledged = (batch: { key: string }[]) => {
    // Acknowledged (stored now or before): only now does a row leave the queue.
    const del = db.prepare('DELETE FROM outbox WHERE key = ?');
    db.exec('BEGIN IMMEDIATE');
    for (const r of batch) del.run(r.key);
    db.exec('COMMIT');
    sent += batch.length;
  };
  const send = (batch: { payload: string }[]) =>
    client.sendResults(batch.map((r) => JSON.parse(r.payload) as ResultIn));
  const bump = db.prepare(
    'UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE key = ? RETURNING attempts',
  );
  try {
    const rows = db
      .prepare(
        'SELECT key, payload FROM outbox WHERE class_id = ? AND rejected = 0 ORDER BY queued_at, key',
      )
      .all(member.classId) as { key: string; payload: string }[];
    for (let batch of batches(rows)) {
      while (batch.length) {
        try {
          await send(batch);
        } catch (e) {
          // A result the server will never accept (it names the field) must not hold up the
          // rest of the queue for ever: set it aside, kept for inspection, and send the others.
          const bad = invalidIndex(e);
          if (bad !== undefined && batch[bad]) {
            setAside(batch[bad].key, (e as Error).message);
            batch = batch.filter((_, i) => i !== bad);
            continue;
          }
          const kind = failureKind(e);
          if (kind !== 'transient') {
            // The server refused the batch without naming a result, or failed on it: one of
            // them may be the cause. Send them one by one so the others still go through.
            const stop = await oneByOne(batch);
            if (stop) error = stop;
            break;
          }
          error = isLabError(e) ? e.message : String(e);
          for (const r of batch) bump.run(error, r.key);
          break;
        }
        acknowledged(batch);
        break;
      }
      if (error) break;
    }
    const count = (flag: number) =>
      (
        db
          .prepare('SELECT COUNT(*) AS n FROM outbox WHERE class_id = ? AND rejected = ?')
          .get(member.classId, flag) as { n: number }
      ).n;
    const aside = count(1);
    return {
      joined: true,
      queued: 0,
      sent,
      pending: count(0),
      ...(rejected ? { rejected } : {}),
      ...(aside ? { setAside: aside, outbox: outboxPath(home) } : {}),
      ...(error ? { error } : {}),
    };
  } finally {
    db.close();
  }

  /**
   * Send each result alone. A refusal for good sets it aside at once; a server failure (500)
   * counts against it, and after MAX_SERVER_FAILURES it is set aside too, but only when the
   * server accepted others meanwhile (a server failing on everything is down, not poisoned).
   * Returns the error that stopped the flush (unreachable, token, rate limit), if any.
   */
  async function oneByOne(batch: { key: string; payload: string }[]): Promise<string | undefined> {
    const failed: { key: string; attempts: number; why: string }[] = [];
    let accepted = 0;
    for (const r of batch) {
      try {
        await send([r]);
        acknowledged([r]);
        accepted++;
      } catch (e) {
        const why = isLabError(e) ? e.message : String(e);
        const kind = invalidIndex(e) !== undefined ? 'invalid' : failureKind(e);
        if (kind === 'invalid') setAside(r.key, why);
        else if (kind === 'server') {
          const { attempts } = bump.get(why, r.key) as { attempts: number };
          failed.push({ key: r.key, attempts, why });
        } else {
          for (const rest of batch.slice(batch.indexOf(r))) bump.run(why, rest.key);
          return why;
        }
      }
    }
    for (const f of failed) {
      if (accepted > 0 && f.attempts >= MAX_SERVER_FAILURES) setAside(f.key, f.why);
    }
    return failed.length && !accepted ? failed[0].why : undefined;
  }
}

/** Server failures (HTTP 500) on one result, while others go through, before it is set aside. */
export const MAX_SERVER_FAILURES = 3;

/**
 * How a failed send is treated: `invalid`, a refusal for good of what was sent (400, 413, 415,
 * 422); `server`, a failure the payload may have caused (500); anything else (unreachable, a
 * token refused, rate limited, 502–504) is `transient` and leaves the queue as it is.
 */
function failureKind(e: unknown): 'invalid' | 'server' | 'transient' {
  const status = (e as { status?: number } | undefined)?.status;
  if (status === 400 || status === 413 || status === 415 || status === 422) return 'invalid';
  if (status === 500) return 'server';
  return 'transient';
}

/** The index of the result a 400 from the server names (`results.<i>.…`), if any. */
function invalidIndex(e: unknown): number | undefined {
  if (!isLabError(e) || e.code !== 'class_invalid_payload') return undefined;
  const path = (e as { issues?: { path: string }[] }).issues?.[0]?.path ?? '';
  const m = /^results\.(\d+)(\.|$)/.exec(path);
  return m ? Number(m[1]) : undefined;
}

/** Batches under the server's limits: ≤ 200 results and ≤ ~48 KB of JSON each. */
function* batches<T extends { payload: string }>(rows: T[]): Generator<T[]> {
  let batch: T[] = [];
  let size = 0;
  for (const r of rows) {
    if (batch.length && (batch.length >= 200 || size + r.payload.length > 48_000)) {
      yield batch;
      batch = [];
      size = 0;
    }
    batch.push(r);
    size += r.payload.length + 1;
  }
  if (batch.length) yield batch;
}
