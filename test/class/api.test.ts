// The class API's guard rails, on both stores: tokens (missing, wrong, wrong
// role, another learner's), payload validation with field paths, the body size
// limit, the rate limit, and CSV formula injection. Real HTTP on loopback.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { startClassServer, type RunningClassServer } from '../../runner/class/server.ts';
import { startTestPostgres, type TestPostgres } from '../helpers/postgres.ts';
import { lab, labEnv, tempHome } from './helpers.ts';

let pg: TestPostgres;
beforeAll(async () => {
  pg = await startTestPostgres();
});
afterAll(async () => {
  await pg?.stop();
});

describe.each(['sqlite', 'postgres'])('class API on %s', (store) => {
  let srv: RunningClassServer;
  let home: string;
  let cls: { classId: string; joinCode: string; instructorToken: string };
  let learner: { token: string; learnerId: string };

  beforeAll(async () => {
    home = tempHome();
    srv = await startClassServer({
      home,
      databaseUrl: store === 'postgres' ? await pg.createDatabase() : undefined,
      api: { rateLimit: { perSecond: 2, burst: 40 } },
    });
    cls = await srv.store.createClass('API class');
    learner = (await srv.store.join(cls.joinCode, 'Lee', undefined))!;
  });
  afterAll(async () => {
    await srv?.close();
    rmSync(home, { recursive: true, force: true });
  });

  const post = (path: string, body: unknown, token?: string, type = 'application/json') =>
    fetch(srv.url + path, {
      method: 'POST',
      headers: { 'content-type': type, ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const result = (over: Record<string, unknown> = {}) => ({
    key: `k-${Math.random().toString(36).slice(2)}`,
    lab: 'day42',
    step: 'create-key',
    status: 'passed',
    at: Date.now(),
    ...over,
  });

  it('refuses results without a token, with a wrong token, and with the instructor token', async () => {
    const none = await post('/api/v1/results', { results: [result()] });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await none.json()).error.code).toBe('missing_token');
    const wrong = await post(
      '/api/v1/results',
      { results: [result()] },
      learner.token.slice(0, -2) + 'xx',
    );
    expect(wrong.status).toBe(401);
    expect((await wrong.json()).error.code).toBe('invalid_token');
    const instr = await post('/api/v1/results', { results: [result()] }, cls.instructorToken);
    expect(instr.status).toBe(403);
    expect(await srv.store.countResults(cls.classId)).toBe(0);
  });

  it('a learner writes only its own results: a learnerId in the payload is refused', async () => {
    const other = (await srv.store.join(cls.joinCode, 'Other', undefined))!;
    const r = await post(
      '/api/v1/results',
      { results: [{ ...result(), learnerId: other.learnerId }] },
      learner.token,
    );
    expect(r.status).toBe(400);
    const ok = await post(
      '/api/v1/results',
      { results: [result({ step: 'configure' })] },
      learner.token,
    );
    expect(await ok.json()).toEqual({ accepted: 1, duplicates: 0 });
    const rows = await srv.store.progress(cls.classId);
    expect(rows.map((p) => p.learnerId)).toEqual([learner.learnerId]);
  });

  it('reports need this class’s instructor token', async () => {
    const path = `/api/v1/classes/${cls.classId}/report`;
    expect((await fetch(srv.url + path)).status).toBe(401);
    const asLearner = await fetch(srv.url + path, {
      headers: { authorization: `Bearer ${learner.token}` },
    });
    expect(asLearner.status).toBe(403);
    const other = await srv.store.createClass('Other class');
    const otherInstr = await fetch(srv.url + path, {
      headers: { authorization: `Bearer ${other.instructorToken}` },
    });
    expect(otherInstr.status).toBe(403);
    const ok = await fetch(srv.url + path, {
      headers: { authorization: `Bearer ${cls.instructorToken}` },
    });
    expect(ok.status).toBe(200);
    expect((await ok.json()).class.name).toBe('API class');
  });

  it('says which field is wrong (400 with the path)', async () => {
    const bad = await post(
      '/api/v1/results',
      { results: [result({ status: 'done' })] },
      learner.token,
    );
    expect(bad.status).toBe(400);
    const body = await bad.json();
    expect(body.error.code).toBe('invalid_payload');
    expect(body.error.message).toMatch(/^results\.0\.status: /);
    expect(body.error.issues[0].path).toBe('results.0.status');
    const badLab = await post(
      '/api/v1/results',
      { results: [result({ lab: '../etc' })] },
      learner.token,
    );
    expect((await badLab.json()).error.issues[0].path).toBe('results.0.lab');
    const notJson = await post('/api/v1/results', '{"results": [', learner.token);
    expect(notJson.status).toBe(400);
    expect((await notJson.json()).error.code).toBe('invalid_json');
    const form = await post(
      '/api/v1/results',
      'a=b',
      learner.token,
      'application/x-www-form-urlencoded',
    );
    expect(form.status).toBe(415);
    const join = await post('/api/v1/join', { code: cls.joinCode, name: '' });
    expect((await join.json()).error.issues[0].path).toBe('name');
  });

  it('refuses bodies over 64 KiB with 413, before storing anything', async () => {
    const before = await srv.store.countResults(cls.classId);
    const huge = { results: [result({ evidence: 'x'.repeat(70 * 1024) })] };
    const r = await post('/api/v1/results', huge, learner.token);
    expect(r.status).toBe(413);
    expect((await r.json()).error.code).toBe('payload_too_large');
    expect(await srv.store.countResults(cls.classId)).toBe(before);
  });

  it('rate limits per token: 429 with Retry-After, other tokens unaffected', async () => {
    const fresh = (await srv.store.join(cls.joinCode, 'Flood', undefined))!;
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 60; i++) {
      const r = await fetch(`${srv.url}/api/v1/me`, {
        headers: { authorization: `Bearer ${fresh.token}` },
      });
      statuses.push(r.status);
      if (r.status === 429) retryAfter = r.headers.get('retry-after');
      await r.arrayBuffer();
    }
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(40);
    expect(statuses).toContain(429);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    const calm = await fetch(`${srv.url}/api/v1/me`, {
      headers: { authorization: `Bearer ${cls.instructorToken}` },
    });
    expect(calm.status).toBe(200);
  });

  it('defuses formulas and escapes markup in learner names (CSV and HTML)', async () => {
    const evil = (await srv.store.join(cls.joinCode, '=HYPERLINK("http://x","y")', undefined))!;
    const evil2 = (await srv.store.join(cls.joinCode, '<img src=x onerror=alert(1)>', undefined))!;
    for (const t of [evil.token, evil2.token]) {
      await post('/api/v1/results', { results: [result({ evidence: '@SUM(A1:A9)' })] }, t);
    }
    const auth = { headers: { authorization: `Bearer ${cls.instructorToken}` } };
    const csv = await (
      await fetch(`${srv.url}/api/v1/classes/${cls.classId}/report?format=csv`, auth)
    ).text();
    expect(csv).toContain(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(csv).toContain(`'@SUM(A1:A9)`);
    expect(
      csv.split('\r\n').every((line) => line.split(',').every((c) => !/^[=+\-@]/.test(c))),
    ).toBe(true);
    const html = await (
      await fetch(`${srv.url}/api/v1/classes/${cls.classId}/report?format=html`, auth)
    ).text();
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toContain('<img src=x');
  });

  it('creates a class over HTTP only with the server admin token', async () => {
    const elsewhere = labEnv(tempHome());
    const without = await lab(['class', 'create', 'Remote', '--server', srv.url], elsewhere);
    expect(without.code).toBe(2);
    expect(without.stderr).toContain('needs the server admin token');
    const wrong = await lab(['class', 'create', 'Remote', '--server', srv.url], {
      ...elsewhere,
      LAB_CLASS_ADMIN_TOKEN: 'lca_wrong',
    });
    expect(wrong.code).toBe(2);
    const admin = readFileSync(join(home, 'class', 'admin-token'), 'utf8').trim();
    expect(statSync(join(home, 'class', 'admin-token')).mode & 0o777).toBe(0o600);
    const ok = await lab(['class', 'create', 'Remote', '--server', srv.url], {
      ...elsewhere,
      LAB_CLASS_ADMIN_TOKEN: admin,
    });
    expect(ok.code, ok.stderr).toBe(0);
    const token = /^\s+(lci_[\w-]+)$/m.exec(ok.stdout)![1];
    const code = /Join code:\s+(\S+)/.exec(ok.stdout)![1];
    expect(ok.stdout).toContain(`lab join ${srv.url} --code ${code}`);
    const me = await fetch(`${srv.url}/api/v1/me`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(await me.json()).toMatchObject({ role: 'instructor', className: 'Remote' });
  });

  it('through the CLI: report without a token, with a wrong one, with a learner one', async () => {
    const env = labEnv(tempHome());
    const none = await lab(['report', '--class', srv.url], env);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('A report needs the instructor token');
    const wrong = await lab(['report', '--class', srv.url], {
      ...env,
      LAB_CLASS_TOKEN: 'lci_nope',
    });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('The token is not valid for this server');
    const asLearner = await lab(['report', '--class', srv.url], {
      ...env,
      LAB_CLASS_TOKEN: learner.token,
    });
    expect(asLearner.code).toBe(2);
    expect(asLearner.stderr).toContain('reports need the instructor token');
    const badCode = await lab(['join', srv.url, '--code', 'AAAA-BBBB-CCCC', '--name', 'X'], env);
    expect(badCode.code).toBe(2);
    expect(badCode.stderr).toContain('No class has this join code');
  });

  it('through the CLI: a bad name is told in terms of --name; a taken one says what you are', async () => {
    const long = await lab(
      ['join', srv.url, '--code', cls.joinCode, '--name', 'x'.repeat(81)],
      labEnv(tempHome()),
    );
    expect(long.code).toBe(2);
    expect(long.stderr).toContain('--name: must be at most 80 characters');
    expect(long.stderr).not.toContain('docs/class-api.md');
    const again = await lab(
      ['join', srv.url, '--code', cls.joinCode, '--name', 'lee'],
      labEnv(tempHome()),
    );
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('as lee (2).');
    expect(again.stdout).toContain('already goes by that name, so you are lee (2).');
    // --json: the name given, and the one asked for; never the learner token (class.json keeps it).
    const home = tempHome();
    const third = await lab(
      ['join', srv.url, '--code', cls.joinCode, '--name', 'lee', '--json'],
      labEnv(home),
    );
    expect(third.code, third.stderr).toBe(0);
    const doc = JSON.parse(third.stdout);
    expect(doc).toMatchObject({ classId: cls.classId, className: 'API class', left: null });
    expect(doc.requestedName).toBe('lee');
    expect(doc.name).toMatch(/^lee \(\d+\)$/);
    expect(doc.name).not.toBe('lee (2)');
    expect(Object.keys(doc)).toEqual([
      'classId',
      'className',
      'learnerId',
      'name',
      'requestedName',
      'left',
      'earlierResults',
    ]);
    expect(doc.earlierResults).toBe(0);
    const { token } = JSON.parse(readFileSync(join(home, 'class.json'), 'utf8'));
    expect(token.length).toBeGreaterThan(10);
    expect(third.stdout).not.toContain(token);
  });
});
