// The page's shell outlives the page (runner/serve/shell-session.ts), through the real
// WebSocket endpoint of `lab serve` and a real bash in a pseudo-terminal: a page that comes
// back (or a second one) gets the same shell, its variables and its screen; with no page
// attached it idles out; an exit and a server stop are told to every page attached, with the
// status; the next page hears how an unheard shell ended. The page's side is in Chromium in
// terminal-session.test.ts.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from 'node:http';
import WebSocket from 'ws';
import xterm from '@xterm/headless';
import pty from '@lydell/node-pty';
import { ShellHost } from '../../runner/serve/shell-session.ts';
import {
  createSiteServer,
  embeddedTerminal,
  listen,
  serveAccess,
} from '../../runner/serve/index.ts';
import { scaled } from '../helpers/timeouts.ts';

const home = mkdtempSync(join(tmpdir(), 'lab-shell-session-'));
const open: { server: Server; close(): void }[] = [];

afterEach(() => {
  for (const o of open.splice(0)) {
    o.close();
    o.server.closeAllConnections();
    o.server.close();
  }
});

async function serve(idleMs = 60_000) {
  const access = serveAccess();
  const terminal = embeddedTerminal({
    listenHost: '127.0.0.1',
    home,
    access,
    idleMs,
    // A plain bash stands in for `lab shell` (the same pty, the same session host).
    command: { file: '/bin/bash', args: ['--norc', '--noprofile', '-i'] },
    env: { PATH: process.env.PATH!, HOME: home, PS1: '$ ' },
  })!;
  const server = createSiteServer({ distDir: home, host: '127.0.0.1', terminal, access });
  const url = await listen(server, 0, '127.0.0.1');
  open.push({ server, close: () => terminal.close() });
  return { url, terminal, token: access.token, access };
}

interface Page {
  /** What a page's xterm shows (replay included), rows joined. */
  screen(): Promise<string>;
  control: Record<string, any>[];
  type(s: string): void;
  waitFor(re: RegExp, timeout?: number): Promise<RegExpMatchArray>;
  closed: Promise<number>;
  ws: WebSocket;
}

/** A page: a WebSocket offering the token and this server's Origin, and an xterm. */
async function page(url: string, token: string): Promise<Page> {
  const u = new URL(url);
  const ws = new WebSocket(
    `ws://${u.host}/terminal/ws?cols=100&rows=30`,
    ['labrunner.terminal', `lab-token.${token}`],
    { headers: { origin: u.origin } },
  );
  const vt = new xterm.Terminal({ cols: 100, rows: 30, scrollback: 2000, allowProposedApi: true });
  const control: Record<string, any>[] = [];
  let pending = Promise.resolve();
  const waiters = new Set<() => void>();
  ws.on('message', (d) => {
    const text = String(d);
    if (text.startsWith('\u0000')) control.push(JSON.parse(text.slice(1)));
    else pending = pending.then(() => new Promise<void>((r) => vt.write(text, r)));
    void pending.then(() => waiters.forEach((w) => w()));
  });
  const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
  await new Promise((r, j) => (ws.on('open', r), ws.on('error', j)));
  const screen = async () => {
    await pending;
    const b = vt.buffer.active;
    const lines: string[] = [];
    for (let i = 0; i < b.length; i++) lines.push(b.getLine(i)?.translateToString(true) ?? '');
    return lines.join('\n');
  };
  return {
    ws,
    control,
    closed,
    screen,
    type: (s) => ws.send(s),
    waitFor: (re, timeout = 20_000) =>
      new Promise((resolve, reject) => {
        const check = async () => {
          const m = (await screen()).match(re);
          if (m) {
            waiters.delete(check);
            clearTimeout(t);
            resolve(m);
          }
        };
        const t = setTimeout(async () => {
          waiters.delete(check);
          reject(new Error(`timed out waiting for ${re}; the screen:\n${await screen()}`));
        }, timeout);
        waiters.add(check);
        void check();
      }),
  };
}

const leave = async (p: Page) => {
  p.ws.close(1000);
  await p.closed;
};
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('the page terminal session', () => {
  it('keeps one shell across pages: same pid, variables and screen; two pages at once', async () => {
    const { url, terminal, token } = await serve();
    const a = await page(url, token);
    a.type('export LAB_MARK=kept-$((6*7)); echo "pid=$$"\r');
    const [, pid] = await a.waitFor(/pid=(\d+)/);
    expect(a.control[0]).toMatchObject({ type: 'attached', fresh: true, others: 0 });
    await leave(a); // a reload: the page goes, the shell stays

    const b = await page(url, token);
    // The screen comes back before anything new is typed.
    await b.waitFor(new RegExp(`pid=${pid}`));
    expect(b.control[0]).toMatchObject({ type: 'attached', fresh: false, others: 0 });
    expect(b.control[0].detachedMs).toBeGreaterThanOrEqual(0);
    const c = await page(url, token); // a second tab, while b is open
    expect(c.control[0]).toMatchObject({ fresh: false, others: 1 });
    expect(c.control[0].detachedMs).toBeUndefined();
    c.type('echo "again=$$ $LAB_MARK"\r');
    for (const p of [b, c]) await p.waitFor(new RegExp(`again=${pid} kept-42`));
    expect(alive(Number(pid))).toBe(true);
  });

  it('replays a full-screen program as it stands, and the shell screen once it quits', async () => {
    // A page that comes back in the middle of a full-screen program (less, vim, top) gets that
    // screen (the alternate buffer), and the shell's own screen is still there behind it once
    // the program quits: the replay is a terminal's state, not a list of recent lines.
    const { url, token } = await serve();
    const a = await page(url, token);
    a.type('echo "before=$((40+2))"\r');
    await a.waitFor(/before=42/);
    a.type(
      `printf '\\e[?1049h\\e[H\\e[2Jfull-screen %s\\n' "$((6*7))"; read -r _; printf '\\e[?1049l'\r`,
    );
    await a.waitFor(/full-screen 42/);
    await leave(a);
    const b = await page(url, token);
    await b.waitFor(/full-screen 42/);
    expect(await b.screen()).not.toMatch(/before=42/); // the other screen, not the bytes
    b.type('\r'); // the program quits
    await b.waitFor(/before=42/);
    expect(await b.screen()).not.toMatch(/full-screen 42/);
  });

  it('detaches every page on sign-out; the shell waits for a page with the new token', async () => {
    const { url, token, access } = await serve();
    const a = await page(url, token);
    a.type('echo "pid=$$"\r');
    const [, pid] = await a.waitFor(/pid=(\d+)/);
    const fresh = access.rotate(); // "Sign out"
    expect(await a.closed).toBe(1008);
    await expect(page(url, token)).rejects.toThrow(/401/); // the old token opens nothing
    const b = await page(url, fresh);
    expect(b.control[0]).toMatchObject({ fresh: false });
    await b.waitFor(new RegExp(`pid=${pid}`));
  });

  it('ignores a malformed size from a page, and keeps taking keystrokes', async () => {
    const { url, token } = await serve();
    const a = await page(url, token);
    for (const bad of ['{"cols":-3,"rows":1e9}', '{"cols":{}}', '[', '{"cols":"x","rows":"y"}']) {
      a.type('\u0000' + bad);
    }
    a.type('echo "still=$((6*7)) $(stty size)"\r');
    // The bounds held (2 columns at least, 200 rows at most) and the junk was not kept: each
    // keystroke re-applies the typing page's size, and a kept "x" threw in the pty.
    await a.waitFor(/still=42 200 2\b/);
  });

  it('starts one shell for two pages that arrive at once', async () => {
    const { url, token } = await serve();
    const [a, b] = await Promise.all([page(url, token), page(url, token)]);
    expect([a, b].map((p) => p.control[0].fresh).sort()).toEqual([false, true]);
    a.type('echo "pid=$$"\r');
    const [, pid] = await a.waitFor(/pid=(\d+)/);
    await b.waitFor(new RegExp(`pid=${pid}`));
  });

  it('ends a shell no page has open after the idle time, and tells the next page', async () => {
    const { url, terminal, token } = await serve(800);
    const a = await page(url, token);
    a.type('echo "pid=$$"\r');
    const [, pid] = await a.waitFor(/pid=(\d+)/);
    await leave(a);
    await expect.poll(() => alive(Number(pid)), { timeout: scaled(5_000) }).toBe(false);
    const b = await page(url, token);
    expect(b.control[0]).toMatchObject({
      type: 'attached',
      fresh: true,
      idleMs: 800,
      previous: { reason: 'idle' },
    });
    b.type('echo "pid=$$"\r');
    const [, next] = await b.waitFor(/pid=(\d+)/);
    expect(next).not.toBe(pid);
    expect(b.control.filter((m) => m.previous)).toHaveLength(1); // said once
  });

  it('gives a new shell at once after an idle end, and kills a shell that ignores SIGHUP', async () => {
    // The session host alone, its shell a real bash whose hang-up is swallowed on the way
    // (as by a shell that traps it, or `lab shell` still winding down): a page that comes in
    // that moment must get a new shell, not a closed socket; the old one is killed anyway.
    const signals: string[] = [];
    const host = new ShellHost({
      idleMs: 300,
      spawn(cols, rows) {
        const p = pty.spawn('/bin/bash', ['--norc', '--noprofile', '-i'], {
          cols,
          rows,
          cwd: home,
          env: { PATH: process.env.PATH!, HOME: home, PS1: '$ ' },
        });
        return {
          pid: p.pid,
          onData: (cb) => p.onData(cb),
          onExit: (cb) => p.onExit(cb),
          write: (d) => p.write(d),
          resize: (c, r) => p.resize(c, r),
          kill(sig = 'SIGHUP') {
            signals.push(sig);
            if (sig !== 'SIGHUP') p.kill(sig);
          },
        };
      },
    });
    const said = (into: string[]) => ({ send: (d: string) => into.push(d), close() {} });
    const first: string[] = [];
    const a = said(first);
    await host.attach(a, 80, 24);
    host.input('echo "pid=$$"\r', a);
    await expect.poll(() => first.join('').match(/pid=(\d+)/)?.[1]).toBeTruthy();
    const pid = Number(first.join('').match(/pid=(\d+)/)![1]);
    host.detach(a);
    await expect.poll(() => signals, { timeout: scaled(5_000) }).toEqual(['SIGHUP']); // idled out
    expect(alive(pid)).toBe(true); // still going, for now
    const second: string[] = [];
    await host.attach(said(second), 80, 24);
    expect(JSON.parse(second[0].slice(1))).toMatchObject({
      type: 'attached',
      fresh: true,
      previous: { reason: 'idle' },
    });
    await expect.poll(() => alive(pid), { timeout: scaled(5_000) }).toBe(false); // SIGKILL
    expect(signals).toEqual(['SIGHUP', 'SIGKILL']);
    host.close();
  });

  it('tells every attached page that the shell exited, with its status, or that the server stopped', async () => {
    const { url, terminal, token } = await serve();
    const [a, b] = [await page(url, token), await page(url, token)];
    a.type('exit 3\r');
    for (const p of [a, b]) {
      expect(await p.closed).toBe(1000);
      expect(p.control.at(-1)).toMatchObject({ type: 'ended', reason: 'exited', status: 3 });
    }
    const c = await page(url, token); // a page that saw it: a new shell, no "previous"
    expect(c.control[0]).toMatchObject({ fresh: true });
    expect(c.control[0].previous).toBeUndefined();
    c.type('echo "pid=$$"\r');
    const [, pid] = await c.waitFor(/pid=(\d+)/);
    terminal.close(); // lab serve stops
    expect(await c.closed).toBe(1001);
    expect(c.control.at(-1)).toMatchObject({ type: 'ended', reason: 'server-stopped' });
    await expect.poll(() => alive(Number(pid)), { timeout: scaled(5_000) }).toBe(false);
  });
});

process.on('exit', () => rmSync(home, { recursive: true, force: true }));
