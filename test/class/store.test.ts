// The class store, run unchanged against SQLite and PostgreSQL: same
// statements, same semantics (idempotency, progress aggregation, tokens).
import { describe, expect, it } from 'vitest';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { openClassStore } from '../../runner/class/store/index.ts';
import { storeKinds } from './store-kinds.ts';

const { tmp, stores, postgres } = storeKinds('labrunner-class-store-');

describe.each(stores)('class store on %s', (_kind, open) => {
  it('creates a class, joins learners, and authenticates only real tokens', async () => {
    const s = await open();
    try {
      const c = await s.createClass('DevOps cohort 7');
      expect(c.instructorToken).toMatch(/^lci_[\w-]{43}$/);
      expect(c.joinCode).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
      // Codes are typed by people: case and dashes do not matter.
      const j = await s.join(c.joinCode.toLowerCase().replace(/-/g, ' '), 'Ada', 'ada-iam');
      expect(j?.classId).toBe(c.classId);
      expect(await s.join('WRONG-CODE-XXXX', 'Eve', undefined)).toBeUndefined();
      expect(await s.authenticate(c.instructorToken)).toEqual({
        role: 'instructor',
        classId: c.classId,
        learnerId: null,
      });
      expect(await s.authenticate(j!.token)).toEqual({
        role: 'learner',
        classId: c.classId,
        learnerId: j!.learnerId,
      });
      expect(await s.authenticate(j!.token + 'x')).toBeUndefined();
      // Only hashes are stored: the raw tokens appear nowhere in the database.
      const tokens = await s.sql.all<{ hash: string }>('SELECT hash FROM tokens');
      expect(tokens.map((t) => t.hash)).not.toContain(c.instructorToken);
      expect(JSON.stringify(tokens)).not.toContain(j!.token);
      expect(tokens.every((t) => /^[0-9a-f]{64}$/.test(t.hash))).toBe(true);
    } finally {
      await s.close();
    }
  });

  it('counts a result once however often it is sent, and aggregates progress by check time', async () => {
    const s = await open();
    try {
      const c = await s.createClass('c');
      const j = (await s.join(c.joinCode, 'Bo', undefined))!;
      const who = { classId: c.classId, learnerId: j.learnerId };
      const r = (
        key: string,
        step: string,
        status: 'passed' | 'failed',
        at: number,
        evidence = 'x',
      ) => ({
        key,
        lab: 'day42',
        step,
        status,
        at,
        evidence,
      });
      expect(
        await s.recordResults(who, [r('k-0001', 'create-key', 'failed', 1000, 'no key')]),
      ).toEqual({
        accepted: 1,
        duplicates: 0,
      });
      // A retry of the same batch plus one new result.
      expect(
        await s.recordResults(who, [
          r('k-0001', 'create-key', 'failed', 1000, 'no key'),
          r('k-0002', 'create-key', 'passed', 3000, 'key AKIAABCDEFGHIJKLMNOP'),
        ]),
      ).toEqual({ accepted: 1, duplicates: 1 });
      // A late, older result (flushed from an outbox) must not become the "last" state.
      await s.recordResults(who, [r('k-0003', 'create-key', 'failed', 2000, 'no key yet')]);
      const [p] = await s.progress(c.classId, 'day42');
      expect(p).toMatchObject({
        step: 'create-key',
        firstAt: 1000,
        passedAt: 3000,
        lastPassedAt: 3000,
        attempts: 3,
        failures: 2,
        lastStatus: 'passed',
        lastAt: 3000,
      });
      expect(await s.countResults(c.classId)).toBe(3);
      const reasons = await s.failureReasons(c.classId, 'day42');
      expect(reasons).toEqual([
        { lab: 'day42', step: 'create-key', reason: 'no key', count: 1 },
        { lab: 'day42', step: 'create-key', reason: 'no key yet', count: 1 },
      ]);
    } finally {
      await s.close();
    }
  });

  it('folds a batch with repeats and several attempts at one step into the same progress', async () => {
    const s = await open();
    try {
      const c = await s.createClass('c');
      const j = (await s.join(c.joinCode, 'Bo', undefined))!;
      const who = { classId: c.classId, learnerId: j.learnerId };
      const r = (key: string, status: 'passed' | 'failed' | 'pending', at: number) => ({
        key,
        lab: 'day42',
        step: 'cleanup',
        status,
        at,
        evidence: `${status} at ${at}`,
      });
      const batch = [
        r('b-0001', 'failed', 10),
        r('b-0001', 'failed', 10),
        r('b-0002', 'passed', 30),
      ];
      batch.push(r('b-0003', 'pending', 20), r('b-0004', 'passed', 25));
      expect(await s.recordResults(who, batch)).toEqual({ accepted: 4, duplicates: 1 });
      const [p] = await s.progress(c.classId, 'day42');
      expect(p).toMatchObject({
        firstAt: 10,
        passedAt: 25,
        lastPassedAt: 30,
        attempts: 4,
        failures: 1,
        lastStatus: 'passed',
        lastAt: 30,
        lastEvidence: 'passed at <n>'.replace('<n>', '30'),
      });
    } finally {
      await s.close();
    }
  });

  it('concurrent requests (grouped into shared transactions) count every key exactly once', async () => {
    const s = await open();
    try {
      const c = await s.createClass('c');
      const learners = await Promise.all(
        Array.from({ length: 20 }, (_, i) => s.join(c.joinCode, `L${i}`, undefined)),
      );
      const send = (i: number, n: number) =>
        s.recordResults({ classId: c.classId, learnerId: learners[i]!.learnerId }, [
          { key: `k-${n}-a`, lab: 'day42', step: 'configure', status: 'failed', at: n },
          { key: `k-${n}-b`, lab: 'day42', step: 'cleanup', status: 'passed', at: n },
        ]);
      // Every learner sends 10 checks, each twice (a retry racing the original).
      const outs = await Promise.all(
        learners.flatMap((_, i) => Array.from({ length: 20 }, (_, j) => send(i, j % 10))),
      );
      expect(outs.reduce((n, o) => n + o.accepted, 0)).toBe(20 * 10 * 2);
      expect(outs.reduce((n, o) => n + o.duplicates, 0)).toBe(20 * 10 * 2);
      expect(await s.countResults(c.classId)).toBe(400);
      const rows = await s.progress(c.classId, 'day42');
      expect(rows).toHaveLength(40);
      for (const r of rows) {
        expect(r.attempts).toBe(10);
        expect(r.failures).toBe(r.step === 'configure' ? 10 : 0);
        expect(r.lastAt).toBe(9);
      }
    } finally {
      await s.close();
    }
  });

  it('keeps idempotency keys per learner: another learner cannot shadow my results', async () => {
    const s = await open();
    try {
      const c = await s.createClass('c');
      const a = (await s.join(c.joinCode, 'A', undefined))!;
      const b = (await s.join(c.joinCode, 'B', undefined))!;
      const res = {
        key: 'same-key-1',
        lab: 'day42',
        step: 'configure',
        status: 'passed' as const,
        at: 5,
      };
      await s.recordResults({ classId: c.classId, learnerId: a.learnerId }, [res]);
      expect(await s.recordResults({ classId: c.classId, learnerId: b.learnerId }, [res])).toEqual({
        accepted: 1,
        duplicates: 0,
      });
      expect((await s.progress(c.classId)).map((p) => p.learnerId).sort()).toEqual(
        [a.learnerId, b.learnerId].sort(),
      );
    } finally {
      await s.close();
    }
  });

  it('strips anything shaped like a secret access key from evidence before storing it', async () => {
    const s = await open();
    try {
      const c = await s.createClass('c');
      const j = (await s.join(c.joinCode, 'A', undefined))!;
      const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
      await s.recordResults({ classId: c.classId, learnerId: j.learnerId }, [
        {
          key: 'k-secret-1',
          lab: 'day42',
          step: 'configure',
          status: 'failed',
          at: 1,
          evidence: `saw ${secret}`,
        },
      ]);
      const rows = await s.sql.all<Record<string, unknown>>('SELECT * FROM results');
      const prog = await s.sql.all<Record<string, unknown>>('SELECT * FROM progress');
      expect(JSON.stringify([rows, prog])).not.toContain(secret);
      expect(String(rows[0].evidence)).toBe('saw [redacted]');
    } finally {
      await s.close();
    }
  });

  it('migrates idempotently: opening an existing store twice keeps its data', async () => {
    const url = _kind === 'postgres' ? await postgres().createDatabase() : undefined;
    const path = join(tmp, `reopen-${_kind}.db`);
    const first = await openClassStore({ databaseUrl: url, sqlitePath: path });
    const c = await first.createClass('kept');
    await first.close();
    const again = await openClassStore({ databaseUrl: url, sqlitePath: path });
    try {
      expect((await again.getClass(c.classId))?.name).toBe('kept');
      if (!url) expect(statSync(path).mode & 0o777).toBe(0o600);
    } finally {
      await again.close();
    }
  });
});
