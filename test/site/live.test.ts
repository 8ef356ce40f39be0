// The day42 page as people use it, in real Chromium against a real sandbox (one sandbox,
// one build, one browser for the whole file):
// - the terminal beside the steps: refused to another origin and without the start token;
//   with it, day42 done from the page alone (xterm.js running `lab shell`, commands put there
//   with "To terminal", the secret read off the screen and typed into `aws configure`, the
//   checks and the automatic cleanup from the page);
// - live progress: two tabs and a terminal. `lab check` in the terminal (another process)
//   shows up in both tabs without a reload; `lab serve` restarts and the tabs reconnect;
//   the last step passed with "Check my progress" runs the automatic cleanup (plan and
//   proof shown, the lab's user and CLI profile gone) and the other tab learns it;
// - axe on every page in both colour schemes;
// - with the sandbox stopped, the console says 503 and how to start it, no stack trace.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import type { Server } from 'node:http';
import type { Browser, Page } from 'playwright-core';
import { $ as zx$ } from 'zx';
import { GetUserCommand } from '@aws-sdk/client-iam';
import WebSocket from 'ws';
import {
  createSiteServer,
  embeddedTerminal,
  listen,
  serveAccess,
  type Terminal,
} from '../../runner/serve/index.ts';
import { learnerServices, type LearnerServices } from '../../runner/serve/learner.ts';
import { resolveTarget, type Target } from '../../runner/target/index.ts';
import { loadDefinition, startLab } from '../../runner/check/index.ts';
import { cleanupFromPage } from '../../runner/serve/cleanup.ts';
import { currentRun, openStore } from '../../runner/store/index.ts';
import { labsRoot } from '../../runner/lab/paths.ts';
import { adminClients, startTestSandbox, type TestSandbox } from '../helpers/sandbox.ts';
import { stopSandbox } from '../../sandbox/index.ts';
import { buildOnce, launchBrowser, removeTemp, screenshot, signedInPage } from './helpers.ts';
import { cleanupCodes } from '../../runner/serve/confirm.ts';
import { ROOT } from '../class/helpers.ts';
import { axeBothSchemes } from './axe.ts';
import { scaled } from '../helpers/timeouts.ts';

const run = promisify(execFile);
let sandbox: TestSandbox;
let target: Target;
let services: LearnerServices;
let server: Server;
let url: string;
let port: number;
let out: string;
let browser: Browser;
let terminal: Terminal;
let env: NodeJS.ProcessEnv;
const access = serveAccess();

const serve = async (p: number) => {
  server = createSiteServer({
    distDir: out,
    host: '127.0.0.1',
    labs: services.labs,
    console: services.console,
    terminal,
    access,
  });
  url = await listen(server, p, '127.0.0.1');
  port = Number(new URL(url).port);
};

beforeAll(async () => {
  [sandbox, out, browser] = await Promise.all([startTestSandbox(), buildOnce(), launchBrowser()]);
  env = { ...process.env, ...sandbox.env, LAB_TARGET: 'sandbox', SHELL: '/bin/bash' };
  target = await resolveTarget({ home: sandbox.home, env });
  await startLab({ lab: 'day42', target, home: sandbox.home, env }); // as `lab start day42`
  services = learnerServices({ home: sandbox.home, labsDir: labsRoot(), env });
  terminal = embeddedTerminal({ listenHost: '127.0.0.1', home: sandbox.home, env, access })!;
  await serve(0);
});

afterAll(async () => {
  await browser?.close();
  terminal?.close();
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

/** What the terminal shows now (xterm's rows), as one string. */
const screen = (page: Page) => page.locator('.xterm-rows').innerText();
async function waitScreen(page: Page, re: RegExp, timeout = 30_000): Promise<RegExpMatchArray> {
  await expect.poll(() => screen(page), { timeout }).toMatch(re);
  return (await screen(page)).match(re)!;
}
/** Put a step's sandbox command in the terminal with its button, then press Enter. */
async function runBlock(page: Page, step: string, command: RegExp) {
  const block = page
    .locator(`.lab-step[data-step="${step}"] .lab-code[data-copy]`)
    .filter({ hasText: command })
    .first();
  await block.getByRole('button', { name: 'Put this command in the terminal' }).click();
  await page.keyboard.press('Enter');
}

/** "Check my progress" on one step; it must pass. */
async function checkStep(page: Page, step: string) {
  await page.locator(`.lab-step[data-step="${step}"] .check-btn`).click();
  await expect
    .poll(() => page.locator(`#badge-${step}`).textContent(), { timeout: scaled(10_000) })
    .toBe('Passed');
}

const badge = (page: Page, id: string) => page.locator(`#badge-${id}`);
const summary = (page: Page) => page.locator('[data-summary]').textContent();

describe('the day42 page', () => {
  it('keeps its terminal from another origin and from a page without the start token', async () => {
    const ws = new WebSocket(url.replace('http', 'ws') + 'terminal/ws', {
      headers: { origin: 'http://evil.example' },
    });
    const status = await new Promise<number>((resolve) => {
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode!));
      ws.on('open', () => resolve(101));
    });
    expect(status).toBe(403);
    // A tab opened without the printed address's #token is served but signed out: it says
    // where the address is and offers no check, no console and no terminal.
    const page = await browser.newPage();
    await page.goto(url + 'labs/day42/');
    await expect
      .poll(() => page.locator('[data-session-note]').textContent())
      .toMatch(/Not signed in to lab serve: open the address it printed/);
    await expect(page.locator('.check-btn:visible').count()).resolves.toBe(0);
    await expect(page.locator('[data-term-open]').isVisible()).resolves.toBe(false);
    await page.close();
  });

  it('walks day42 from the page alone: terminal, checks, cleanup', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${url}labs/day42/#token=${access.token}`);
    await expect.poll(() => page.url()).toBe(url + 'labs/day42/'); // the token left the address bar
    await page.getByRole('button', { name: 'Open a terminal here' }).click();
    await waitScreen(page, /\(sandbox\)/);
    // With the terminal docked at the bottom, Tab never puts the focus behind it or behind
    // the sticky summary (it did: 'Open a terminal here' and checklist links were covered).
    await page.evaluate(() => document.querySelector<HTMLElement>('.skip')!.focus());
    const covered: string[] = [];
    for (let i = 0; i < 16; i++) {
      await page.keyboard.press('Tab');
      const at = await page.evaluate(() => {
        const el = document.activeElement!;
        const r = el.getBoundingClientRect();
        const dock = document.querySelector('[data-term]')!.getBoundingClientRect();
        const bar = document.querySelector('[data-summary]')!.getBoundingClientRect();
        const stuck = bar.top <= 0.5;
        return {
          what: (el.textContent ?? '').trim().slice(0, 40),
          inDock: !!el.closest('[data-term]'),
          covered: r.bottom > dock.top + 1 || (stuck && r.top < bar.bottom - 1),
        };
      });
      if (at.inDock) break;
      if (at.covered) covered.push(at.what);
    }
    expect(covered).toEqual([]);

    // Step 1: create the key; read both halves off the screen, as the learner does.
    await runBlock(page, 'create-key', /create-access-key/);
    const [, keyId] = await waitScreen(page, /"AccessKeyId":\s*"(\w+)"/);
    const [, secret] = await waitScreen(page, /"SecretAccessKey":\s*"([^"]+)"/);
    await checkStep(page, 'create-key');

    // Step 2: `aws configure`, answering its four questions.
    await page.keyboard.type('clear\n');
    await runBlock(page, 'configure', /aws configure --profile iam-admin/);
    for (const [prompt, answer] of [
      [/AWS Access Key ID \[None\]:/, keyId],
      [/AWS Secret Access Key \[None\]:/, secret],
      [/Default region name \[None\]:/, 'ap-southeast-2'],
      [/Default output format \[None\]:/, 'json'],
    ] as const) {
      await waitScreen(page, prompt);
      await page.keyboard.type(answer + '\n');
    }
    await page.keyboard.type('clear\n');
    await checkStep(page, 'configure');

    // Steps 3 and 4 with the new profile.
    await runBlock(page, 'list-users', /list-users --profile iam-admin/);
    await page.keyboard.type('echo "listed: $?"\n'); // its output is longer than the screen
    await waitScreen(page, /listed: 0/);
    await checkStep(page, 'list-users');
    await runBlock(page, 'denied-ec2', /describe-instances --profile iam-admin/);
    await waitScreen(page, /UnauthorizedOperation/);
    await checkStep(page, 'denied-ec2');

    // Step 5: deactivate, then delete the key (typed, with the id from the screen).
    await page.locator('.xterm').click();
    await page.keyboard.type(
      `aws iam update-access-key --user-name iam-admin --access-key-id ${keyId} --status Inactive && ` +
        `aws iam delete-access-key --user-name iam-admin --access-key-id ${keyId} && echo "gone: $((40 + 2))"\n`,
    );
    await waitScreen(page, /gone: 42/); // the output, not the typed line

    // "Check my progress" on the last step: every step passes, and the cleanup runs.
    await page.locator('.lab-step[data-step="cleanup"] .check-btn').click();
    await expect
      .poll(() => page.locator('[data-cleanup] .cleanup-head').textContent(), {
        timeout: scaled(20_000),
      })
      .toBe('Cleanup ran: nothing the lab created remains.');
    for (const id of ['create-key', 'configure', 'list-users', 'denied-ec2', 'cleanup']) {
      await expect(page.locator(`#badge-${id}`).textContent()).resolves.toBe('Passed');
    }
    await screenshot(page, 'day42-terminal-walk');
    await expect(
      adminClients(sandbox).iam.send(new GetUserCommand({ UserName: 'iam-admin' })),
    ).rejects.toMatchObject({ name: expect.stringMatching(/^NoSuchEntity/) });

    await page.getByRole('button', { name: 'Close terminal' }).click();
    await expect.poll(() => page.locator('[data-term]').isHidden()).toBe(true);
    await page.close();
  });

  it('follows terminal checks in two tabs, survives a restart, and cleans up from the page', async () => {
    await startLab({ lab: 'day42', target, home: sandbox.home, env }); // day42 again, a new run
    const ctx = await browser.newContext();
    const [a, b] = await Promise.all([
      signedInPage(ctx, url, access.token),
      signedInPage(ctx, url, access.token),
    ]);
    for (const p of [a, b]) {
      await p.goto(url + 'labs/day42/');
      await expect.poll(() => p.locator('[data-live]').textContent()).toBe('Live');
    }
    expect(await summary(a)).toMatch(/0\/5 · Next: /);
    // The page knows the lab is started: it says when, instead of "Start the lab".
    await expect(a.locator('[data-start-note]').textContent()).resolves.toMatch(
      /^You started this lab at \d{4}-\d\d-\d\d \d\d:\d\d UTC\.$/,
    );
    await expect(a.locator('.start p').first().textContent()).resolves.toMatch(
      /UTC\. After each step, run lab check day42\./,
    );

    // The terminal: steps 1–2 done, `lab check` in another process. Both tabs follow.
    await solve('create-key', 'configure');
    expect(await terminalCheck()).toMatch(/create-key/);
    for (const p of [a, b]) {
      await expect
        .poll(() => badge(p, 'configure').textContent(), { timeout: scaled(5_000) })
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
      .poll(() => a.locator('[data-live]').textContent(), { timeout: scaled(5_000) })
      .toMatch(/Reconnecting/);
    await serve(port);
    await solve('list-users', 'denied-ec2');
    await terminalCheck();
    for (const p of [a, b]) {
      await expect
        .poll(() => badge(p, 'denied-ec2').textContent(), { timeout: scaled(7_000) })
        .toBe('Passed');
      await expect.poll(() => summary(p)).toMatch(/4\/5 · Next: /);
    }

    // The last step from the page: the check passes and the automatic cleanup runs here.
    await solve('cleanup');
    await a.locator('.lab-step[data-step="cleanup"] .check-btn').click();
    const cleanup = a.locator('[data-cleanup]');
    await expect
      .poll(() => cleanup.locator('.cleanup-head').textContent(), { timeout: scaled(20_000) })
      .toBe('Cleanup ran: nothing the lab created remains.');
    const plan = await cleanup.locator('pre').first().textContent();
    expect(plan).toMatch(
      /Cleanup plan for day42 \(run \d+, started \d{4}-\d\d-\d\d \d\d:\d\d UTC\)/,
    );
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

  it('on a real AWS account, cleans up from the page only with the code printed in the lab serve terminal', async () => {
    // The same engine and rules as the terminal, with the target seen as AWS (the sandbox
    // stands in for the account: there is no AWS account here).
    const started = await startLab({ lab: 'day42', target, home: sandbox.home, env });
    const store = openStore(sandbox.home);
    const run = currentRun(store, 'day42', target.kind, target.accountId)!;
    store.close();
    expect(run.id).toBe(started.run.id);
    const def = await loadDefinition('day42', { labsDir: labsRoot(), env });
    const aws = { ...target, kind: 'aws' as const };
    const printed: string[] = []; // what `lab serve` prints in its own terminal
    const codes = cleanupCodes({ say: (l) => printed.push(l) });
    const base = { run, target: aws, def, home: sandbox.home, env, codes };
    const asked = await cleanupFromPage(base);
    expect(asked).toMatchObject({ state: 'confirm', done: [] });
    expect(asked.plan.join('\n')).toMatch(/Cleanup plan for day42[\s\S]*iam-admin/);
    const code = /type this code on the page: (\w{4}-\w{4})/.exec(printed.join('\n'))![1];
    // The answer to the page never holds the code: a caller that only talks to the API
    // cannot learn it. The account id it could learn (plans and ARNs carry it) confirms nothing.
    expect(JSON.stringify(asked)).not.toContain(code);
    expect(JSON.stringify(asked)).not.toContain(code.replace('-', ''));
    for (const guess of [run.accountId, ` ${run.accountId} `, '000000000000']) {
      const wrong = await cleanupFromPage({ ...base, confirm: guess });
      expect(wrong).toMatchObject({
        state: 'confirm',
        message: expect.stringMatching(/nothing was changed/),
      });
    }
    // The code printed before those guesses is void now (one try per code).
    const stale = await cleanupFromPage({ ...base, confirm: code });
    expect(stale.state).toBe('confirm');
    // Nothing was deleted before the right code was typed.
    await adminClients(sandbox).iam.send(new GetUserCommand({ UserName: 'iam-admin' }));
    const fresh = /type this code on the page: (\w{4}-\w{4})/.exec(printed.at(-1)!)![1];
    const done = await cleanupFromPage({ ...base, confirm: ` ${fresh.toLowerCase()} ` });
    expect(done.state).toBe('done');
    await expect(
      adminClients(sandbox).iam.send(new GetUserCommand({ UserName: 'iam-admin' })),
    ).rejects.toMatchObject({ name: expect.stringMatching(/^NoSuchEntity/) });
  });

  it('has no serious or critical axe findings on any page, light or dark', async () => {
    const page = await signedInPage(browser, url, access.token);
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
      // Every page wide; the phone layout on the two pages with the most to fit.
      for (const [width, list] of [
        [1280, pages],
        [390, ['labs/day42/', 'console/iam/user/?name=sandbox-admin#security-credentials']],
      ] as const) {
        await page.setViewportSize({ width, height: 900 });
        for (const path of list) {
          await page.goto(url + path);
          // A lab page keeps its progress stream open, so the network is never idle there.
          if (path.startsWith('labs/')) {
            await expect.poll(() => page.locator('[data-live]').textContent()).toBe('Live');
          } else await page.waitForLoadState('networkidle');
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
      const br = await fetch(url + 'labs/day42/', { headers: { 'accept-encoding': 'gzip, br' } });
      expect(br.headers.get('content-encoding')).toBe('br');
      expect(await br.text()).toContain('<h1>'); // fetch decodes it: the page is intact
    } finally {
      await page.close();
    }
  });

  it('with the sandbox stopped, the console answers 503 naming `lab start`', async () => {
    // A lab in progress (iam-groups), checked from the keyboard: focus stays on the button
    // (a disabled button dropped it to the page body), before and after the sandbox stops.
    await startLab({ lab: 'iam-groups', target, home: sandbox.home, env });
    const lab = await signedInPage(browser, url, access.token);
    await lab.goto(url + 'labs/iam-groups/');
    await expect.poll(() => lab.locator('[data-live]').textContent()).toBe('Live');
    const step = lab.locator('.lab-step[data-step="create-group"]');
    const button = step.locator('.check-btn');
    const focused = () => lab.evaluate(() => document.activeElement?.className ?? '');
    await button.focus();
    await lab.keyboard.press('Enter');
    await expect
      .poll(() => step.locator('.verdict').getAttribute('data-status'), { timeout: scaled(10_000) })
      .toMatch(/^(failed|not-tried)$/);
    expect(await focused()).toContain('check-btn');
    await stopSandbox({ home: sandbox.home }); // `lab sandbox stop`: the lab home stays
    await lab.keyboard.press('Enter');
    await expect
      .poll(() => step.locator('.verdict').getAttribute('data-status'), { timeout: scaled(10_000) })
      .toBe('error');
    const said = step.locator('.verdict');
    await expect(said.textContent()).resolves.toMatch(/could not run[\s\S]*lab sandbox start/);
    // The command reads as code, not as Markdown backticks.
    await expect(said.textContent()).resolves.not.toContain('`');
    await expect(said.locator('code').allTextContents()).resolves.toContain('lab sandbox start');
    expect(await focused()).toContain('check-btn');
    await lab.close();

    const page = await signedInPage(browser, url, access.token);
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
      const alert = page.locator('[role=alert], .error').first();
      await expect.poll(() => alert.textContent()).toMatch(/lab start/);
      await expect(alert.textContent()).resolves.not.toContain('`');
      // A user's page says the same and offers nothing that cannot work (it kept its tabs
      // and an enabled "Create access key" under the error).
      await page.goto(url + 'console/iam/user/?name=sandbox-admin#security-credentials');
      await expect
        .poll(() => page.locator('[role=alert]').first().textContent())
        .toMatch(/lab start/);
      await expect(page.getByRole('link', { name: 'Create access key' }).count()).resolves.toBe(0);
      await expect(page.getByRole('tab').count()).resolves.toBe(0);
      expect(errors).toEqual([]); // no stack trace in the server's terminal
    } finally {
      console.error = origError;
      await page.close();
    }
  });
});
