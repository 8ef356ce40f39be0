// Hostile input at the class server never becomes a 500, on SQLite and PostgreSQL alike, and
// never blocks a learner's outbox: NUL and control characters are normalised at the API
// boundary the same way for both stores, bidi controls are refused in names and shown escaped
// in terminals, names are unique per class, a result the server refuses for good (or fails on
// again and again) is set aside and reported. A bounded fast-check run fuzzes the payloads.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { flushOutbox, outboxPath, publishResults } from '../../runner/class/outbox.ts';
import { writeMembership } from '../../runner/class/membership.ts';
import { reportTable } from '../../runner/class/render/table.ts';
import { startClassServer, type RunningClassServer } from '../../runner/class/server.ts';
import type { StepResult } from '../../runner/lab/define.ts';
import { startTestPostgres, type TestPostgres } from '../helpers/postgres.ts';
import { tempHome } from '../class/helpers.ts';

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
      api: { rateLimit: { perSecond: 1000, burst: 5000 } },
    });
    cls = await srv.store.createClass('Hostile input');
    learner = (await srv.store.join(cls.joinCode, 'Lee Okafor', undefined))!;
  });
  afterAll(async () => {
    await srv?.close();
    rmSync(home, { recursive: true, force: true });
  });

  const post = (path: string, body: unknown, token?: string) =>
    fetch(srv.url + path, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const result = (over: Record<string, unknown> = {}) => ({
    key: `k-${Math.random().toString(36).slice(2)}`,
    lab: 'day42',
    step: 'create-key',
    status: 'failed',
    at: Date.now(),
    ...over,
  });

  it('stores NUL, control and bidi characters in evidence the same way on both stores', async () => {
    const r = await post(
      '/api/v1/results',
      {
        results: [
          result({
            evidence: 'a\u0000b\u001b[31mc\u202ed\u2066e\nf\tg',
            hint: 'x\u0000y',
            step: 'nul',
          }),
        ],
      },
      learner.token,
    );
    expect(r.status).toBe(200);
    const rows = await srv.store.progress(cls.classId, 'day42');
    const row = rows.find((p) => p.step === 'nul')!;
    // Identical on SQLite and PostgreSQL: each control or bidi mark is U+FFFD; tab, newline kept.
    expect(row.lastEvidence).toBe('a\ufffdb\ufffd[31mc\ufffdd\ufffde\nf\tg');
  });

  it('refuses what no store can hold or a reader must not see, naming the field', async () => {
    const cases: [string, unknown, string | undefined][] = [
      ['/api/v1/results', { results: [result({ key: 'key-with-\u0000-nul' })] }, learner.token],
      ['/api/v1/results', { results: [result({ step: 'a\u0000' })] }, learner.token],
      ['/api/v1/join', { code: cls.joinCode, name: 'Eve\u202eevil' }, undefined],
      ['/api/v1/join', { code: cls.joinCode, name: 'Eve\u0000' }, undefined],
      ['/api/v1/join', { code: cls.joinCode, name: '\ud800x' }, undefined],
      ['/api/v1/join', { code: 'AB\u0000CD', name: 'Eve' }, undefined],
      ['/api/v1/join', { code: cls.joinCode, name: 'x'.repeat(81) }, undefined],
    ];
    const said: string[] = [];
    for (const [path, body, token] of cases) {
      const r = await post(path, body, token);
      expect(r.status, JSON.stringify(body)).toBe(400);
      const { error } = await r.json();
      expect(error.code).toBe('invalid_payload');
      said.push(error.message);
    }
    // In words a learner reads in `lab join`'s error (it was zod's "Too big: expected string
    // to have <=80 characters").
    expect(said.at(-1)).toBe('name: must be at most 80 characters');
  });

  it('refuses names with invisible or line-separator characters in plain words, and normalises to NFC', async () => {
    // A zero-width joiner (or space, word joiner, BOM) makes a name look exactly like
    // another learner's; U+2028/U+2029 break a report's line (issue 16).
    for (const name of [
      'Lee\u200dOkafor',
      'Lee\u200bOkafor',
      '\u2060Lee Okafor',
      'Lee\ufeffOkafor',
      'Lee\u2028Okafor',
      'Lee\u2029Okafor',
    ]) {
      const r = await post('/api/v1/join', { code: cls.joinCode, name });
      expect(r.status, JSON.stringify(name)).toBe(400);
      expect((await r.json()).error.message).toBe(
        'name: must not contain invisible characters (zero-width spaces or joiners) or line separators: type the name with visible letters only',
      );
    }
    // "Zoé" typed with a combining accent is the same name as with a precomposed é.
    const a = await post('/api/v1/join', { code: cls.joinCode, name: 'Zoe\u0301' });
    const b = await post('/api/v1/join', { code: cls.joinCode, name: 'Zo\u00e9' });
    expect([(await a.json()).name, (await b.json()).name]).toEqual(['Zo\u00e9', 'Zo\u00e9 (2)']);
  });

  it('answers 400, never 500, to a body that is JSON but not an object', async () => {
    for (const body of ['null', '[]', '[{"code":"x"}]', '42', '"text"', 'true']) {
      for (const [path, token] of [
        ['/api/v1/join', undefined],
        ['/api/v1/results', learner.token],
        ['/api/v1/classes', undefined],
      ] as const) {
        const r = await post(path, body, token);
        expect(r.status, `${path} ${body}`).toBeOneOf(
          path === '/api/v1/classes' ? [400, 401] : [400],
        );
      }
    }
    // Wrong types inside an object: 400 naming the field.
    const wrong = await post(
      '/api/v1/results',
      { results: [result({ at: '2026-12-01' })] },
      learner.token,
    );
    expect(wrong.status).toBe(400);
  });

  it('keeps result times in a sane window: not the year 33658, not 1970, not minutes ahead', async () => {
    const before = await srv.store.countResults(cls.classId);
    for (const at of [Date.UTC(33658, 0, 1), 8.64e15, Date.now() + 3_600_000, 0, 1]) {
      const r = await post('/api/v1/results', { results: [result({ at })] }, learner.token);
      expect(r.status, String(at)).toBe(400);
      expect((await r.json()).error.message).toMatch(
        /^results\.0\.at: .* is (in the future|long before the class was created); it must be between /,
      );
    }
    expect(await srv.store.countResults(cls.classId)).toBe(before);
    // A clock a minute ahead (skew) is still accepted, and so is now.
    for (const at of [Date.now(), Date.now() + 60_000]) {
      const r = await post('/api/v1/results', { results: [result({ at })] }, learner.token);
      expect(r.status).toBe(200);
    }
  });

  it('gives every learner of a class a distinct name', async () => {
    const a = await post('/api/v1/join', { code: cls.joinCode, name: 'Ada' });
    const b = await post('/api/v1/join', { code: cls.joinCode, name: 'Ada' });
    const c = await post('/api/v1/join', { code: cls.joinCode, name: 'ada' });
    expect([a.status, b.status, c.status]).toEqual([201, 201, 201]);
    expect([(await a.json()).name, (await b.json()).name, (await c.json()).name]).toEqual([
      'Ada',
      'Ada (2)',
      'ada (3)',
    ]);
    const names = (await srv.store.learners(cls.classId)).map((l) => l.name);
    expect(new Set(names.map((n) => n.toLowerCase())).size).toBe(names.length);
  });

  it('shows a bidi override already stored (joined before this check) escaped in the terminal', async () => {
    // The store below the API does not judge names: this is what older servers let in.
    const eve = (await srv.store.join(cls.joinCode, 'Eve\u202egnp.exe', undefined))!;
    await post('/api/v1/results', { results: [result({ status: 'passed' })] }, eve.token);
    const r = await fetch(`${srv.url}/api/v1/classes/${cls.classId}/report?lab=day42`, {
      headers: { authorization: `Bearer ${cls.instructorToken}` },
    });
    const table = reportTable(await r.json());
    expect(table).toContain('Eve\\u202egnp.exe');
    expect(table).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
    // A line separator or zero-width joiner stored before names were judged: shown escaped.
    const old = (await srv.store.join(cls.joinCode, 'Lee\u2028Ok\u200dafor', undefined))!;
    await post('/api/v1/results', { results: [result({ status: 'passed' })] }, old.token);
    const again = await fetch(`${srv.url}/api/v1/classes/${cls.classId}/report?lab=day42`, {
      headers: { authorization: `Bearer ${cls.instructorToken}` },
    });
    const table2 = reportTable(await again.json());
    expect(table2).toContain('Lee\\u2028Ok\\u200dafor');
    expect(table2).not.toMatch(/[\u2028\u2029\u200b-\u200d]/);
  });

  it('fuzz: no payload makes a 5xx, and nothing is stored without a valid token', async () => {
    const before = await srv.store.countResults(cls.classId);
    const learnersBefore = (await srv.store.learners(cls.classId)).length;
    const special = fc.constantFrom('\u0000', '\u202e', '\u2066', '\u001b[2J', '\ud800', '\uffff');
    const binary = fc.string({ unit: 'binary', maxLength: 200 });
    const hostileString = fc.oneof(
      binary,
      special,
      fc.tuple(binary, special, binary).map((p) => p.join('')),
      fc.constantFrom('x'.repeat(5000), '', ' '),
    );
    const value = fc.oneof(
      hostileString,
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.array(hostileString, { maxLength: 3 }),
    );
    // Mostly well-formed results with hostile text here and there: each field is valid more
    // often than not, so hostile values reach the store, not only the validator.
    const or = <T>(valid: fc.Arbitrary<T>) => fc.oneof({ weight: 3, arbitrary: valid }, value);
    const resultLike = fc.record(
      {
        key: or(fc.uuid().map((u) => `k-${u}`)),
        lab: or(fc.constant('day42')),
        step: or(fc.constantFrom('fuzz', 'create-key')),
        status: or(fc.constantFrom('passed', 'failed', 'pending')),
        evidence: or(hostileString),
        hint: or(hostileString),
        at: or(fc.constant(Date.now())),
      },
      { requiredKeys: ['key', 'lab', 'step', 'status', 'at'] },
    );
    const request = fc.oneof(
      fc.record({
        path: fc.constant('/api/v1/results'),
        body: fc.record({ results: fc.array(resultLike, { maxLength: 4 }) }),
      }),
      fc.record({
        path: fc.constant('/api/v1/results'),
        body: fc.oneof(value, fc.string({ unit: 'binary' })),
      }),
      fc.record({
        path: fc.constant('/api/v1/join'),
        body: fc.record({ code: value, name: value, iamUser: value }, { requiredKeys: [] }),
      }),
      fc.record({
        path: fc.constant('/api/v1/classes'),
        body: fc.record({ name: value }, { requiredKeys: [] }),
      }),
    );
    const token = fc.constantFrom(
      undefined,
      'lab_learner_forged',
      learner.token.slice(0, -3) + 'abc',
    );
    await fc.assert(
      fc.asyncProperty(request, token, async (req, tok) => {
        const r = await post(req.path, req.body, tok);
        const text = await r.text();
        expect(r.status, `${req.path} ${JSON.stringify(req.body)} → ${text}`).toBeLessThan(500);
        expect(text).not.toContain(cls.instructorToken);
        expect(text).not.toContain(learner.token);
      }),
      { seed: 20261129, numRuns: 120, endOnFailure: true },
    );
    // Without a valid token nothing was stored (joins need no token: the wrong codes found none).
    expect(await srv.store.countResults(cls.classId)).toBe(before);
    expect((await srv.store.learners(cls.classId)).length).toBe(learnersBefore);

    // With the learner's own token, every payload is still answered below 500.
    await fc.assert(
      fc.asyncProperty(fc.array(resultLike, { minLength: 1, maxLength: 4 }), async (results) => {
        const r = await post('/api/v1/results', { results }, learner.token);
        expect(r.status, JSON.stringify(results)).toBeLessThan(500);
      }),
      { seed: 42, numRuns: 80, endOnFailure: true },
    );

    // Ids and queries in URLs (percent-encoded anything, NUL included), with and without the
    // instructor's token: never a 5xx, never another class's data.
    const seg = fc.oneof(
      fc.constant(cls.classId),
      hostileString.map((x) =>
        [...Buffer.from(x, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join(''),
      ),
      fc.constantFrom('%00', '%E2%80%AE', '%', '..', '%2F', "'", '%27%3B--'),
    );
    const url = fc.oneof(
      fc
        .tuple(seg, seg, fc.constantFrom('json', 'csv', 'html', 'x'))
        .map(([id, lab, f]) => `/api/v1/classes/${id}/report?lab=${lab}&format=${f}`),
      fc.tuple(seg, seg).map(([id, lab]) => `/class/${id}/dashboard?lab=${lab}`),
      seg.map((id) => `/class/${id}/report.csv`),
    );
    await fc.assert(
      fc.asyncProperty(url, fc.boolean(), async (u, withToken) => {
        const r = await fetch(srv.url + u, {
          headers: withToken ? { authorization: `Bearer ${cls.instructorToken}` } : {},
        });
        const text = await r.text();
        expect(r.status, `${u} → ${text.slice(0, 200)}`).toBeLessThan(500);
        // A space never appears in a random nonce or token, so the name cannot
        // turn up by chance.
        if (!withToken) expect(text).not.toContain('Lee Okafor');
      }),
      { seed: 7, numRuns: 80, endOnFailure: true },
    );
  });
});

describe('the outbox', () => {
  let srv: RunningClassServer;
  let serverHome: string;
  let home: string;
  let classId: string;
  const results = (n: number, tag: string): StepResult[] =>
    Array.from({ length: n }, (_, i) => ({ id: `s${i}`, status: 'failed', evidence: tag }));

  beforeAll(async () => {
    serverHome = tempHome();
    srv = await startClassServer({
      home: serverHome,
      databaseUrl: await pg.createDatabase(),
      api: { rateLimit: { perSecond: 1000, burst: 5000 } },
    });
    const cls = await srv.store.createClass('Outbox');
    classId = cls.classId;
    const j = (await srv.store.join(cls.joinCode, 'Remote', undefined))!;
    home = tempHome();
    writeMembership(home, {
      url: srv.url,
      classId,
      className: 'Outbox',
      learnerId: j.learnerId,
      name: 'Remote',
      token: j.token,
      joinedAt: new Date().toISOString(),
    });
  });
  afterAll(async () => {
    await srv?.close();
    rmSync(serverHome, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  });

  it('a NUL in evidence on PostgreSQL no longer blocks the queue', async () => {
    // The issue: "Sent 0; 15 still queued" for good, after one result with a NUL.
    const out = await publishResults(
      home,
      'day42',
      [{ id: 'nul', status: 'failed', evidence: 'pasted \u0000 by mistake' }, ...results(14, 'x')],
      { log: () => {} },
    );
    expect(out).toMatchObject({ sent: 15, pending: 0 });
    expect(out.error).toBeUndefined();
  });

  it('sets aside a result the server fails on again and again, never blocking the others', async () => {
    // A server that fails (500) on one result, whatever the reason: a bug on its side.
    const flaky: typeof fetch = async (url, init) => {
      if (String(init?.body ?? '').includes('poison')) {
        return new Response(JSON.stringify({ error: { code: 'internal', message: 'boom' } }), {
          status: 500,
          headers: { 'content-type': 'application/json' },
        });
      }
      return fetch(url, init);
    };
    const before = await srv.store.countResults(classId);
    const seen: string[] = [];
    for (let check = 1; check <= 3; check++) {
      const out = await publishResults(
        home,
        'day42',
        [{ id: 'poison', status: 'failed', evidence: 'poison' }, ...results(4, `run ${check}`)],
        { fetch: flaky, log: (l) => seen.push(l) },
      );
      // Every check's other results go through at once.
      expect(out.sent, `check ${check}`).toBe(4);
      // Each check adds a poisoned result; the first is set aside at its third failure.
      if (check < 3) expect(out).toMatchObject({ pending: check });
      else expect(out).toMatchObject({ pending: 2, rejected: 1, setAside: 1 });
    }
    expect(await srv.store.countResults(classId)).toBe(before + 12);
    expect(seen.join('\n')).toMatch(
      /1 result\(s\) set aside: the class server refused them for good/,
    );
    const db = new DatabaseSync(outboxPath(home));
    const aside = db.prepare('SELECT attempts FROM outbox WHERE rejected = 1').all();
    db.close();
    expect(aside).toEqual([{ attempts: 3 }]);
  });

  it('a server failing on everything sets nothing aside (it is down, not poisoned)', async () => {
    const down: typeof fetch = async () =>
      new Response('{"error":{"code":"internal","message":"db down"}}', {
        status: 500,
        headers: { 'content-type': 'application/json' },
      });
    const queued = await publishResults(home, 'day42', results(2, 'later'), {
      fetch: down,
      log: () => {},
    });
    expect(queued).toMatchObject({ sent: 0, pending: 4 });
    for (let i = 0; i < 4; i++) {
      const out = await flushOutbox(home, { fetch: down });
      expect(out.rejected).toBeUndefined();
      expect(out.error).toContain('db down');
    }
    const out = await flushOutbox(home);
    expect(out).toMatchObject({ sent: 4, pending: 0, setAside: 1 });
  });
});
