// A shell that outlives the page, in real Chromium against a real sandbox (one sandbox, one
// build, one browser): the learner creates an access key in the day42 page's terminal, goes
// to the sandbox console and back, reloads, opens a second tab — and every time it is the
// same shell (same `$$`, an exported variable still set, the key's secret still on the
// screen). The page says a new shell from a shell it is back in, how long a detached shell
// waits, and when and why a shell ended (an exit with its status, `lab serve` stopping), and
// offers a new one. "To terminal" offers only the commands of the target in use.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Server } from 'node:http';
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
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.ts';
import { buildOnce, launchBrowser, removeTemp, screenshot } from './helpers.ts';

let sandbox: TestSandbox;
let target: Target;
let services: LearnerServices;
let server: Server;
let url: string;
let browser: Browser;
let terminal: Terminal;
const access = serveAccess();

beforeAll(async () => {
  let out: string;
  [sandbox, out, browser] = await Promise.all([startTestSandbox(), buildOnce(), launchBrowser()]);
  const env = { ...process.env, ...sandbox.env, LAB_TARGET: 'sandbox', SHELL: '/bin/bash' };
  target = await resolveTarget({ home: sandbox.home, env });
  await startLab({ lab: 'day42', target, home: sandbox.home, env }); // as `lab start day42`
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

describe('the terminal in the day42 page', () => {
  let ctx: BrowserContext;
  let a: Page;
  let first: string; // "pid:variable" of the shell the key was made in
  let secret: string;

  it('offers only the sandbox form of each command "To terminal", and makes a key there', async () => {
    ctx = await browser.newContext({ viewport: { width: 1280, height: 1300 } });
    a = await ctx.newPage();
    await a.goto(lab(`#token=${access.token}`));
    await a.getByRole('button', { name: 'Open a terminal here' }).click();
    await waitScreen(a, /\(sandbox\)/);
    await expect.poll(() => status(a)).toMatch(/^A new shell started at \d\d:\d\d UTC\.$/);

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
    await expect.poll(() => a.locator('main').textContent()).toMatch(/AKIA\w+/);
    await a.goBack();
    await waitScreen(a, new RegExp(secret.replace(/[+/]/g, '\\$&'))); // replayed, not retyped
    await expect.poll(() => status(a)).toMatch(/^Back in your shell \(started \d\d:\d\d UTC\)/);
    expect(await shellId(a)).toBe(first);

    // A reload.
    await a.reload();
    await waitScreen(a, new RegExp(secret.replace(/[+/]/g, '\\$&')));
    await expect.poll(() => status(a)).toMatch(/^Back in your shell/);
    expect(await shellId(a)).toBe(first);

    // A second tab, while the first is open: both show what either types.
    const b = await ctx.newPage();
    await b.goto(lab(`#token=${access.token}`));
    await waitScreen(b, new RegExp(secret.replace(/[+/]/g, '\\$&')));
    await expect.poll(() => status(b)).toMatch(/Also open in 1 other page\.$/);
    expect(await shellId(b)).toBe(first);
    await waitScreen(a, new RegExp(`seen${asked}=${first}`)); // tab a saw tab b's command
    await screenshot(b, 'day42-terminal-second-tab');

    // Closing the dock detaches: the page says how long the shell waits, and it is back.
    await b.getByRole('button', { name: 'Close terminal' }).click();
    await b.getByRole('button', { name: 'Close terminal' }).waitFor({ state: 'hidden' });
    await b.close();
    await a.getByRole('button', { name: 'Close terminal' }).click();
    await expect
      .poll(() => a.locator('[data-term-note]').textContent())
      .toMatch(/ends at \d\d:\d\d UTC \(in 30 minutes\)/);
    await expect(a.locator('[data-term-note]').textContent()).resolves.not.toContain('`');
    await a.getByRole('button', { name: 'Open a terminal here' }).click();
    await expect
      .poll(() => status(a))
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
        .poll(() => status(p), { timeout: 20_000 })
        .toBe('The shell ended: it exited with status 1.');
      await expect(p.getByRole('button', { name: 'Start a new shell' }).isVisible()).resolves.toBe(
        true,
      );
    }
    await b.close();
    await a.getByRole('button', { name: 'Start a new shell' }).click();
    await expect.poll(() => status(a), { timeout: 20_000 }).toMatch(/^A new shell started/);
    await waitScreen(a, /\(sandbox\)/);
    const fresh = await shellId(a);
    expect(fresh).toMatch(/^\d+:$/); // a new process, and the old variable is gone
    expect(fresh.split(':')[0]).not.toBe(first.split(':')[0]);
  });

  it('says the shell ended when `lab serve` stops', async () => {
    terminal.close();
    await expect
      .poll(() => status(a), { timeout: 20_000 })
      .toMatch(/^The shell ended: lab serve stopped\.$/);
    await expect(a.locator('[data-term-status] code').textContent()).resolves.toBe('lab serve');
    await ctx.close();
  });
});
