// The instructor dashboard in real Chromium, on both stores: sign-in with the
// instructor token, the day42 scenario shown exactly (live keys first), the
// SVG chart, the CSV download, and learner names that try XSS rendered inert.
// Screenshots go to test-results/ (a CI artifact).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../helpers/browser.ts';
import pg_ from 'pg';
import { startClassServer, type RunningClassServer } from '../../runner/class/server.ts';
import { ClassClient } from '../../runner/class/client.ts';
import { startTestPostgres, type TestPostgres } from '../helpers/postgres.ts';
import { ROOT, tempHome } from './helpers.ts';
import { axeBothSchemes } from '../site/axe.ts';

const ARTIFACTS = `${ROOT}test-results`;
const pgClient = pg_.Client;
let pg: TestPostgres;
let browser: Browser;
beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  [pg, browser] = await Promise.all([startTestPostgres(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await pg?.stop();
});

const STEPS = ['create-key', 'configure', 'list-users', 'denied-ec2', 'cleanup'];
const T0 = Date.parse('2026-11-23T09:00:00Z');

/** Join `name` to the class; returns a function that sends one `lab check` pass for them. */
async function learner(srv: RunningClassServer, cls: { joinCode: string }, name: string) {
  const j = (await srv.store.join(cls.joinCode, name, undefined))!;
  const client = new ClassClient({ url: srv.url, token: j.token });
  return (passed: string[], at: number, why = 'no such call recorded') =>
    client.sendResults(
      STEPS.map((step) => ({
        key: `${step}-${at}`,
        lab: 'day42',
        step,
        status: passed.includes(step) ? ('passed' as const) : ('failed' as const),
        evidence: passed.includes(step)
          ? 'ok'
          : step === 'denied-ec2'
            ? why
            : 'AKIAIOSFODNN7EXAMPLE still exists (Active)',
        at,
      })),
    );
}

async function signIn(page: Page, srv: RunningClassServer, classId: string, token: string) {
  const res = await page.goto(`${srv.url}/class/${classId}/dashboard`);
  expect(res?.status()).toBe(401);
  await page.getByLabel(/Instructor token/).fill(token);
  await page.getByRole('button', { name: 'Open dashboard' }).click();
  await page.waitForURL(`**/class/${classId}/dashboard`);
}

describe.each(['sqlite', 'postgres'])('class dashboard in Chromium (%s)', (store) => {
  let srv: RunningClassServer;
  let home: string;
  beforeAll(async () => {
    home = tempHome();
    srv = await startClassServer({
      home,
      databaseUrl: store === 'postgres' ? await pg.createDatabase() : undefined,
    });
  });
  afterAll(async () => {
    await srv?.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('shows the day42 scenario exactly: live keys first, one finisher, stuck points, chart, CSV', async () => {
    const cls = await srv.store.createClass('Cohort 7');
    const ada = await learner(srv, cls, 'Ada');
    await ada(STEPS.slice(0, 1), T0);
    await ada(STEPS, T0 + 20 * 60_000);
    const bo = await learner(srv, cls, 'Bo');
    await bo(STEPS.slice(0, 3), T0 + 60_000, 'DescribeInstances succeeded');
    const cy = await learner(srv, cls, 'Cy');
    await cy(STEPS.slice(0, 4), T0 + 120_000);
    const page = await browser.newPage({ acceptDownloads: true });
    try {
      // A wrong token is refused on the page, without a dashboard.
      await page.goto(`${srv.url}/class/${cls.classId}/dashboard`);
      await page.getByLabel(/Instructor token/).fill('lci_wrong');
      await page.getByRole('button', { name: 'Open dashboard' }).click();
      await expect(page.getByRole('alert').textContent()).resolves.toContain(
        'not the instructor token',
      );
      expect(await page.locator('table.learners').count()).toBe(0);

      if (store === 'sqlite') {
        // The sign-in page (with its error) in both colour schemes, wide and on a phone.
        const found: Record<string, unknown> = {};
        for (const width of [1280, 390]) {
          await page.setViewportSize({ width, height: 800 });
          const r = await axeBothSchemes(page);
          if (r.light.length || r.dark.length) found[`sign-in ${width}px`] = r;
        }
        expect(found).toEqual({});
        await page.setViewportSize({ width: 1280, height: 800 });
      }
      await signIn(page, srv, cls.classId, cls.instructorToken);
      if (store === 'sqlite') {
        const found: Record<string, unknown> = {};
        for (const width of [1280, 390]) {
          await page.setViewportSize({ width, height: 800 });
          const r = await axeBothSchemes(page);
          if (r.light.length || r.dark.length) found[`dashboard ${width}px`] = r;
          // Readable on a phone: nothing wider than the screen but the tables' own scroll.
          const wide = await page.evaluate(() => document.documentElement.scrollWidth);
          expect(wide).toBeLessThanOrEqual(width);
        }
        expect(found).toEqual({});
        await page.emulateMedia({ colorScheme: 'light' });
        await page.setViewportSize({ width: 1280, height: 800 });
      }
      // The security risk is the first thing in the lab's section.
      const headings = await page.locator('section h3').allTextContents();
      expect(headings[0]).toBe('Lab access keys still live (2)');
      const risky = await page.locator('[data-testid=risk] li strong').allTextContents();
      expect(risky.sort()).toEqual(['Bo', 'Cy']);
      expect(await page.locator('#completion-day42').textContent()).toMatch(
        /1 of 3\s+learners finished \(33%\)/,
      );

      const states = Object.fromEntries(
        await page
          .locator('table.learners tbody tr')
          .evaluateAll((rows) =>
            rows.map((r) => [
              r.querySelector('th')!.textContent!.replace(' key live', ''),
              r.querySelectorAll('td')[0].textContent,
            ]),
          ),
      );
      expect(states).toEqual({
        Ada: 'finished',
        Bo: expect.stringMatching(/^stuck at denied-ec2 for \d+ (min|h|d)$/),
        Cy: expect.stringMatching(/^stuck at cleanup for \d+ (min|h|d)$/),
      });
      const cleanupCell = page.locator('tr', { hasText: 'Ada' }).locator('td[data-step=cleanup]');
      expect(await cleanupCell.textContent()).toContain('✓ 2026-11-23 09:20');

      const stuck = await page.locator('table.stuck tbody tr').allTextContents();
      expect(stuck.find((r) => r.startsWith('denied-ec2'))).toContain(
        'DescribeInstances succeeded',
      );

      // The chart: one completion, drawn as a bar with a readable title.
      const bars = page.locator('svg.chart rect');
      expect(await bars.count()).toBe(1);
      expect(Number(await bars.first().getAttribute('height'))).toBeGreaterThan(0);
      expect(await page.locator('svg.chart > title').textContent()).toContain('1 in total');

      await page.screenshot({ path: `${ARTIFACTS}/class-dashboard-${store}.png`, fullPage: true });

      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('link', { name: 'Download CSV' }).click(),
      ]);
      const csv = readFileSync((await download.path())!, 'utf8');
      expect(csv.split('\r\n')[0]).toMatch(
        /^lab,learner,iam_user,learner_state,keys_at_risk,step,status/,
      );
      expect(csv).toContain('day42,Bo,,stuck at denied-ec2,yes,denied-ec2,failed');
    } finally {
      await page.close();
    }
  });

  it('many live keys: a count, the oldest first, the rest one click away; not-started learners counted apart; a saved report that stays still', async () => {
    const cls = await srv.store.createClass('Big cohort');
    // Eight learners left a key, each an hour later than the one before; one has not started.
    for (let i = 0; i < 8; i++) {
      const send = await learner(srv, cls, `L${i}`);
      await send(STEPS.slice(0, 2), T0 + (8 - i) * 3_600_000);
    }
    await srv.store.join(cls.joinCode, 'Late', undefined);
    const page = await browser.newPage();
    try {
      await signIn(page, srv, cls.classId, cls.instructorToken);
      const risk = page.locator('[data-testid=risk]');
      expect(await risk.locator('h3').textContent()).toBe('Lab access keys still live (8)');
      // Five shown at once, oldest key first (L7 made its key first).
      const shown = risk.locator(':scope > ul > li strong');
      expect(await shown.allTextContents()).toEqual(['L7', 'L6', 'L5', 'L4', 'L3']);
      const rest = risk.locator('[data-testid=risk-rest]');
      expect(await rest.locator('summary').textContent()).toBe('Show the other 3');
      expect(await rest.locator('li').first().isVisible()).toBe(false);
      await rest.locator('summary').click();
      expect(await rest.locator('li strong').allTextContents()).toEqual(['L2', 'L1', 'L0']);
      expect(await rest.locator('li').first().isVisible()).toBe(true);
      // The grid has nine learners; the sentence above it says so.
      expect(await page.locator('table.learners tbody tr').count()).toBe(9);
      expect(await page.locator('#completion-day42').textContent()).toMatch(
        /0 of 9\s+learners finished \(0% of those who started; 1 not started yet\)/,
      );
    } finally {
      await page.close();
    }
    // The same report saved as a file: no script, no refresh switch, said to be a snapshot.
    const saved = await fetch(
      `${srv.url}/api/v1/classes/${cls.classId}/report?lab=day42&format=html`,
      { headers: { authorization: `Bearer ${cls.instructorToken}` } },
    );
    expect(saved.status).toBe(200);
    const html = await saved.text();
    expect(html).not.toContain('<script');
    expect(html).not.toContain('Refresh every');
    expect(html).toContain('Class report (saved; it does not update)');
  });

  it('with several labs, opens on an overview (live keys first) with each lab one click away', async () => {
    const cls = await srv.store.createClass('Two labs');
    const j = (await srv.store.join(cls.joinCode, 'Dee', undefined))!;
    const client = new ClassClient({ url: srv.url, token: j.token });
    await client.sendResults([
      { key: 'key-a-0001', lab: 'day41', step: 'read', status: 'passed', at: T0 },
      { key: 'key-b-0001', lab: 'day42', step: 'create-key', status: 'passed', at: T0 },
      {
        key: 'key-b-0002',
        lab: 'day42',
        step: 'cleanup',
        status: 'failed',
        at: T0,
        evidence: 'still there',
      },
    ]);
    const page = await browser.newPage();
    try {
      await signIn(page, srv, cls.classId, cls.instructorToken);
      const labs = await page.locator('table.overview tbody th').allTextContents();
      expect(labs).toEqual(['day42', 'day41']);
      expect(await page.getByRole('alert').textContent()).toContain(
        'Lab access keys still live: 1',
      );
      await page.getByRole('link', { name: 'day42' }).click();
      await page.waitForURL('**/dashboard?lab=day42');
      expect(await page.locator('section h3').first().textContent()).toBe(
        'Lab access keys still live (1)',
      );
      await page.getByRole('link', { name: 'All labs' }).click();
      await page.waitForURL(`**/class/${cls.classId}/dashboard`);
      expect(await page.locator('table.overview').count()).toBe(1);
    } finally {
      await page.close();
    }
  });

  it('refreshes itself while open, and stops when its switch is off', async () => {
    const cls = await srv.store.createClass('Live class');
    const ada = await learner(srv, cls, 'Ada');
    await ada(STEPS.slice(0, 1), T0);
    const page = await browser.newPage();
    try {
      await page.clock.install();
      await signIn(page, srv, cls.classId, cls.instructorToken);
      const names = () => page.locator('table.learners tbody th').allTextContents();
      expect(await names()).toEqual(['Ada key live']);
      // What the open page fetches: only what changed, never the whole page again.
      const fetched: { url: string; body: Promise<string> }[] = [];
      page.on('response', (r) => {
        if (r.request().resourceType() === 'fetch') fetched.push({ url: r.url(), body: r.text() });
      });
      const adaRow = await page.locator('tr[data-learner]').first().innerHTML();
      const bo = await learner(srv, cls, 'Bo');
      await bo(STEPS.slice(0, 2), T0 + 60_000);
      await page.clock.runFor(31_000);
      await expect.poll(names).toEqual(['Ada key live', 'Bo key live']);
      expect(await page.locator('#completion-day42').textContent()).toMatch(/0 of 2\s+learners/);
      expect(fetched.map((f) => new URL(f.url).pathname)).toEqual([
        `/class/${cls.classId}/dashboard/delta`,
      ]);
      const delta = JSON.parse(await fetched[0].body);
      // Bo's new row, and no more than the rows of the last few seconds: not the page.
      const boId = await page.locator('tr', { hasText: 'Bo' }).getAttribute('data-learner');
      expect(Object.keys(delta.rows)).toContain(boId);
      expect(Object.keys(delta.rows).length).toBeLessThanOrEqual(2);
      expect(delta.order).toHaveLength(2);
      expect(await page.locator('tr[data-learner]').first().innerHTML()).toBe(adaRow);
      // Nothing new: the next answer says so, and the page stays as it is.
      await page.clock.runFor(30_000);
      await expect.poll(() => fetched.length).toBe(2);
      expect(JSON.parse(await fetched[1].body)).toEqual({ stamp: delta.stamp, changed: false });
      expect(await names()).toEqual(['Ada key live', 'Bo key live']);
      // Switched off: nothing changes under the instructor's eyes.
      await page.getByLabel('Refresh every 30 s').uncheck();
      await page.locator('body').click({ position: { x: 1, y: 1 } });
      const cy = await learner(srv, cls, 'Cy');
      await cy(STEPS.slice(0, 1), T0 + 120_000);
      await page.clock.runFor(65_000);
      expect(await names()).toEqual(['Ada key live', 'Bo key live']);
    } finally {
      await page.close();
    }
  });

  it('renders learner names that try XSS as inert text, each isolated from its neighbours', async () => {
    const cls = await srv.store.createClass('<script>window.__xss=0</script>Class');
    const names = [
      '<script>window.__xss=1</script>',
      '<img src=x onerror="window.__xss=2">',
      '"><svg onload="window.__xss=3">',
      'עדה 42', // right-to-left: must not pull the text around it into its direction
    ];
    for (const [i, n] of names.entries())
      await (
        await learner(srv, cls, n)
      )(STEPS.slice(0, i + 1), T0 + i);
    const page = await browser.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    try {
      await signIn(page, srv, cls.classId, cls.instructorToken);
      const shown = await page.locator('table.learners tbody th').allTextContents();
      for (const n of names) expect(shown.some((s) => s.startsWith(n))).toBe(true);
      // Every name is its own bidi isolate (<bdi>, https://html.spec.whatwg.org/#the-bdi-element),
      // in the grid and in the live-keys list (everyone but the finisher still has a key).
      const isolated = await page.locator('table.learners tbody th bdi').allTextContents();
      expect(isolated.sort()).toEqual([...names].sort());
      const listed = await page.locator('[data-testid=risk] li bdi').allTextContents();
      expect(listed.length).toBeGreaterThan(0);
      for (const n of listed) expect(names).toContain(n);
      expect(await page.locator('h1').textContent()).toBe('<script>window.__xss=0</script>Class');
      expect(
        await page.evaluate(() => (window as unknown as { __xss?: number }).__xss),
      ).toBeUndefined();
      expect(
        await page.locator('table.learners img, table.learners script, table.learners svg').count(),
      ).toBe(0);
      expect(dialogs).toEqual([]);
      await page.screenshot({
        path: `${ARTIFACTS}/class-dashboard-xss-${store}.png`,
        fullPage: true,
      });
    } finally {
      await page.close();
    }
  });
});

describe('class dashboard with its PostgreSQL gone', () => {
  it('says so on a page (503), and health says the store does not answer', async () => {
    const home = tempHome();
    const url = await pg.createDatabase();
    const srv = await startClassServer({ home, databaseUrl: url });
    const page = await browser.newPage();
    try {
      const cls = await srv.store.createClass('Doomed');
      await signIn(page, srv, cls.classId, cls.instructorToken);
      expect((await (await fetch(`${srv.url}/api/v1/health`)).json()).ok).toBe(true);
      // The database goes away under the running server.
      const admin = new pgClient({ connectionString: pg.url });
      await admin.connect();
      try {
        await admin.query(`DROP DATABASE "${new URL(url).pathname.slice(1)}" WITH (FORCE)`);
      } finally {
        await admin.end();
      }
      const res = await page.reload();
      expect(res?.status()).toBe(503);
      expect(res?.headers()['content-type']).toMatch(/^text\/html/);
      expect(await page.locator('h1').textContent()).toBe('Class dashboard unavailable');
      expect(await page.getByRole('alert').textContent()).toContain('reload this page');
      expect(await page.content()).not.toContain('lab class serve');
      const health = await fetch(`${srv.url}/api/v1/health`);
      expect(health.status).toBe(503);
      expect(await health.json()).toMatchObject({ ok: false, store: 'postgres' });
    } finally {
      await page.close();
      await srv.close().catch(() => {});
      rmSync(home, { recursive: true, force: true });
    }
  });
});
