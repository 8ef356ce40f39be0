// A web page on another origin, in a real Chromium, attacks every loopback server a learner
// or an instructor runs: the sandbox gateway, the engine's own port, `lab serve` (with the
// sandbox console and the check/cleanup API) and the class server. It tries what a page can:
// CORS fetches (to read), no-cors fetches and form posts (to change state blind), <img> and
// <script> loads, and DNS rebinding (a name of the attacker's that resolves to 127.0.0.1,
// here by Chromium's --host-resolver-rules). Nothing may be read, nothing may change, no
// check or cleanup may run.
import { createServer, type Server } from 'node:http';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListAccessKeysCommand, ListUsersCommand, CreateUserCommand } from '@aws-sdk/client-iam';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { layout } from '../../sandbox/lifecycle/layout.ts';
import { readRun } from '../../sandbox/lifecycle/state.ts';
import { startClassServer, type RunningClassServer } from '../../runner/class/server.ts';
import {
  createSiteServer,
  embeddedTerminal,
  listen,
  serveAccess,
  TERMINAL_PATH,
  type Terminal,
} from '../../runner/serve/index.ts';
import { learnerServices, type LearnerServices } from '../../runner/serve/learner.ts';
import { labsRoot } from '../../runner/lab/paths.ts';
import { adminClients, startTestSandbox, type TestSandbox } from '../helpers/sandbox.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { scaled } from '../helpers/timeouts.ts';

let sb: TestSandbox;
let services: LearnerServices;
let site: Server;
let terminal: Terminal;
const access = serveAccess();
/** The terminal's shell touches this file when it starts: a command ran. */
let marker: string;
let siteUrl: string;
let cls: RunningClassServer;
let classInfo: { classId: string; joinCode: string; instructorToken: string };
let evil: Server;
let evilUrl: string;
let browser: Browser;
let page: Page;
let engineUrl: string;
let empty: string;
const statuses: { url: string; status: number; method: string }[] = [];

beforeAll(async () => {
  sb = await startTestSandbox();
  engineUrl = `http://127.0.0.1:${readRun(layout(sb.home)).engine!.port}`;
  await adminClients(sb).iam.send(new CreateUserCommand({ UserName: 'canary' }));
  empty = mkdtempSync(join(tmpdir(), 'lab-xo-dist-'));
  services = learnerServices({
    home: sb.home,
    labsDir: labsRoot(),
    env: { ...process.env, ...sb.env, LAB_TARGET: 'sandbox' },
  });
  marker = join(empty, 'a-shell-ran');
  terminal = embeddedTerminal({
    listenHost: '127.0.0.1',
    home: sb.home,
    access,
    command: { file: '/bin/sh', args: ['-c', `touch '${marker}'; sleep 30`] },
  })!;
  site = createSiteServer({
    distDir: empty,
    host: '127.0.0.1',
    labs: services.labs,
    console: services.console,
    terminal,
    access,
  });
  siteUrl = (await listen(site, 0, '127.0.0.1')).replace(/\/$/, '');
  cls = await startClassServer({ home: mkdtempSync(join(tmpdir(), 'lab-xo-class-')) });
  classInfo = await cls.store.createClass('Cross-origin');
  await cls.store.join(classInfo.joinCode, 'Lee', undefined);
  evil = createServer((_, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<!doctype html><title>a page the learner happens to open</title><body></body>');
  });
  await new Promise<void>((r) => evil.listen(0, '127.0.0.1', r));
  evilUrl = `http://127.0.0.1:${(evil.address() as AddressInfo).port}`;
  browser = await launchBrowser([
    // DNS rebinding, without DNS: the attacker's names resolve to 127.0.0.1.
    '--host-resolver-rules=MAP evil.test 127.0.0.1, MAP rebind.evil.test 127.0.0.1',
  ]);
  page = await (await browser.newContext()).newPage();
  page.on('response', (r) =>
    statuses.push({ url: r.url(), status: r.status(), method: r.request().method() }),
  );
  await page.goto(evilUrl);
});

afterAll(async () => {
  await browser?.close();
  evil?.close();
  terminal?.close();
  site?.closeAllConnections();
  site?.close();
  services?.close();
  await cls?.close();
  await sb?.stop();
  if (empty) rmSync(empty, { recursive: true, force: true });
});

/** What the page passes to fetch (serialisable into the page). */
interface Init {
  method?: string;
  mode?: 'cors' | 'no-cors';
  headers?: Record<string, string>;
  body?: string;
}

/** From the hostile page: try to read (CORS), or fire blind (no-cors). Returns what it got. */
function attempt(url: string, init: Init = {}): Promise<string> {
  return page.evaluate(
    async ([u, i]) => {
      try {
        const r = await fetch(u, { ...i, credentials: 'include' });
        if (r.type === 'opaque') return 'opaque';
        return `READ ${r.status} ${(await r.text()).slice(0, 300)}`;
      } catch {
        return 'blocked';
      }
    },
    [url, init] as const,
  );
}

/** A cross-site form post into a hidden frame (the classic CSRF); resolves once it loaded. */
function formPost(url: string, fields: Record<string, string>, enctype: string): Promise<void> {
  return page.evaluate(
    ([u, f, e]) =>
      new Promise<void>((resolve) => {
        const frame = document.createElement('iframe');
        frame.name = `f${Math.random().toString(36).slice(2)}`;
        document.body.append(frame);
        const form = document.createElement('form');
        form.method = 'POST';
        form.action = u;
        form.enctype = e;
        form.target = frame.name;
        for (const [k, v] of Object.entries(f)) {
          const input = document.createElement('input');
          input.name = k;
          input.value = v;
          form.append(input);
        }
        document.body.append(form);
        frame.onload = () => resolve();
        setTimeout(resolve, 5000);
        form.submit();
      }),
    [url, fields, enctype] as const,
  );
}

/** <img> and <script> loads: they cannot read, but a GET with side effects would still run. */
function embed(url: string): Promise<string> {
  return page.evaluate(
    (u) =>
      new Promise<string>((resolve) => {
        const img = new Image();
        img.onload = () => resolve('img loaded');
        img.onerror = () => {
          const s = document.createElement('script');
          s.src = u;
          s.onload = () => resolve('script ran');
          s.onerror = () => resolve('refused');
          document.body.append(s);
        };
        img.src = u;
      }),
    url,
  );
}

/** Open a WebSocket from the current page; 'open' if the server accepted it. */
function websocket(url: string): Promise<string> {
  return page.evaluate(
    (u) =>
      new Promise<string>((resolve) => {
        const ws = new WebSocket(u);
        ws.onopen = () => {
          ws.send('touch /tmp/never\r');
          resolve('open');
        };
        ws.onerror = () => resolve('refused');
        setTimeout(() => resolve('timeout'), 5000);
      }),
    url,
  );
}

/** JSON in a text/plain form: `{"acknowledge":true,"x":"="}` is what the browser sends. */
const jsonForm = (obj: Record<string, unknown>) => ({
  [JSON.stringify({ ...obj, x: '' }).slice(0, -2)]: '"}',
});

async function keysOfAdmin() {
  const r = await adminClients(sb).iam.send(new ListAccessKeysCommand({}));
  return r.AccessKeyMetadata!.length;
}

describe('a page on another origin', () => {
  it('cannot read from or wipe the sandbox through the gateway or the engine port', async () => {
    const keys = await keysOfAdmin();
    // The attack: a presigned-looking query (made-up key, zero signature) got the
    // request forwarded, moto dumped its state, and its CORS echo let the page read it.
    const now = new Date()
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d{3}/, '');
    const fake = new URLSearchParams({
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Credential': `AKIAFAKEFAKEFAKE0000/${now.slice(0, 8)}/us-east-1/foo/aws4_request`,
      'X-Amz-Date': now,
      'X-Amz-Expires': '300',
      'X-Amz-SignedHeaders': 'host',
      'X-Amz-Signature': '0'.repeat(64),
    });
    for (const base of [sb.endpoint, engineUrl]) {
      for (const path of [
        `/%6Doto-api/data.json?${fake}`,
        `//%6doto-api/data.json?${fake}`,
        '/moto-api/data.json',
        '/_labrunner/whois',
      ]) {
        expect(await attempt(base + path)).toBe('blocked');
        expect(await embed(base + path)).toBe('refused');
      }
      expect(
        await attempt(`${base}/%6Doto-api/reset?${fake}`, { method: 'POST', mode: 'no-cors' }),
      ).toBe('opaque');
      await formPost(base + '/%6Doto-api/reset', { a: 'b' }, 'application/x-www-form-urlencoded');
      // An unsigned API call as a form: CreateUser and CreateAccessKey.
      await formPost(
        base + '/',
        { Action: 'CreateUser', UserName: 'from-a-page', Version: '2010-05-08' },
        'application/x-www-form-urlencoded',
      );
      await formPost(
        base + '/',
        { Action: 'CreateAccessKey', UserName: 'sandbox-admin', Version: '2010-05-08' },
        'application/x-www-form-urlencoded',
      );
      // A read the page would want: the caller's identity, unsigned, with CORS.
      expect(
        await attempt(base + '/?Action=GetCallerIdentity&Version=2011-06-15', { method: 'GET' }),
      ).toBe('blocked');
    }
    const iam = adminClients(sb).iam;
    const users = (await iam.send(new ListUsersCommand({}))).Users!.map((u) => u.UserName);
    expect(users).toContain('canary');
    expect(users).not.toContain('from-a-page');
    expect(await keysOfAdmin()).toBe(keys);
  });

  it('cannot read secrets from `lab serve`, create keys with it, or run a check or cleanup', async () => {
    const keys = await keysOfAdmin();
    const user = 'sandbox-admin';
    // Reads: the console lists users and keys; the page must not see them.
    expect(await attempt(`${siteUrl}/api/console/users`)).toBe('blocked');
    expect(await attempt(`${siteUrl}/api/info`)).toBe('blocked');
    // A key: with CORS (needs a preflight, never approved), blind, and as a text/plain form.
    expect(
      await attempt(`${siteUrl}/api/console/users/${user}/keys`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ acknowledge: true }),
      }),
    ).toBe('blocked');
    expect(
      await attempt(`${siteUrl}/api/console/users/${user}/keys`, {
        method: 'POST',
        mode: 'no-cors',
        headers: { 'content-type': 'text/plain' },
        body: JSON.stringify({ acknowledge: true }),
      }),
    ).toBe('opaque');
    await formPost(
      `${siteUrl}/api/console/users/${user}/keys`,
      jsonForm({ acknowledge: true }),
      'text/plain',
    );
    // Commands: a check and a cleanup.
    for (const action of ['check', 'cleanup']) {
      await formPost(
        `${siteUrl}/api/labs/day42/${action}`,
        jsonForm({ confirm: true }),
        'text/plain',
      );
      expect(
        await attempt(`${siteUrl}/api/labs/day42/${action}`, { method: 'POST', mode: 'no-cors' }),
      ).toBe('opaque');
    }
    expect(await keysOfAdmin()).toBe(keys);
    // Every state-changing request that reached `lab serve` was refused by its guard.
    const posts = statuses.filter((s) => s.url.startsWith(siteUrl) && s.method === 'POST');
    expect(posts.length).toBeGreaterThan(0);
    for (const p of posts) expect(p.status, p.url).toBe(403);
  });

  it("cannot open `lab serve`'s terminal, even when the learner has unlocked it", async () => {
    // The learner opened the address `lab serve` printed, in the same browser.
    const own = await page.context().newPage();
    await own.goto(`${siteUrl}/#token=${access.token}`);
    await own.close();
    const ws = siteUrl.replace(/^http/, 'ws') + TERMINAL_PATH;
    expect(await websocket(ws)).toBe('refused');
    expect(await websocket(`${ws}?token=${access.token}`)).toBe('refused');
    await page.goto(`http://rebind.evil.test:${new URL(siteUrl).port}/`).catch(() => undefined);
    expect(await websocket(`ws://rebind.evil.test:${new URL(siteUrl).port}${TERMINAL_PATH}`)).toBe(
      'refused',
    );
    await page.goto(evilUrl);
    expect(existsSync(marker)).toBe(false);
    // The same browser on the server's own page does get a shell: the refusals above were
    // about the origin, not a terminal that never works.
    const mine = await page.context().newPage();
    await mine.goto(`${siteUrl}/`);
    const opened = await mine.evaluate(
      ([u, t]) =>
        new Promise<string>((resolve) => {
          const w = new WebSocket(u, ['labrunner.terminal', `lab-token.${t}`]);
          w.onopen = () => resolve('open');
          w.onerror = () => resolve('refused');
        }),
      [ws, access.token] as const,
    );
    expect(opened).toBe('open');
    await expect.poll(() => existsSync(marker), { timeout: scaled(7_000) }).toBe(true);
    await mine.close();
  });

  it('cannot join, send results or read reports on the class server', async () => {
    const before = (await cls.store.learners(classInfo.classId)).length;
    const results = await cls.store.countResults(classInfo.classId);
    await formPost(
      `${cls.url}/api/v1/join`,
      jsonForm({ code: classInfo.joinCode, name: 'Mallory' }),
      'text/plain',
    );
    expect(
      await attempt(`${cls.url}/api/v1/join`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code: classInfo.joinCode, name: 'Mallory' }),
      }),
    ).toBe('blocked');
    expect(
      await attempt(`${cls.url}/api/v1/classes/${classInfo.classId}/report`, {
        headers: { authorization: `Bearer ${classInfo.instructorToken}` },
      }),
    ).toBe('blocked');
    await formPost(
      `${cls.url}/class/${classInfo.classId}/login`,
      { token: classInfo.instructorToken },
      'application/x-www-form-urlencoded',
    );
    expect(await attempt(`${cls.url}/class/${classInfo.classId}/report.csv`)).toBe('blocked');
    expect((await cls.store.learners(classInfo.classId)).length).toBe(before);
    expect(await cls.store.countResults(classInfo.classId)).toBe(results);
  });

  it('cannot show `lab serve` or the dashboard in a frame (clickjacking)', async () => {
    // A framed console page under a decoy button would turn the learner's own clicks into
    // same-origin requests the guard must accept: the pages refuse to be framed at all.
    writeFileSync(join(empty, 'index.html'), '<!doctype html><title>console</title><h1>Users</h1>');
    const urls = [`${siteUrl}/`, `${cls.url}/class/${classInfo.classId}/dashboard`];
    const shown = await page.evaluate(
      (list) =>
        Promise.all(
          list.map(
            (u) =>
              new Promise<void>((resolve) => {
                const f = document.createElement('iframe');
                f.src = u;
                f.onload = () => resolve();
                setTimeout(resolve, 5000);
                document.body.append(f);
              }),
          ),
        ),
      urls,
    );
    expect(shown).toHaveLength(2);
    // Chromium replaces a frame it refused with its own error page (another URL).
    const framed = page.frames().map((f) => f.url());
    for (const u of urls) expect(framed, `${u} was shown in another site's frame`).not.toContain(u);
    const direct = await fetch(`${siteUrl}/`);
    expect(direct.headers.get('x-frame-options')).toBe('DENY');
    expect(direct.headers.get('content-security-policy')).toBe("frame-ancestors 'none'");
    await page.goto(evilUrl);
  });

  it('DNS rebinding: under the attacker\'s name, every server refuses even "same-origin" reads', async () => {
    const rebound = async (base: string, path: string, init: Init = {}) => {
      const u = new URL(base);
      const origin = `http://rebind.evil.test:${u.port}`;
      await page.goto(`${origin}/`).catch(() => undefined);
      const got = await attempt(origin + path, init);
      await page.goto(evilUrl);
      return got;
    };
    for (const [base, path] of [
      [sb.endpoint, '/?Action=GetCallerIdentity&Version=2011-06-15'],
      [siteUrl, '/api/console/users'],
      [siteUrl, '/api/info'],
      [cls.url, `/api/v1/classes/${classInfo.classId}/report`],
    ]) {
      const got = await rebound(base, path);
      // Same-origin now, so the page can read the status, but it is only a refusal.
      expect(got, base + path).toMatch(/^READ (403|421) /);
      expect(got).not.toContain('sandbox-admin');
      expect(got).not.toContain(sb.learner.accessKeyId);
    }
    const keys = await keysOfAdmin();
    const created = await rebound(siteUrl, '/api/console/users/sandbox-admin/keys', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ acknowledge: true }),
    });
    expect(created).toMatch(/^READ 403 /);
    expect(created).not.toContain('secretAccessKey');
    expect(await keysOfAdmin()).toBe(keys);
  });
});
