import { describe, it, expect, beforeEach } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import {
  openStore,
  startRun,
  currentRun,
  setRunStatus,
  recordCreated,
  markRemoved,
  ledgerFor,
  recordResults,
  latestResults,
  progressSummary,
} from '../../runner/store/index.ts';

let home: string;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'labstore-'));
  return () => rmSync(home, { recursive: true, force: true });
});

describe('progress store', () => {
  it('keeps runs, the ledger and the latest result per step', () => {
    const db = openStore(home);
    const run = startRun(db, { lab: 'day42', target: 'sandbox', accountId: '123', learner: 'ann' });
    expect(currentRun(db, 'day42', 'sandbox', '123')?.id).toBe(run.id);
    expect(currentRun(db, 'day42', 'aws', '123')).toBeUndefined();

    const u = recordCreated(db, {
      runId: run.id,
      kind: 'iam-user',
      resourceId: 'iam-admin',
      createdBy: 'lab',
      details: { policy: 'IAMFullAccess' },
    });
    // Idempotent: the same resource twice is one entry.
    recordCreated(db, {
      runId: run.id,
      kind: 'iam-user',
      resourceId: 'iam-admin',
      createdBy: 'lab',
    });
    expect(ledgerFor(db, run.id)).toHaveLength(1);
    markRemoved(db, u.id);
    expect(ledgerFor(db, run.id)[0].removedAt).toMatch(/^\d{4}-/);
    expect(ledgerFor(db, run.id)[0].details).toEqual({ policy: 'IAMFullAccess' });

    recordResults(db, {
      runId: run.id,
      lab: 'day42',
      learner: 'ann',
      results: [
        { step: 'create-key', status: 'failed', hint: 'create it', durationMs: 3 },
        { step: 'configure', status: 'pending', durationMs: 4 },
      ],
    });
    recordResults(db, {
      runId: run.id,
      lab: 'day42',
      learner: 'ann',
      results: [{ step: 'create-key', status: 'passed', evidence: 'AKIA…', durationMs: 5 }],
    });
    const latest = Object.fromEntries(latestResults(db, 'day42').map((r) => [r.step, r.status]));
    expect(latest).toEqual({ 'create-key': 'passed', configure: 'pending' });
    const [summary] = progressSummary(db);
    expect(summary.lab).toBe('day42');
    expect(summary.run?.id).toBe(run.id);
    expect(summary.steps).toHaveLength(2);

    setRunStatus(db, run.id, 'cleaned');
    expect(currentRun(db, 'day42', 'sandbox', '123')).toBeUndefined();
    db.close();
  });

  it('refuses to put a secret in the ledger', () => {
    const db = openStore(home);
    const run = startRun(db, { lab: 'day42', target: 'sandbox', accountId: '1', learner: 'a' });
    expect(() =>
      recordCreated(db, {
        runId: run.id,
        kind: 'access-key',
        resourceId: 'AKIAEXAMPLE',
        createdBy: 'learner',
        details: { note: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
      }),
    ).toThrow(/secret/);
    db.close();
  });

  it('two processes writing at once lose nothing and corrupt nothing', async () => {
    const storeUrl = new URL('../../runner/store/index.ts', import.meta.url).href;
    const script = `
      const s = await import(${JSON.stringify(storeUrl)});
      const db = s.openStore(process.argv[1]);
      for (let i = 0; i < 150; i++) {
        const run = s.startRun(db, { lab: 'day42', target: 'sandbox', accountId: '1', learner: process.argv[2] });
        s.recordResults(db, { runId: run.id, lab: 'day42', learner: process.argv[2],
          results: [{ step: 'a', status: 'passed', durationMs: 1 }, { step: 'b', status: 'failed', durationMs: 1 }] });
      }
      db.close();`;
    const run = (who: string) =>
      new Promise<number>((resolve, reject) => {
        const p = spawn(process.execPath, ['--input-type=module', '-e', script, home, who], {
          stdio: ['ignore', 'inherit', 'inherit'],
        });
        p.on('error', reject);
        p.on('exit', (code) => resolve(code ?? -1));
      });
    // Both processes create the database from nothing at the same moment, too.
    expect(await Promise.all([run('p1'), run('p2')])).toEqual([0, 0]);
    const db = openStore(home);
    const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
    expect(count("SELECT COUNT(*) n FROM runs WHERE learner = 'p1'")).toBe(150);
    expect(count("SELECT COUNT(*) n FROM runs WHERE learner = 'p2'")).toBe(150);
    expect(count('SELECT COUNT(*) n FROM results')).toBe(600);
    expect(db.prepare('PRAGMA integrity_check').get()).toEqual({ integrity_check: 'ok' });
    db.close();
  });
});
