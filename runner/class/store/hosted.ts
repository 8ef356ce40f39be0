// The class store's part for a class that hosts the sandbox (issue 21): which account each
// learner has, the server's own verdicts on their steps (read from that account), and whether
// the class has ended. No secret is ever stored: a learner who joins again gets fresh keys
// from the engine for the same account (runner/class/hosted.ts).
import type { Sql } from './sql.ts';

export interface HostedAccountRow {
  learnerId: string;
  classId: string;
  accountId: string;
  createdAt: number;
  keysIssuedAt: number;
  /** The instructor's last reset: evidence before it is gone with what it made. */
  resetAt: number | null;
}

export interface VerificationRow {
  learnerId: string;
  lab: string;
  step: string;
  verdict: 'verified' | 'contradicted' | 'self-reported';
  evidence: string | null;
  at: number;
}

type Raw = {
  learner_id: string;
  class_id: string;
  account_id: string;
  created_at: number;
  keys_issued_at: number;
  reset_at: number | null;
};

const row = (r: Raw): HostedAccountRow => ({
  learnerId: r.learner_id,
  classId: r.class_id,
  accountId: r.account_id,
  createdAt: Number(r.created_at),
  keysIssuedAt: Number(r.keys_issued_at),
  resetAt: r.reset_at == null ? null : Number(r.reset_at),
});

const COLS = 'learner_id, class_id, account_id, created_at, keys_issued_at, reset_at';

export class HostedStore {
  private readonly sql: Sql;
  constructor(sql: Sql) {
    this.sql = sql;
  }

  async account(learnerId: string): Promise<HostedAccountRow | undefined> {
    const [r] = await this.sql.all<Raw>(
      `SELECT ${COLS} FROM hosted_accounts WHERE learner_id = ?`,
      [learnerId],
    );
    return r && row(r);
  }

  async accounts(classId: string): Promise<HostedAccountRow[]> {
    const rows = await this.sql.all<Raw>(
      `SELECT ${COLS} FROM hosted_accounts WHERE class_id = ? ORDER BY created_at, learner_id`,
      [classId],
    );
    return rows.map(row);
  }

  async record(classId: string, learnerId: string, accountId: string, now: number) {
    await this.sql.run(`INSERT INTO hosted_accounts (${COLS}) VALUES (?, ?, ?, ?, ?, NULL)`, [
      learnerId,
      classId,
      accountId,
      now,
      now,
    ]);
  }

  /** Fresh keys were handed out (a join again, or the first join after a reset). */
  async keysIssued(learnerId: string, now: number) {
    await this.sql.run('UPDATE hosted_accounts SET keys_issued_at = ? WHERE learner_id = ?', [
      now,
      learnerId,
    ]);
  }

  /** The instructor reset the account: its verdicts no longer hold. */
  async reset(learnerId: string, now: number) {
    await this.sql.tx(async (db) => {
      await db.run('UPDATE hosted_accounts SET reset_at = ? WHERE learner_id = ?', [
        now,
        learnerId,
      ]);
      await db.run('DELETE FROM verifications WHERE learner_id = ?', [learnerId]);
    });
  }

  async endedAt(classId: string): Promise<number | null> {
    const [r] = await this.sql.all<{ ended_at: number | null }>(
      'SELECT ended_at FROM classes WHERE id = ?',
      [classId],
    );
    return r?.ended_at == null ? null : Number(r.ended_at);
  }

  async end(classId: string, now: number) {
    await this.sql.run('UPDATE classes SET ended_at = ? WHERE id = ? AND ended_at IS NULL', [
      now,
      classId,
    ]);
  }

  /** Classes with hosted accounts that have not ended (the server's rate limit serves them). */
  async openClasses(): Promise<number> {
    const [r] = await this.sql.all<{ n: number }>(
      `SELECT COUNT(DISTINCT h.class_id) AS n FROM hosted_accounts h
         JOIN classes c ON c.id = h.class_id WHERE c.ended_at IS NULL`,
      [],
    );
    return Number(r?.n ?? 0);
  }

  /** Replace a learner's verdicts on the given steps of a lab. */
  async saveVerifications(classId: string, rows: VerificationRow[]) {
    if (rows.length === 0) return;
    await this.sql.tx(async (db) => {
      for (const v of rows) {
        await db.run('DELETE FROM verifications WHERE learner_id = ? AND lab = ? AND step = ?', [
          v.learnerId,
          v.lab,
          v.step,
        ]);
        await db.run(
          'INSERT INTO verifications (class_id, learner_id, lab, step, verdict, evidence, at) VALUES (?, ?, ?, ?, ?, ?, ?)',
          [classId, v.learnerId, v.lab, v.step, v.verdict, v.evidence, v.at],
        );
      }
    });
  }

  async verifications(classId: string, lab?: string): Promise<VerificationRow[]> {
    const rows = await this.sql.all<{
      learner_id: string;
      lab: string;
      step: string;
      verdict: VerificationRow['verdict'];
      evidence: string | null;
      at: number;
    }>(
      `SELECT learner_id, lab, step, verdict, evidence, at FROM verifications WHERE class_id = ?${lab ? ' AND lab = ?' : ''}`,
      lab ? [classId, lab] : [classId],
    );
    return rows.map((r) => ({
      learnerId: r.learner_id,
      lab: r.lab,
      step: r.step,
      verdict: r.verdict,
      evidence: r.evidence,
      at: Number(r.at),
    }));
  }
}
