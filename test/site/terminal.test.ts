// A learner does day42 from the lab page alone: the terminal beside the steps (xterm.js
// and `lab shell` in a real pseudo-terminal over a WebSocket), commands put there with
// "To terminal", the secret read off the screen and typed into `aws configure` as a person
// does, the checks and the automatic cleanup from the page. The terminal answers only this
// origin with the per-start token: without it the page says how to get it, and a
// WebSocket from another origin is refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Server } from 'node:http';
import type { Browser, Page } from 'playwright-core';
import WebSocket from 'ws';
import { GetUserCommand } from '@aws-sdk/client-iam';
import {
  createSiteServer,
  embeddedTerminal,
  listen,
  type Terminal,
} from '../../runner/serve/index.ts';
import { learnerServices, type LearnerServices } from '../../runner/serve/learner.ts';
import { resolveTarget, type Target } from '../../runner/target/index.ts';
import { startLab } from '../../runner/check/index.ts';
import { labsRoot } from '../../runner/lab/paths.ts';
import { adminClients, startTestSandbox, type TestSandbox } from '../helpers/sandbox.ts';
import { buildOnce, launchBrowser, removeTemp, screenshot } from './helpers.ts';

let sandbox: TestSandbox;
let target: Target;
let services: LearnerServices;
let terminal: Terminal;
let server: Server;
let url: string;
let browser: Browser;

beforeAll(async () => {
  let out: string;
  [sandbox, out, browser] = await Promise.all([startTestSandbox(), buildOnce(), launchBrowser()]);
  const env = { ...process.env, ...sandbox.env, LAB_TARGET: 'sandbox', SHELL: '/bin/bash' };
  target = await resolveTarget({ home: sandbox.home, env });
  await startLab({ lab: 'day42', target, home: sandbox.home, env }); // as `lab start day42`
  services = learnerServices({ home: sandbox.home, labsDir: labsRoot(), env });
  terminal = embeddedTerminal({ listenHost: '127.0.0.1', home: sandbox.home, env })!;
  server = createSiteServer({
    distDir: out,
    host: '127.0.0.1',
    labs: services.labs,
    console: services.console,
    terminal,
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
    .poll(() => page.locator(`#badge-${step}`).textContent(), { timeout: 30_000 })
    .toBe('Passed');
}

describe('the terminal beside the steps', () => {
  it('is refused to another origin and to a page without the start token', async () => {
    const ws = new WebSocket(url.replace('http', 'ws') + 'terminal/ws', {
      headers: { origin: 'http://evil.example' },
    });
    const status = await new Promise<number>((resolve) => {
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode!));
      ws.on('open', () => resolve(101));
    });
    expect(status).toBe(403);
    const page = await browser.newPage();
    await page.goto(url + 'labs/day42/');
    await expect.poll(() => page.locator('[data-term-open]').isDisabled()).toBe(true);
    await expect.poll(() => page.locator('[data-term-note]').textContent()).toMatch(/\?token=/);
    await page.close();
  });

  it('walks day42 from the page alone: terminal, checks, cleanup', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${url}labs/day42/?token=${terminal.token}`);
    expect(page.url()).toBe(url + 'labs/day42/'); // the token left the address bar
    await page.getByRole('button', { name: 'Open a terminal here' }).click();
    await waitScreen(page, /\(sandbox\)/);

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
      .poll(() => page.locator('[data-cleanup] .cleanup-head').textContent(), { timeout: 60_000 })
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
});
