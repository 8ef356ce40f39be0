// Another local user against the learner's `lab serve` (issue 16). Every loopback port is
// open to every user of the machine, and the browser sends a 127.0.0.1 cookie to every port
// of 127.0.0.1. So the other user runs a server of their own on 127.0.0.1 and collects all
// the learner's Chromium sends it: when the learner types its address, follows a link from
// the lab page, or when some web page's script navigates there. Then, from a plain program
// (no browser), holding every cookie it collected, with any Origin and Host (none, forged,
// the lab serve one), it tries the terminal and the API. It must get no shell and no answer,
// while the learner's own page — opened from the address `lab serve` printed — keeps working
// in Chromium: typed into, its terminal answers.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ListAccessKeysCommand } from '@aws-sdk/client-iam';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, TERMINAL_PATH } from '../../runner/serve/index.ts';
import { resolveTarget } from '../../runner/target/index.ts';
import { startLab } from '../../runner/check/index.ts';
import { adminClients, startTestSandbox, type TestSandbox } from '../helpers/sandbox.ts';
import { buildOnce, launchBrowser, removeTemp } from '../site/helpers.ts';
import { rawRequest } from './raw-http.ts';
import { scaled } from '../helpers/timeouts.ts';

let sandbox: TestSandbox;
let browser: Browser;
let ctx: BrowserContext;
let labServe: ChildProcess;
/** Everything `lab serve` printed in its terminal. */
let stdout = '';
/** The address `lab serve` printed, as the learner copies it. */
let printed: string;
let origin: string;
let port: number;
/** The other user's server on 127.0.0.1: every request it got. */
let collector: Server;
let collectorUrl: string;
const collected: { url: string; cookie?: string; referer?: string }[] = [];
/** A page on another site whose script sends the browser to the collector. */
let foreign: Server;
let foreignUrl: string;

const listenLocal = (s: Server) =>
  new Promise<string>((r) =>
    s.listen(0, '127.0.0.1', () => r(`http://127.0.0.1:${(s.address() as AddressInfo).port}`)),
  );

beforeAll(async () => {
  let out: string;
  [sandbox, out, browser] = await Promise.all([startTestSandbox(), buildOnce(), launchBrowser()]);
  const env = { ...process.env, ...sandbox.env, LAB_TARGET: 'sandbox' };
  const target = await resolveTarget({ home: sandbox.home, env });
  await startLab({ lab: 'day42', target, home: sandbox.home, env }); // as `lab start day42`
  target.close();
  // The learner's `lab serve`, as they start it (the real CLI, the real `lab shell`).
  labServe = spawn(
    process.execPath,
    [join(PROJECT_ROOT, 'bin', 'lab.mjs'), 'serve', '--port', '0', '--out', out],
    {
      env: { ...process.env, ...sandbox.env, NO_COLOR: '1', SHELL: '/bin/bash' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  printed = await new Promise<string>((resolve, reject) => {
    labServe.stdout!.on('data', (d) => {
      stdout += d;
      const m = /Lab site: (\S+[?#]token=[\w-]+)/.exec(stdout);
      if (m && stdout.includes('Press Ctrl+C')) resolve(m[1]);
    });
    labServe.on('exit', (code) => reject(new Error(`lab serve exited ${code}: ${stdout}`)));
  });
  const u = new URL(printed);
  origin = u.origin;
  port = Number(u.port);

  collector = createServer((req: IncomingMessage, res) => {
    collected.push({ url: req.url!, cookie: req.headers.cookie, referer: req.headers.referer });
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<!doctype html><title>not the lab</title><p>hello');
  });
  collectorUrl = await listenLocal(collector);
  foreign = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    // No click: the page's script navigates the tab to the other user's server.
    res.end(
      `<!doctype html><title>a page</title><script>location = ${JSON.stringify(
        collectorUrl + '/from-a-script',
      )}</script>`,
    );
  });
  foreignUrl = (await listenLocal(foreign)).replace('127.0.0.1', 'localhost');
  ctx = await browser.newContext();
});

afterAll(async () => {
  await browser?.close();
  labServe?.kill('SIGTERM');
  collector?.close();
  foreign?.close();
  await sandbox?.stop();
  removeTemp();
});

/** The learner opens the printed address and the lab page, as they would. */
async function learnerPage(): Promise<Page> {
  const page = await ctx.newPage();
  await page.goto(printed);
  await page.goto(`${origin}/labs/day42/`);
  return page;
}

/** A WebSocket upgrade from a plain program: 'open', or the HTTP status it was refused with. */
function tryShell(o: {
  host?: string;
  origin?: string;
  cookie?: string;
  protocols?: string[];
}): Promise<string> {
  return new Promise((resolve) => {
    const headers: Record<string, string> = {};
    if (o.host) headers.host = o.host;
    if (o.origin) headers.origin = o.origin;
    if (o.cookie) headers.cookie = o.cookie;
    const ws = new WebSocket(`ws://127.0.0.1:${port}${TERMINAL_PATH}`, o.protocols ?? [], {
      headers,
    });
    ws.on('open', () => {
      ws.send('id -un > /dev/null\r');
      ws.close();
      resolve('open');
    });
    ws.on('unexpected-response', (_req, res) => resolve(String(res.statusCode)));
    ws.on('error', (e) => resolve(`error ${e.message}`));
  });
}

async function adminKeys() {
  const r = await adminClients(sandbox).iam.send(
    new ListAccessKeysCommand({ UserName: 'sandbox-admin' }),
  );
  return r.AccessKeyMetadata!.map((k) => k.AccessKeyId).sort();
}

describe('another local user', () => {
  it("collects every cookie the learner's browser sends to 127.0.0.1, and gets no shell and no API answer with them", async () => {
    const page = await learnerPage();
    await expect.poll(() => page.locator('[data-live]').textContent()).toBe('Live');

    // 1. The learner types the other server's address in the same browser.
    const typed = await ctx.newPage();
    await typed.goto(`${collectorUrl}/typed`);
    // 2. A link on the lab page (the learner clicks it).
    await page.evaluate((href) => {
      const a = document.createElement('a');
      a.href = href;
      a.textContent = 'a link in the lab';
      a.id = 'outbound';
      document.querySelector('main')!.append(a);
    }, `${collectorUrl}/linked`);
    await Promise.all([page.waitForURL(`${collectorUrl}/linked`), page.click('#outbound')]);
    // 3. A web page's script sends the tab there, no click.
    const other = await ctx.newPage();
    await other.goto(foreignUrl);
    await other.waitForURL(`${collectorUrl}/from-a-script`);
    for (const path of ['/typed', '/linked', '/from-a-script']) {
      expect(collected.map((c) => c.url)).toContain(path);
    }
    const token = new URL(printed).hash.slice('#token='.length) || '(none)';
    const cookies = collected.map((c) => c.cookie).filter((c): c is string => !!c);
    const jar = [...new Set(cookies.flatMap((c) => c.split(/;\s*/)))].join('; ');
    // Nothing the other server received carries the token (cookie, address or Referer).
    expect(JSON.stringify(collected)).not.toContain(token);

    // Now a plain program with all of it, every Origin and Host it could send.
    const hosts = [undefined, `127.0.0.1:${port}`, `localhost:${port}`, `evil.test:${port}`];
    const origins = [undefined, origin, 'http://evil.test', 'null'];
    const cookieValues = jar ? jar.split('; ').map((c) => c.split('=').slice(1).join('=')) : [];
    const protocolSets = [
      [],
      ['labrunner.terminal'],
      ...cookieValues.map((v) => ['labrunner.terminal', `lab-token.${v}`]),
    ];
    for (const host of hosts) {
      for (const o of origins) {
        for (const protocols of protocolSets) {
          const got = await tryShell({ host, origin: o, cookie: jar || undefined, protocols });
          expect(got, `host ${host} origin ${o} protocols ${protocols}`).toMatch(/^40[13]$/);
        }
      }
    }

    const keys = await adminKeys();
    const requests: { method: string; target: string; body?: string }[] = [
      { method: 'GET', target: '/api/info' },
      { method: 'GET', target: '/api/console/users' },
      { method: 'GET', target: '/api/labs/day42/progress' },
      {
        method: 'POST',
        target: '/api/console/users/sandbox-admin/keys',
        body: '{"acknowledge":true}',
      },
      { method: 'POST', target: '/api/labs/day42/check', body: '{}' },
      { method: 'POST', target: '/api/labs/day42/cleanup', body: '{}' },
      { method: 'POST', target: '/api/session/signout', body: '{}' },
    ];
    for (const host of hosts) {
      for (const o of origins) {
        for (const r of requests) {
          const headers: Record<string, string> = { 'content-type': 'application/json' };
          if (o) headers.origin = o;
          if (jar) headers.cookie = jar;
          if (cookieValues.length) headers['x-lab-token'] = cookieValues[0];
          const answer = await rawRequest(origin, { ...r, host: host ?? '', headers });
          expect(answer.status, `${r.method} ${r.target} host ${host} origin ${o}`).toBeOneOf([
            400, 401, 403,
          ]);
          expect(answer.body).not.toMatch(/secretAccessKey|sandbox-admin|"steps"/);
        }
      }
    }
    expect(await adminKeys()).toEqual(keys); // no key was made

    // The learner's own page still works: open the terminal, type, see the answer.
    const mine = await learnerPage();
    await expect.poll(() => mine.locator('[data-live]').textContent()).toBe('Live');
    await mine.getByRole('button', { name: 'Open a terminal here' }).click();
    await expect
      .poll(() => mine.locator('.xterm-rows').innerText(), { timeout: scaled(20_000) })
      .toMatch(/\(sandbox\)/);
    await mine.locator('.xterm').click();
    await mine.keyboard.type('echo "answer=$((40 + 2))"\n');
    await expect
      .poll(() => mine.locator('.xterm-rows').innerText(), { timeout: scaled(10_000) })
      .toMatch(/answer=42/);
    // …and its API: "Check my progress" gets a verdict.
    await mine.locator('.lab-step[data-step="create-key"] .check-btn').click();
    await expect
      .poll(() => mine.locator('#badge-create-key').textContent(), { timeout: scaled(20_000) })
      .toMatch(/^(Failed|Not tried yet)$/); // no key yet: the verdict, not an error
  });

  it('gets nothing from the API without the token, with or without Origin, and the token opens it', async () => {
    const token = new URL(printed).hash.slice('#token='.length);
    for (const o of [undefined, origin, 'http://evil.test']) {
      const headers: Record<string, string> = o ? { origin: o } : {};
      const info = await rawRequest(origin, { target: '/api/info', headers });
      expect(info.status).toBe(401);
      expect(JSON.parse(info.body)).toMatchObject({ code: 'signed_out' });
      const post = await rawRequest(origin, {
        method: 'POST',
        target: '/api/console/users/sandbox-admin/keys',
        headers: { ...headers, 'content-type': 'application/json' },
        body: '{"acknowledge":true}',
      });
      expect(post.status).toBeOneOf([401, 403]);
    }
    // The learner's own script (with the token from the 0600 file): answered.
    const ok = await rawRequest(origin, { target: '/api/info', headers: { 'x-lab-token': token } });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toMatchObject({ served: true, terminal: 'ready' });
  });

  it('is shut out by "Sign out": every tab and terminal of the old address, until the new one is opened', async () => {
    const a = await learnerPage();
    const b = await learnerPage(); // another tab of the same address
    await expect.poll(() => b.locator('[data-live]').textContent()).toBe('Live');
    await a.getByRole('button', { name: 'Sign out' }).click();
    await expect
      .poll(() => a.locator('[data-session-note]').textContent())
      .toMatch(/^Signed out: this address no longer works in any tab/);
    // lab serve printed a new address in its own terminal; the old one opens nothing now.
    await expect.poll(() => stdout, { timeout: scaled(4_000) }).toMatch(/New address: \S+#token=/);
    const fresh = /New address: (\S+#token=[\w-]+)/.exec(stdout)![1];
    const old = new URL(printed).hash.slice('#token='.length);
    const info = await rawRequest(origin, { target: '/api/info', headers: { 'x-lab-token': old } });
    expect(info.status).toBe(401);
    // The other tab learns it on its next call: its live view says it is signed out.
    await b.reload();
    await expect
      .poll(() => b.locator('[data-session-note]').textContent())
      .toMatch(/Not signed in to lab serve/);
    // The new address works.
    printed = fresh;
    const c = await learnerPage();
    await expect.poll(() => c.locator('[data-live]').textContent()).toBe('Live');
  });
});
