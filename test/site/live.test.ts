// The lab page follows the learner live, as people use it: two tabs open on day42 and a
// terminal. `lab check` in the terminal (another process) shows up in both tabs without a
// reload; `lab serve` restarts and the tabs reconnect by themselves; the last step passed
// with "Check my progress" runs the automatic cleanup from the page (plan and proof shown,
// the lab's user and CLI profile gone, as after a terminal check); with the sandbox
// stopped, the console says 503 and how to start it, with no stack trace.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import type { Server } from 'node:http';
import type { Browser, Page } from 'playwright-core';
import { $ as zx$ } from 'zx';
import { GetUserCommand } from '@aws-sdk/client-iam';
import { createSiteServer, listen } from '../../runner/serve/index.ts';
import { learnerServices, type LearnerServices } from '../../runner/serve/learner.ts';
import { resolveTarget, type Target } from '../../runner/target/index.ts';
import { startLab } from '../../runner/check/index.ts';
import { labsRoot } from '../../runner/lab/paths.ts';
import { adminClients, startTestSandbox, type TestSandbox } from '../helpers/sandbox.ts';
import { buildOnce, launchBrowser, removeTemp, screenshot } from './helpers.ts';
import { ROOT } from '../class/helpers.ts';
import { axeBothSchemes } from './axe.ts';

const run = promisify(execFile);
let sandbox: TestSandbox;
let target: Target;
let services: LearnerServices;
let server: Server;
let url: string;
let port: number;
let out: string;
let browser: Browser;

const serve = async (p: number) => {
  server = createSiteServer({
    distDir: out,
    host: '127.0.0.1',
    labs: services.labs,
    console: services.console,
  });
  url = await listen(server, p, '127.0.0.1');
  port = Number(new URL(url).port);
};

beforeAll(async () => {
  [sandbox, out, browser] = await Promise.all([startTestSandbox(), buildOnce(), launchBrowser()]);
  const env = { ...process.env, ...sandbox.env, LAB_TARGET: 'sandbox' };
  target = await resolveTarget({ home: sandbox.home, env });
  await startLab({ lab: 'day42', target, home: sandbox.home, env }); // as `lab start day42`
  services = learnerServices({ home: sandbox.home, labsDir: labsRoot(), env });
  await serve(0);
});

afterAll(async () => {
  await browser?.close();
  server?.closeAllConnections();
  server?.close();
  services?.close();
  target?.close();
  await sandbox?.stop();
  removeTemp();
});

/** What a learner types in a terminal: the lab's own solution steps, then `lab check`. */
const state = {};
async function solve(...ids: string[]) {
  const { steps } = await import(`${ROOT}labs/day42/solve.mjs`);
  const $ = zx$({ env: sandbox.env, quiet: true, verbose: false });
  for (const id of ids) await steps[id]({ $, env: sandbox.env, state });
}
async function terminalCheck(): Promise<string> {
  const r = await run(process.execPath, [`${ROOT}bin/lab.mjs`, 'check', 'day42'], {
    env: { ...sandbox.env, NO_COLOR: '1' },
  }).catch((e) => e as { stdout: string; code: number });
  return r.stdout;
}

const badge = (page: Page, id: string) => page.locator(`#badge-${id}`);
const summary = (page: Page) => page.locator('[data-summary]').textContent();

describe('the day42 page, live', () => {
  it('follows terminal checks in two tabs, survives a restart, and cleans up from the page', async () => {
    const ctx = await browser.newContext();
    const [a, b] = await Promise.all([ctx.newPage(), ctx.newPage()]);
    for (const p of [a, b]) {
      await p.goto(url + 'labs/day42/');
      await expect.poll(() => p.locator('[data-live]').textContent()).toBe('Live');
    }
    expect(await summary(a)).toMatch(/0\/5 · Next: /);

    // The terminal: steps 1–2 done, `lab check` in another process. Both tabs follow.
    await solve('create-key', 'configure');
    expect(await terminalCheck()).toMatch(/create-key/);
    for (const p of [a, b]) {
      await expect
        .poll(() => badge(p, 'configure').textContent(), { timeout: 15_000 })
        .toBe('Passed');
      await expect.poll(() => summary(p)).toMatch(/2\/5 · Next: /);
    }
    await expect(badge(a, 'create-key').textContent()).resolves.toBe('Passed');
    // A step nobody tried yet says so, in grey: not a red "Failed" (issue 12).
    await expect(badge(a, 'list-users').textContent()).resolves.toBe('Not tried yet');
    await expect(
      a.locator('.lab-step[data-step="list-users"] .verdict').getAttribute('data-status'),
    ).resolves.toBe('not-tried');

    // `lab serve` stops and starts again on the same port: the tabs say so, then reconnect.
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
    await expect
      .poll(() => a.locator('[data-live]').textContent(), { timeout: 15_000 })
      .toMatch(/Reconnecting/);
    await serve(port);
    await solve('list-users', 'denied-ec2');
    await terminalCheck();
    for (const p of [a, b]) {
      await expect
        .poll(() => badge(p, 'denied-ec2').textContent(), { timeout: 20_000 })
        .toBe('Passed');
      await expect.poll(() => summary(p)).toMatch(/4\/5 · Next: /);
    }

    // The last step from the page: the check passes and the automatic cleanup runs here.
    await solve('cleanup');
    await a.locator('.lab-step[data-step="cleanup"] .check-btn').click();
    const cleanup = a.locator('[data-cleanup]');
    await expect
      .poll(() => cleanup.locator('.cleanup-head').textContent(), { timeout: 60_000 })
      .toBe('Cleanup ran: nothing the lab created remains.');
    const plan = await cleanup.locator('pre').first().textContent();
    expect(plan).toMatch(/Cleanup plan for day42/);
    expect(plan).toMatch(/iam-admin/);
    // Focus moved to the cleanup's heading, so a screen reader reads what happened.
    await expect(a.evaluate(() => document.activeElement?.id)).resolves.toBe('cleanup-h');
    await expect(a.locator('[data-complete]').textContent()).resolves.toMatch(
      /All 5 steps passed[\s\S]*Cleanup ran/,
    );
    // The other tab learns it from the store.
    await expect
      .poll(() => b.locator('[data-complete] [data-cleanup-state]').textContent())
      .toMatch(/Cleanup ran/);
    expect(await summary(b)).toMatch(/5\/5 · All steps passed/);
    await screenshot(a, 'day42-live-complete');

    // What the terminal's cleanup would have removed is gone: the user and its profile.
    await expect(
      adminClients(sandbox).iam.send(new GetUserCommand({ UserName: 'iam-admin' })),
    ).rejects.toMatchObject({ name: expect.stringMatching(/^NoSuchEntity/) });
    const cfg = readFileSync(sandbox.env.AWS_CONFIG_FILE, 'utf8');
    expect(cfg).not.toMatch(/\[profile iam-admin\]/);
    await ctx.close();
  });

  it('has no serious or critical axe findings on any page, light or dark, at 1280 and 390 px', async () => {
    const page = await browser.newPage();
    const found: Record<string, unknown> = {};
    const pages = [
      '',
      'labs/day42/',
      'console/',
      'console/iam/users/',
      'console/iam/user/?name=sandbox-admin#security-credentials',
      'console/iam/create-key/?name=sandbox-admin',
    ];
    try {
      for (const width of [1280, 390]) {
        await page.setViewportSize({ width, height: 900 });
        for (const path of pages) {
          await page.goto(url + path);
          await page.waitForLoadState('networkidle');
          const r = await axeBothSchemes(page);
          if (r.light.length || r.dark.length) found[`${width}px /${path}`] = r;
        }
      }
      expect(found).toEqual({});
      // The tab shows the site's icon (it was a 404), and pages travel compressed.
      const icon = await page.locator('link[rel=icon]').getAttribute('href');
      expect((await fetch(new URL(icon!, url))).status).toBe(200);
      const res = await fetch(url + 'labs/day42/', { headers: { 'accept-encoding': 'gzip' } });
      expect(res.headers.get('content-encoding')).toBe('gzip');
    } finally {
      await page.close();
    }
  });

  it('with the sandbox stopped, the console answers 503 naming `lab start`', async () => {
    await sandbox.stop();
    const page = await browser.newPage();
    const errors: string[] = [];
    const origError = console.error;
    console.error = (...args: unknown[]) => void errors.push(args.join(' '));
    try {
      const [res] = await Promise.all([
        page.waitForResponse((r) => r.url().includes('/api/console/users')),
        page.goto(url + 'console/iam/users/'),
      ]);
      expect(res.status()).toBe(503);
      const body = await res.json();
      expect(body.code).toBe('sandbox_down');
      expect(body.hint).toMatch(/`lab start <lab>`/);
      await expect
        .poll(() => page.locator('[role=alert], .error').first().textContent())
        .toMatch(/lab start/);
      expect(errors).toEqual([]); // no stack trace in the server's terminal
    } finally {
      console.error = origError;
      await page.close();
    }
  });
});
