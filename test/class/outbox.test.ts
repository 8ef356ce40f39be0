// The learner's outbox: results made while the class server is down stay
// queued (0600, no secrets), go out when it is back (next check or
// `lab class sync`), and are counted exactly once — on both stores.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, statSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { publishResults, outboxPath } from '../../runner/class/outbox.ts';
import { ClassClient } from '../../runner/class/client.ts';
import { readMembership } from '../../runner/class/membership.ts';
import type { StepResult } from '../../runner/lab/define.ts';
import { freePort, startTestPostgres, type TestPostgres } from '../helpers/postgres.ts';
import { lab, labEnv, must, serveClass, tempHome, type ServerProcess } from './helpers.ts';

let pg: TestPostgres;
beforeAll(async () => {
  pg = await startTestPostgres();
});
afterAll(async () => {
  await pg?.stop();
});

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const results = (n: number): StepResult[] =>
  ['create-key', 'configure', 'list-users', 'denied-ec2', 'cleanup'].slice(0, n).map((id) => ({
    id,
    status: 'failed',
    evidence: `check ${id}; pasted by mistake: ${SECRET}`,
  }));

describe.each(['sqlite', 'postgres'])('offline outbox on %s', (store) => {
  let server: ServerProcess | undefined;
  let env: Record<string, string>;
  let port: number;
  let learnerHome: string;
  let instructorToken: string;
  let classId: string;

  const start = async () => {
    server = await serveClass(['class', 'serve', '--port', String(port)], env);
  };
  const stop = async () => {
    await server?.stop();
    server = undefined;
  };
  const stored = async () => {
    const r = await fetch(`http://127.0.0.1:${port}/api/v1/classes/${classId}/report?format=json`, {
      headers: { authorization: `Bearer ${instructorToken}` },
    });
    const rep = await r.json();
    return rep.labs
      .flatMap((l: any) => l.learners.flatMap((x: any) => Object.values(x.cells)))
      .reduce((n: number, c: any) => n + c.attempts, 0);
  };

  beforeAll(async () => {
    port = await freePort();
    env = labEnv(tempHome(), {
      DATABASE_URL: store === 'postgres' ? await pg.createDatabase() : undefined,
    });
    const c = JSON.parse(must(await lab(['class', 'create', 'Offline', '--json'], env)).stdout);
    instructorToken = c.instructorToken;
    classId = c.classId;
    await start();
    learnerHome = tempHome();
    must(
      await lab(
        ['join', server!.url, '--code', c.joinCode, '--name', 'Remote'],
        labEnv(learnerHome),
      ),
    );
  });
  afterAll(stop);

  it('queues while the server is down and sends everything, once, after a restart', async () => {
    await stop();
    const lines: string[] = [];
    const first = await publishResults(learnerHome, 'day42', results(5), {
      log: (l) => lines.push(l),
    });
    expect(first).toMatchObject({ joined: true, queued: 5, sent: 0, pending: 5 });
    expect(lines.join('\n')).toMatch(/5 result\(s\) queued, not sent/);
    const second = await publishResults(learnerHome, 'day42', results(3), { log: () => {} });
    expect(second).toMatchObject({ sent: 0, pending: 8 });
    // The queue is the learner's only: 0600, and no secret-shaped text inside.
    expect(statSync(outboxPath(learnerHome)).mode & 0o777).toBe(0o600);
    expect(statSync(`${learnerHome}/class.json`).mode & 0o777).toBe(0o600);
    expect(readFileSync(outboxPath(learnerHome)).toString('latin1')).not.toContain(SECRET);

    const offline = await lab(['class', 'sync', '--json'], labEnv(learnerHome));
    expect(offline.code).toBe(2);
    expect(offline.stderr).toContain('8 still queued');
    expect(JSON.parse(offline.stdout).error).toMatchObject({ code: 'class_sync_failed' });

    await start();
    const synced = must(await lab(['class', 'sync'], labEnv(learnerHome)));
    expect(synced.stdout).toContain('Sent 8 queued result(s); 0 left.');
    expect(await stored()).toBe(8);
    // Syncing again sends nothing and counts nothing twice.
    const flushed = must(await lab(['join', '--flush', '--json'], labEnv(learnerHome)));
    expect(JSON.parse(flushed.stdout)).toEqual({ sent: 0, pending: 0, setAside: 0 });
    expect(await stored()).toBe(8);
  });

  it('a resend after a lost response is acknowledged but not counted again', async () => {
    const m = readMembership(learnerHome)!;
    const client = new ClassClient({ url: m.url, token: m.token });
    const batch = [1, 2, 3].map((i) => ({
      key: `lost-response-${i}`,
      lab: 'day42',
      step: 'configure',
      status: 'failed' as const,
      at: Date.now(),
    }));
    expect(await client.sendResults(batch)).toEqual({ accepted: 3, duplicates: 0 });
    expect(await client.sendResults(batch)).toEqual({ accepted: 0, duplicates: 3 });
    expect(await stored()).toBe(11);
  });

  it('sets aside a result the server refuses as invalid, and sends the rest', async () => {
    const before = await stored();
    // Queued by some older runner: a lab id the server will never accept.
    await publishResults(learnerHome, 'day42', results(1), { log: () => {} });
    const db = new DatabaseSync(outboxPath(learnerHome));
    const m = readMembership(learnerHome)!;
    db.prepare('INSERT INTO outbox (key, class_id, payload, queued_at) VALUES (?, ?, ?, ?)').run(
      'poison-key-1',
      m.classId,
      JSON.stringify({ key: 'poison-key-1', lab: 'Bad Lab', step: 'x', status: 'passed', at: 1 }),
      0,
    );
    db.close();
    const out = await publishResults(learnerHome, 'day42', results(2), { log: () => {} });
    expect(out).toMatchObject({ sent: 2, pending: 0, rejected: 1 });
    expect(out.error).toBeUndefined();
    expect(await stored()).toBe(before + 3);
    const kept = new DatabaseSync(outboxPath(learnerHome));
    const row = kept
      .prepare('SELECT rejected, last_error FROM outbox WHERE key = ?')
      .get('poison-key-1') as {
      rejected: number;
      last_error: string;
    };
    kept.close();
    expect(row.rejected).toBe(1);
    expect(row.last_error).toContain('results.0.lab');
  });

  it('the next check flushes what an earlier one queued', async () => {
    await stop();
    expect(
      (await publishResults(learnerHome, 'day42', results(2), { log: () => {} })).pending,
    ).toBe(2);
    await start();
    const next = await publishResults(learnerHome, 'day42', results(5));
    expect(next).toMatchObject({ sent: 7, pending: 0 });
    expect(await stored()).toBe(21);
  });
});
