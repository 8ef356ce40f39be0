// The day42 page served by `lab serve`, in real Chromium against a real sandbox (one sandbox,
// one build, one browser for the file).
//
// The page's smaller promises: a failed step's "Expected" line stays after the live event
// that follows the check; with every step passed and no cleanup run the banner says what is
// true and offers "Clean up now"; no page scrolls sideways at 390 px; an unknown address is an
// HTML page (an API route: JSON); the terminal's messages show commands as code, not backticks.
//
// A shell that outlives the page: the learner creates an access key in the day42 page's terminal, goes
// to the sandbox console and back, reloads, opens a second tab — and every time it is the
// same shell (same `$$`, an exported variable still set, the key's secret still on the
// screen). The page says a new shell from a shell it is back in, how long a detached shell
// waits, and when and why a shell ended (an exit with its status, `lab serve` stopping), and
// offers a new one. "To terminal" offers only the commands of the target in use.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, spawn } from 'node:child_process';
import type { Server } from 'node:http';
import { promisify } from 'node:util';
import { $ as zx$ } from 'zx';
import { GetUserCommand } from '@aws-sdk/client-iam';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  createSiteServer,
  embeddedTerminal,
  serveAccess,
  listen,
  type Terminal,
} from '../../runner/serve/index.ts';
import { learnerServices, type LearnerServices } from '../../runner/serve/learner.ts';
import { resolveTarget, type Target } from '../../runner/target/index.ts';
import { startLab } from '../../runner/check/index.ts';
import { labsRoot } from '../../runner/lab/paths.ts';
import { adminClients, startTestSandbox, type TestSandbox } from '../helpers/sandbox.ts';
import { buildOnce, launchBrowser, removeTemp, screenshot } from './helpers.ts';
import { axeBothSchemes } from './axe.ts';
import { ROOT } from '../class/helpers.ts';
import { scaled } from '../helpers/timeouts.ts';

let sandbox: TestSandbox;
let target: Target;
let services: LearnerServices;
let server: Server;
let url: string;
let browser: Browser;
let terminal: Terminal;
const access = serveAccess();
let env: NodeJS.ProcessEnv;
let out: string;

beforeAll(async () => {
  [sandbox, out, browser] = await Promise.all([startTestSandbox(), buildOnce(), launchBrowser()]);
  env = { ...process.env, ...sandbox.env, LAB_TARGET: 'sandbox', SHELL: '/bin/bash' };
  target = await resolveTarget({ home: sandbox.home, env });
  services = learnerServices({ home: sandbox.home, labsDir: labsRoot(), env });
  terminal = embeddedTerminal({ listenHost: '127.0.0.1', home: sandbox.home, env, access })!;
  server = createSiteServer({
    distDir: out,
    host: '127.0.0.1',
    labs: services.labs,
    console: services.console,
    terminal,
    access,
  });
  url = await listen(server, 0, '127.0.0.1');
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

const screen = (page: Page) => page.locator('.xterm-rows').innerText();
async function waitScreen(page: Page, re: RegExp, timeout = 30_000): Promise<RegExpMatchArray> {
  await expect.poll(() => screen(page), { timeout }).toMatch(re);
  return (await screen(page)).match(re)!;
}
const status = (page: Page) => page.locator('[data-term-status]').textContent();
/** Type a line into the page's terminal (it has the focus once the dock is open). */
async function typeLine(page: Page, line: string) {
  await page.locator('.xterm').click();
  await page.keyboard.type(line + '\n');
}
/** `$$` and the exported variable, read off the screen after a marker unique to this call. */
let asked = 0;
async function shellId(page: Page): Promise<string> {
  const n = ++asked;
  await typeLine(page, `echo "seen${n}=$$:$LAB_MARK"`);
  const [, id] = await waitScreen(page, new RegExp(`seen${n}=(\\d+:\\S*)`));
  return id;
}
const lab = (p = '') => `${url}labs/day42/${p}`;
const startDay42 = () => startLab({ lab: 'day42', target, home: sandbox.home, env }); // `lab start day42`

describe('the day42 page, served', () => {
  it('keeps the Expected line, tells the truth when cleanup has not run, and cleans up now', async () => {
    await startDay42();
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(lab(`#token=${access.token}`));
    await expect
      .poll(() => page.locator('[data-live]').textContent(), { timeout: scaled(7_000) })
      .toBe('Live');
    // Checked before it is done: the verdict says what was expected, and still does once the
    // live event that follows the check has drawn the step again (a reload draws it from
    // that event alone).
    const verdict = page.locator('.lab-step[data-step="create-key"] .verdict');
    await page.locator('.lab-step[data-step="create-key"] .check-btn').click();
    await expect
      .poll(() => verdict.getAttribute('data-status'), { timeout: scaled(10_000) })
      .toMatch(/^(failed|not-tried)$/);
    const expected = () => verdict.locator('dt:text-is("Expected") + dd').textContent();
    await expect.poll(expected, { timeout: scaled(7_000) }).toMatch(/access key for iam-admin/);
    await page.reload();
    await expect
      .poll(() => page.locator('[data-live]').textContent(), { timeout: scaled(7_000) })
      .toBe('Live');
    await expect.poll(expected, { timeout: scaled(7_000) }).toMatch(/access key for iam-admin/);

    // Every step done in a terminal and checked there with --no-cleanup: all passed, nothing
    // cleaned. The learner deleted the key themselves (the last step), so the banner must not
    // say everything is still there; it offers the cleanup.
    const { steps } = await import(`${ROOT}labs/day42/solve.mjs`);
    const $ = zx$({ env: sandbox.env, quiet: true, verbose: false });
    const state = {};
    for (const id of ['create-key', 'configure', 'list-users', 'denied-ec2', 'cleanup']) {
      await steps[id]({ $, env: sandbox.env, state });
    }
    const checked = await promisify(execFile)(
      process.execPath,
      [`${ROOT}bin/lab.mjs`, 'check', 'day42', '--no-cleanup'],
      { env: { ...sandbox.env, NO_COLOR: '1' } },
    );
    expect(checked.stdout).toMatch(/5\/5/);
    const banner = page.locator('[data-complete]');
    await expect.poll(() => banner.isVisible(), { timeout: scaled(5_000) }).toBe(true);
    const said = banner.locator('[data-cleanup-state]');
    await expect(said.textContent()).resolves.toBe(
      'Cleanup has not run yet: what lab start set up, and anything you created and did not delete, is still in the account.',
    );
    await expect(said.locator('code').textContent()).resolves.toBe('lab start');
    await banner.getByRole('button', { name: 'Clean up now' }).click();
    await expect
      .poll(() => page.locator('[data-cleanup] .cleanup-head').textContent(), {
        timeout: scaled(20_000),
      })
      .toBe('Cleanup ran: nothing the lab created remains.');
    await expect.poll(() => said.textContent(), { timeout: scaled(7_000) }).toMatch(/^Cleanup ran/);
    await expect(banner.getByRole('button', { name: 'Clean up now' }).isVisible()).resolves.toBe(
      false,
    );
    await expect(
      adminClients(sandbox).iam.send(new GetUserCommand({ UserName: 'iam-admin' })),
    ).rejects.toMatchObject({ name: expect.stringMatching(/^NoSuchEntity/) });
    await page.close();
  });

  it('fits a phone, and answers an unknown address with a page', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 800 } });
    // No lab page scrolls sideways at 390 px (day42 did: an ARN in a sentence).
    for (const id of ['day42', 'iam-groups', 'iam-roles', 's3-basics', 'ec2-first-instance']) {
      await page.goto(`${url}labs/${id}/`);
      const wide = await page.evaluate(() => document.documentElement.scrollWidth);
      expect(wide, id).toBeLessThanOrEqual(390);
    }
    // An address the site does not have: an HTML page with the way back, status 404.
    const res = await page.goto(`${url}labs/no-such-lab/`);
    expect(res!.status()).toBe(404);
    expect(res!.headers()['content-type']).toMatch(/^text\/html/);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(
      'Page not found',
    );
    await page.getByRole('link', { name: 'See every lab' }).click();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Labs');
    // An API route stays JSON.
    const api = await fetch(`${url}api/no-such-thing`, {
      headers: { 'x-lab-token': access.token },
    });
    expect(api.status).toBe(404);
    expect(await api.json()).toMatchObject({ code: 'not_found' });
    await page.close();
  });
});

describe('the terminal in the day42 page', () => {
  let ctx: BrowserContext;
  let a: Page;
  let first: string; // "pid:variable" of the shell the key was made in
  let secret: string;

  it('offers only the sandbox form of each command "To terminal", and makes a key there', async () => {
    await startDay42();
    ctx = await browser.newContext({ viewport: { width: 1280, height: 1300 } });
    a = await ctx.newPage();
    await a.goto(lab(`#token=${access.token}`));
    await a.getByRole('button', { name: 'Open a terminal here' }).click();
    await waitScreen(a, /\(sandbox\)/);
    await expect
      .poll(() => status(a), { timeout: scaled(7_000) })
      .toMatch(/^A new shell started at \d\d:\d\d UTC\.$/);

    // On the sandbox target, "To terminal" never puts the AWS form at the prompt: the
    // AWS variant's blocks (`--profile <your-admin-profile>`) get no such button.
    const commands = await a.evaluate(() =>
      [...document.querySelectorAll('.to-term')].map((b) => ({
        command: (b.closest('[data-copy]') as HTMLElement).dataset.copy!,
        variant: b.closest<HTMLElement>('.lab-variant')?.dataset.target ?? 'both',
      })),
    );
    expect(commands.length).toBeGreaterThan(3);
    expect(commands.filter((c) => c.variant === 'aws')).toEqual([]);
    expect(commands.map((c) => c.command).join('\n')).not.toContain('<your-admin-profile>');

    await typeLine(a, 'export LAB_MARK=kept-$((6*7)); clear');
    const toTerm = a
      .locator('.lab-step[data-step="create-key"] .lab-code[data-copy]')
      .filter({ hasText: /create-access-key/ })
      .getByRole('button', { name: 'Put this command in the terminal' });
    await expect(toTerm.count()).resolves.toBe(1); // the sandbox form's, not the AWS one's
    await toTerm.click();
    await a.keyboard.press('Enter');
    [, secret] = await waitScreen(a, /"SecretAccessKey":\s*"([^"]+)"/);
    first = await shellId(a);
    expect(first).toMatch(/^\d+:kept-42$/);
  });

  it('is the same shell after the console and back, a reload, and in a second tab', async () => {
    // To the sandbox console (the key is there), then back.
    await a.goto(`${url}console/iam/user/?name=iam-admin#security-credentials`);
    await expect
      .poll(() => a.locator('main').textContent(), { timeout: scaled(7_000) })
      .toMatch(/AKIA\w+/);
    await a.goBack();
    await waitScreen(a, new RegExp(secret.replace(/[+/]/g, '\\$&'))); // replayed, not retyped
    await expect
      .poll(() => status(a), { timeout: scaled(7_000) })
      .toMatch(/^Back in your shell \(started \d\d:\d\d UTC\)/);
    expect(await shellId(a)).toBe(first);

    // A reload.
    await a.reload();
    await waitScreen(a, new RegExp(secret.replace(/[+/]/g, '\\$&')));
    await expect.poll(() => status(a), { timeout: scaled(7_000) }).toMatch(/^Back in your shell/);
    expect(await shellId(a)).toBe(first);

    // A second tab, while the first is open: both show what either types.
    const b = await ctx.newPage();
    await b.setViewportSize({ width: 900, height: 1300 }); // narrower than tab a
    await b.goto(lab(`#token=${access.token}`));
    await waitScreen(b, new RegExp(secret.replace(/[+/]/g, '\\$&')));
    await expect
      .poll(() => status(b), { timeout: scaled(7_000) })
      .toMatch(/Also open in 1 other page\.$/);
    expect(await shellId(b)).toBe(first);
    await waitScreen(a, new RegExp(`seen${asked}=${first}`)); // tab a saw tab b's command
    await screenshot(b, 'day42-terminal-second-tab');
    // Two sizes, one shell: the tab in use sets the size the shell lays its lines out for.
    const columns = async (p: Page) => {
      const n = ++asked;
      await typeLine(p, `echo "size${n}=$(stty size)"`);
      const [, cols] = await waitScreen(p, new RegExp(`size${n}=\\d+ (\\d+)`));
      return Number(cols);
    };
    const narrow = await columns(b);
    await a.bringToFront(); // the learner goes back to the first tab
    expect(await columns(a)).toBeGreaterThan(narrow);

    // Closing the dock detaches: the page says how long the shell waits, and it is back.
    await b.getByRole('button', { name: 'Close terminal' }).click();
    await b.getByRole('button', { name: 'Close terminal' }).waitFor({ state: 'hidden' });
    await b.close();
    await a.getByRole('button', { name: 'Close terminal' }).click();
    await expect
      .poll(() => a.locator('[data-term-note]').textContent(), { timeout: scaled(7_000) })
      .toMatch(/ends at \d\d:\d\d UTC \(in 30 minutes\)/);
    await expect(a.locator('[data-term-note]').textContent()).resolves.not.toContain('`');
    await a.getByRole('button', { name: 'Open a terminal here' }).click();
    await expect
      .poll(() => status(a), { timeout: scaled(7_000) })
      .toMatch(/No page had it open for less than a minute: it would have ended in 30 minutes\./);
    expect(await shellId(a)).toBe(first);
  });

  it('says when the shell exited, and with what status, and offers a new one', async () => {
    const b = await ctx.newPage();
    await b.goto(lab(`#token=${access.token}`));
    await waitScreen(b, new RegExp(`seen${asked}=`)); // attached (the dock reopened itself)
    await typeLine(b, 'exit 4');
    for (const p of [a, b]) {
      // `lab shell`'s own status: 1 for any failure of the shell in it (exit codes 0/1/2).
      await expect
        .poll(() => status(p), { timeout: scaled(7_000) })
        .toBe('The shell ended: it exited with status 1.');
      await expect(p.getByRole('button', { name: 'Start a new shell' }).isVisible()).resolves.toBe(
        true,
      );
    }
    await b.close();
    // The dock with its status line and button: nothing serious for axe, light or dark.
    expect(await axeBothSchemes(a)).toEqual({ light: [], dark: [] });
    await a.getByRole('button', { name: 'Start a new shell' }).click();
    await expect.poll(() => status(a), { timeout: scaled(7_000) }).toMatch(/^A new shell started/);
    await waitScreen(a, /\(sandbox\)/);
    const fresh = await shellId(a);
    expect(fresh).toMatch(/^\d+:$/); // a new process, and the old variable is gone
    expect(fresh.split(':')[0]).not.toBe(first.split(':')[0]);
  });

  it('says the shell ended when `lab serve` stops', async () => {
    terminal.close();
    await expect
      .poll(() => status(a), { timeout: scaled(7_000) })
      .toMatch(/^The shell ended: lab serve stopped\.$/);
    await expect(a.locator('[data-term-status] code').textContent()).resolves.toBe('lab serve');
    await expect(status(a)).resolves.not.toContain('`'); // a command reads as code
    await ctx.close();
  });

  it('says so when the real `lab serve` stops (SIGTERM) and when it is killed', async () => {
    // `lab serve` as the learner runs it, on the same build and sandbox.
    const start = async () => {
      const child = spawn(
        process.execPath,
        [`${ROOT}bin/lab.mjs`, 'serve', '--port', '0', '--out', out],
        {
          env: { ...sandbox.env, NO_COLOR: '1' },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let said = '';
      const address = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (d) => {
          said += d;
          const m = /Lab site: (http:\/\/\S+#token=[\w-]+)/.exec(said);
          if (m && said.includes('Press Ctrl+C to stop.')) resolve(m[1]);
        });
        child.on('exit', (code) => reject(new Error(`lab serve exited ${code}: ${said}`)));
      });
      const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
      const p = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await p.goto(address.replace('#', 'labs/day42/#'));
      await p.getByRole('button', { name: 'Open a terminal here' }).click();
      await waitScreen(p, /\(sandbox\)/);
      return { child, exited, p };
    };
    const stopped = await start();
    stopped.child.kill('SIGTERM'); // Ctrl+C in its terminal
    await expect
      .poll(() => status(stopped.p), { timeout: scaled(7_000) })
      .toBe('The shell ended: lab serve stopped.');
    expect(await stopped.exited).toBe(0);
    await stopped.p.close();

    const killed = await start();
    killed.child.kill('SIGKILL'); // no word from it at all
    await expect
      .poll(() => status(killed.p), { timeout: scaled(7_000) })
      .toMatch(/^The connection to lab serve was lost \(it stopped or restarted\)/);
    await expect(
      killed.p.getByRole('button', { name: 'Start a new shell' }).isVisible(),
    ).resolves.toBe(true);
    await killed.exited;
    await killed.p.close();
  });

  it('says a shell idled out with no page open, when a page comes back', async () => {
    // Another `lab serve` on the same build and sandbox, with a short idle time.
    const quick = serveAccess();
    const term = embeddedTerminal({
      listenHost: '127.0.0.1',
      home: sandbox.home,
      env,
      access: quick,
      idleMs: 1500,
    })!;
    const s = createSiteServer({
      distDir: out,
      host: '127.0.0.1',
      labs: services.labs,
      terminal: term,
      access: quick,
    });
    const base = await listen(s, 0, '127.0.0.1');
    try {
      const p = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await p.goto(`${base}labs/day42/#token=${quick.token}`);
      await p.getByRole('button', { name: 'Open a terminal here' }).click();
      await waitScreen(p, /\(sandbox\)/);
      await typeLine(p, 'echo "pid=$$"');
      const [, pid] = await waitScreen(p, /pid=(\d+)/);
      await p.getByRole('button', { name: 'Close terminal' }).click();
      await expect
        .poll(() => p.locator('[data-term-note]').textContent(), { timeout: scaled(7_000) })
        .toMatch(/With no page open on it, it ends at \d\d:\d\d UTC \(in less than a minute\)/);
      // Gone once the idle time has passed with no page attached.
      const alive = () => {
        try {
          return process.kill(Number(pid), 0);
        } catch {
          return false;
        }
      };
      await expect.poll(alive, { timeout: scaled(7_000) }).toBe(false);
      await p.getByRole('button', { name: 'Open a terminal here' }).click();
      await expect
        .poll(() => status(p), { timeout: scaled(7_000) })
        .toMatch(
          /^Your last shell ended: it idled out \(no page had it open for less than a minute\)\. A new shell started at \d\d:\d\d UTC\.$/,
        );
      await p.close();
    } finally {
      term.close();
      s.closeAllConnections();
      s.close();
    }
  });
});
