// The whole-class overview the database aggregates (runner/class/overview.ts) must say
// exactly what the full report computed in JS says: same learners started and finished,
// same stuck learners and failed attempts per step, same live keys, same last activity,
// and the same dashboard page, on a randomly seeded class, on SQLite and PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openClassStore, type ClassStore } from '../../runner/class/store/index.ts';
import { buildReport } from '../../runner/class/report.ts';
import { buildOverview, overviewOf } from '../../runner/class/overview.ts';
import { dashboardHtml } from '../../runner/class/render/html.ts';
import { classApi } from '../../runner/class/api.ts';
import { nodeListener } from '../../runner/http/index.ts';
import type { ResultIn } from '../../runner/class/schema.ts';
import { startTestPostgres, type TestPostgres } from '../helpers/postgres.ts';

let pgServer: TestPostgres;
const tmp = mkdtempSync(join(tmpdir(), 'labrunner-class-overview-'));

beforeAll(async () => {
  pgServer = await startTestPostgres();
});
afterAll(async () => {
  await pgServer?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

const stores: [string, () => Promise<ClassStore>][] = [
  ['sqlite', () => openClassStore({ sqlitePath: join(tmp, `o${Math.random()}.db`) })],
  ['postgres', async () => openClassStore({ databaseUrl: await pgServer.createDatabase() })],
];

// 'keys' has a known order that leaves out 'extra' (rows for it are not cells); the others
// are not "on disk": their order is the order learners first met the steps.
const ORDER: Record<string, string[]> = {
  keys: ['create-key', 'configure', 'list-users', 'cleanup'],
  empty: [],
};
const stepOrder = async (lab: string) => ORDER[lab];
const LABS: Record<string, string[]> = {
  keys: [...ORDER.keys, 'extra'],
  seen: ['alpha', 'create-key', 'beta', 'cleanup', 'gamma'],
  plain: ['one', 'two', 'three'],
  empty: ['ghost'],
};
const STATUSES = ['passed', 'failed', 'pending'] as const;
const links = { csv: '/report.csv', lab: (l: string) => `/lab/${l}` };

/** Deterministic pseudo-random numbers (a failure is reproducible). */
function rng(seed: number) {
  let s = seed;
  return (n: number) => ((s = (s * 1103515245 + 12345) % 2 ** 31), s % n);
}

async function seed(store: ClassStore, seedNo: number) {
  const rand = rng(seedNo);
  const cls = await store.createClass(`seeded ${seedNo}`);
  const T0 = Date.parse('2026-11-01T09:00:00Z');
  for (let i = 0; i < 60; i++) {
    const j = (await store.join(cls.joinCode, `learner ${rand(1000)}`, undefined))!;
    const results: ResultIn[] = [];
    for (const [lab, steps] of Object.entries(LABS)) {
      if (rand(5) === 0) continue; // never opened this lab
      // Random checks in random order: gaps (a later step passed before an earlier one),
      // re-checks that fail after a pass, cleanup before or after the key.
      const checks = rand(3 * steps.length);
      for (let c = 0; c < checks; c++) {
        results.push({
          key: `${lab}-${c}-${rand(1e9)}`,
          lab,
          step: steps[rand(steps.length)],
          status: STATUSES[rand(3)],
          evidence: `reason ${rand(4)}`,
          at: T0 + rand(10 * 86_400) * 1000,
        });
      }
    }
    if (results.length) await store.recordResults(j, results);
  }
  return cls;
}

describe.each(stores)('whole-class overview on %s', (_kind, open) => {
  it('equals the figures of the full report computed in JS, on random classes', async () => {
    const store = await open();
    try {
      for (const seedNo of [1, 7, 42, 1234]) {
        const cls = await seed(store, seedNo);
        const full = (await buildReport(store, cls.classId, { stepOrder, now: 1 }))!;
        const ov = (await buildOverview(store, cls.classId, { stepOrder, now: 1 }))!;
        expect(ov.overview.map((l) => l.lab)).toEqual(['empty', 'keys', 'plain', 'seen']);
        expect(ov.overview).toEqual(full.labs.map(overviewOf));
        // The seed exercises what matters: live keys, stuck learners, finishers, failures.
        const keys = ov.overview.find((l) => l.lab === 'keys')!;
        expect(keys.keysAtRisk).toBeGreaterThan(0);
        expect(keys.learnersStuck).toBeGreaterThan(0);
        expect(ov.overview.some((l) => l.completion.completed > 0)).toBe(true);
        expect(ov.overview.find((l) => l.lab === 'empty')!.completion.learners).toBe(0);
        // And the page the instructor sees is the same page.
        expect(dashboardHtml(ov, links, 'n')).toBe(dashboardHtml(full, links, 'n'));
        // The summary report (what the dashboard used to build) agrees too.
        const summary = (await buildReport(store, cls.classId, {
          stepOrder,
          now: 1,
          summary: true,
        }))!;
        expect(ov.overview).toEqual(summary.labs.map(overviewOf));
      }
    } finally {
      await store.close();
    }
  });

  it('serves the dashboard overview and the streamed JSON report exactly as built in JS', async () => {
    const store = await open();
    const handler = classApi({ store, stepOrder, now: () => 1 });
    const server = createServer(nodeListener(handler));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const cls = await seed(store, 99);
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const get = async (path: string) => {
        const res = await fetch(url + path, {
          headers: { authorization: `Bearer ${cls.instructorToken}` },
        });
        expect(res.status).toBe(200);
        return res.text();
      };
      const full = (await buildReport(store, cls.classId, { stepOrder, now: 1 }))!;
      // Every cell, written a lab at a time: the very bytes of the whole document.
      expect(await get(`/api/v1/classes/${cls.classId}/report`)).toBe(JSON.stringify(full));
      const one = (await buildReport(store, cls.classId, { stepOrder, now: 1, lab: 'keys' }))!;
      expect(await get(`/api/v1/classes/${cls.classId}/report?lab=keys`)).toBe(JSON.stringify(one));
      // The overview page from the database's figures, nonce aside, is the page from JS.
      const page = await get(`/api/v1/classes/${cls.classId}/report?format=html`);
      const links = {
        csv: `/class/${cls.classId}/report.csv`,
        lab: (l: string) => `/class/${cls.classId}/dashboard?lab=${encodeURIComponent(l)}`,
      };
      const nonce = /nonce="([^"]+)"/.exec(page)![1];
      expect(page).toContain('<table class="overview">');
      expect(page).toBe(dashboardHtml(full, links, nonce));
    } finally {
      await new Promise((r) => server.close(r));
      await store.close();
    }
  });

  it('is empty for a class without results and undefined for an unknown class', async () => {
    const store = await open();
    try {
      const cls = await store.createClass('quiet');
      await store.join(cls.joinCode, 'Ada', undefined);
      const ov = await buildOverview(store, cls.classId, { stepOrder, now: 1 });
      expect(ov).toEqual({
        class: { id: cls.classId, name: 'quiet' },
        generatedAt: 1,
        overview: [],
      });
      expect(await buildOverview(store, 'c_nope', { stepOrder })).toBeUndefined();
    } finally {
      await store.close();
    }
  });
});
