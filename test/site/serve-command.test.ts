// `lab serve` as a learner runs it: builds the site when there is no build, prints the
// URL, serves pages and the API, stops cleanly; clear errors for a busy port.
import { describe, it, expect, afterAll } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../runner/serve/index.ts';
import { scaled } from '../helpers/timeouts.ts';

const LAB = join(PROJECT_ROOT, 'bin', 'lab.mjs');
const home = mkdtempSync(join(tmpdir(), 'lab-serve-home-'));
const outParent = mkdtempSync(join(tmpdir(), 'lab-serve-out-'));
const env = { ...process.env, LAB_HOME: home, NO_COLOR: '1' };
const children: ChildProcess[] = [];

afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(home, { recursive: true, force: true });
  rmSync(outParent, { recursive: true, force: true });
});

/** Start `lab serve` with `args`; resolves with its address, token and all it printed at start. */
async function serve(args: string[]) {
  const child = spawn(process.execPath, [LAB, 'serve', '--out', join(outParent, 'dist'), ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const [url, token] = await new Promise<[string, string]>((resolve, reject) => {
    child.stdout.on('data', (d) => {
      stdout += d;
      const m = /Lab site: (http:\/\/[\w.]+:\d+\/)#token=([\w-]{40,})/.exec(stdout);
      if (m && stdout.includes('Press Ctrl+C to stop.')) resolve([m[1], m[2]]);
    });
    child.on('exit', (code) => reject(new Error(`lab serve exited ${code}: ${stderr}`)));
  });
  return { child, url, token, out: () => stdout, err: () => stderr };
}

/** GET with any Host header (fetch cannot set one). */
function getWithHost(url: string, host: string, headers: Record<string, string> = {}) {
  return new Promise<number>((resolve, reject) =>
    request(url, { headers: { ...headers, host } }, (res) => {
      res.resume();
      resolve(res.statusCode!);
    })
      .on('error', reject)
      .end(),
  );
}

describe('lab serve', () => {
  it('builds a missing site first, prints the URL, serves day42 and the API, stops on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      [LAB, 'serve', '--port', '0', '--out', join(outParent, 'dist')],
      {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    children.push(child);
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d) => {
        stdout += d;
        const m = /Lab site: (http:\/\/127\.0\.0\.1:\d+\/)#token=[\w-]{40,}/.exec(stdout);
        // Everything it prints at start, which may arrive in more than one chunk.
        if (m && stdout.includes('Press Ctrl+C to stop.')) resolve(m[1]);
      });
      child.on('exit', (code) => reject(new Error(`lab serve exited ${code}: ${stderr}`)));
    });
    expect(stderr).toMatch(/Building the site \(no build yet\)/);
    expect(stdout.split('\n')[0]).toBe('Target: local sandbox');
    expect(stdout).toMatch(/Terminal in the page: on \(loopback only\)/);
    expect(stdout).toMatch(/its shell outlives the page and ends after 30 min with no page open/);
    expect(stdout).not.toMatch(/warning/);

    const page = await fetch(url + 'labs/day42/');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Day 42');
    // Without the printed address's token the API answers nothing; the learner's own
    // programs find the token in a 0600 file of the lab home (0700).
    expect((await fetch(url + 'api/info')).status).toBe(401);
    const port = new URL(url).port;
    const file = join(home, 'serve', `${port}.json`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(home, 'serve')).mode & 0o777).toBe(0o700);
    const { token } = JSON.parse(readFileSync(file, 'utf8'));
    expect(stdout).toContain(`#token=${token}`);
    const info = await (
      await fetch(url + 'api/info', { headers: { 'x-lab-token': token } })
    ).json();
    expect(info).toEqual({ served: true, target: 'sandbox', console: true, terminal: 'ready' });
    // No sandbox running in this home: the check says so, with what to do.
    const check = await fetch(url + 'api/labs/day42/check', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-lab-token': token },
      body: '{}',
    });
    expect(check.status).toBe(503);
    expect((await check.json()).hint).toMatch(/lab start|lab sandbox start/);

    child.kill('SIGTERM');
    const code = await new Promise((r) => child.on('exit', r));
    expect(code).toBe(0);
    expect(existsSync(file)).toBe(false); // a stopped server leaves no token behind
  });

  it('two servers on two ports keep their own tokens; signing out revokes one and prints a new address', async () => {
    const [a, b] = await Promise.all([serve(['--port', '0']), serve(['--port', '0'])]);
    expect(a.token).not.toBe(b.token);
    const info = (s: { url: string }, token: string) =>
      fetch(s.url + 'api/info', { headers: { 'x-lab-token': token } }).then((r) => r.status);
    expect(await info(a, a.token)).toBe(200);
    expect(await info(b, b.token)).toBe(200);
    expect(await info(a, b.token)).toBe(401); // one server's token opens only that server
    // Sign out of a: its token stops working, b's goes on; a prints a new address.
    const out = await fetch(a.url + 'api/session/signout', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-lab-token': a.token },
      body: '{}',
    });
    expect(out.status).toBe(200);
    expect(await info(a, a.token)).toBe(401);
    expect(await info(b, b.token)).toBe(200);
    await expect
      .poll(() => a.out(), { timeout: scaled(4_000) })
      .toMatch(/New address: http:\S+#token=/);
    const fresh = /New address: \S+#token=([\w-]+)/.exec(a.out())![1];
    expect(await info(a, fresh)).toBe(200);
    const file = JSON.parse(
      readFileSync(join(home, 'serve', `${new URL(a.url).port}.json`), 'utf8'),
    );
    expect(file.token).toBe(fresh);
    // A learner who lost the address asks for it: their own 0600 file has it.
    const asked = spawnSync(
      process.execPath,
      [LAB, 'serve', '--url', '--port', new URL(a.url).port],
      { env, encoding: 'utf8' },
    );
    expect(asked.status, asked.stderr).toBe(0);
    expect(asked.stdout.trim()).toBe(`${a.url}#token=${fresh}`);
    for (const s of [a, b]) s.child.kill('SIGTERM');
    await Promise.all([a, b].map((s) => new Promise((r) => s.child.on('exit', r))));
    const none = spawnSync(process.execPath, [LAB, 'serve', '--url'], { env, encoding: 'utf8' });
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/No server of this lab home is running/);
  });

  it('says the terminal is off and what others can do when it listens beyond loopback', async () => {
    const child = spawn(
      process.execPath,
      [LAB, 'serve', '--port', '0', '--host', '0.0.0.0', '--out', join(outParent, 'dist')],
      { env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    children.push(child);
    let stdout = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d) => {
        stdout += d;
        if (/Press Ctrl\+C/.test(stdout)) resolve();
      });
      child.on('exit', (code) => reject(new Error(`lab serve exited ${code}: ${stdout}`)));
    });
    const [, port, token] = /Lab site: http:\/\/localhost:(\d+)\/#token=([\w-]+)\n/.exec(stdout)!;
    expect(port, stdout).toBeDefined();
    expect(stdout).toMatch(
      /Terminal in the page: off \(it is offered on loopback only, and this server listens on 0\.0\.0\.0\)/,
    );
    // The warning names web pages too (DNS rebinding), not only people on the network.
    expect(stdout).toMatch(/warning: listening on 0\.0\.0\.0: .*web pages.*DNS rebinding/);
    expect(stdout).toMatch(/sandbox console, which creates access keys and shows their secrets/);
    const info = await (
      await fetch(`http://127.0.0.1:${port}/api/info`, { headers: { 'x-lab-token': token } })
    ).json();
    expect(info.terminal).toBe('off');
    child.kill('SIGTERM');
    await new Promise((r) => child.on('exit', r));
  });

  it('beyond loopback still answers only its own names: loopback, --allow-host, the listen address', async () => {
    for (const host of ['0.0.0.0', '127.0.0.2']) {
      const s = await serve(['--port', '0', '--host', host, '--allow-host', 'lab.example']);
      const port = new URL(s.url).port;
      const at = `http://127.0.0.${host === '0.0.0.0' ? 1 : 2}:${port}/`;
      const auth = { 'x-lab-token': s.token };
      // A rebound name (an attacker's DNS pointing at this address) is refused, token or not.
      expect(await getWithHost(at + 'api/info', `rebind.evil.test:${port}`, auth)).toBe(403);
      expect(await getWithHost(at + 'labs/day42/', `rebind.evil.test:${port}`)).toBe(403);
      expect(await getWithHost(at + 'api/info', `lab.example:${port}`, auth)).toBe(200);
      expect(await getWithHost(at + 'api/info', `lab.example:${port}`)).toBe(401);
      if (host === '127.0.0.2') {
        expect(await getWithHost(at + 'api/info', `127.0.0.2:${port}`, auth)).toBe(200);
        expect(s.out()).toMatch(/Terminal in the page: off/);
      }
      s.child.kill('SIGTERM');
      await new Promise((r) => s.child.on('exit', r));
    }
    // With --class, the class routes keep the class server's rule (learners on other machines
    // reach it by whatever name they have; its bearer tokens guard it); the lab site does not.
    const c = await serve(['--port', '0', '--host', '0.0.0.0', '--class']);
    const port = new URL(c.url).port;
    const at = `http://127.0.0.1:${port}/`;
    expect(await getWithHost(at + 'api/v1/health', `192.168.1.10:${port}`)).toBe(200);
    expect(
      await getWithHost(at + 'api/info', `192.168.1.10:${port}`, { 'x-lab-token': c.token }),
    ).toBe(403);
    c.child.kill('SIGTERM');
    await new Promise((r) => c.child.on('exit', r));
  });

  it('explains a busy port with exit code 2', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    const r = spawnSync(
      process.execPath,
      [LAB, 'serve', '--port', String(port), '--out', join(outParent, 'dist')],
      { env, encoding: 'utf8', timeout: scaled(20_000) },
    );
    blocker.close();
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(
      new RegExp(`Cannot listen on 127\\.0\\.0\\.1:${port} \\(EADDRINUSE\\)`),
    );
    expect(r.stderr).toMatch(/--port/);
  });

  it('documents --port, --host and --terminal-idle in --help; refuses a bad idle time', () => {
    const r = spawnSync(process.execPath, [LAB, 'serve', '--help'], { env, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/--port/);
    expect(r.stdout).toMatch(/--host.*127\.0\.0\.1/);
    expect(r.stdout).toMatch(/--terminal-idle.*no page open/);
    for (const bad of ['0', 'soon']) {
      const b = spawnSync(process.execPath, [LAB, 'serve', '--terminal-idle', bad], {
        env,
        encoding: 'utf8',
      });
      expect(b.status).toBe(2);
      expect(b.stderr).toMatch(new RegExp(`--terminal-idle ${bad} is not a number of minutes`));
    }
  });
});
