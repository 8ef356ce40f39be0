// `lab serve` as a learner runs it: builds the site when there is no build, prints the
// URL, serves pages and the API, stops cleanly; clear errors for a busy port.
import { describe, it, expect, afterAll } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../runner/serve/index.ts';

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
        const m = /Lab site: (http:\/\/127\.0\.0\.1:\d+\/)\?token=[\w-]{20,}/.exec(stdout);
        // Everything it prints at start, which may arrive in more than one chunk.
        if (m && stdout.includes('Press Ctrl+C to stop.')) resolve(m[1]);
      });
      child.on('exit', (code) => reject(new Error(`lab serve exited ${code}: ${stderr}`)));
    });
    expect(stderr).toMatch(/Building the site \(no build yet\)/);
    expect(stdout.split('\n')[0]).toBe('Target: local sandbox');
    expect(stdout).toMatch(/Terminal in the page: on \(loopback only\)/);
    expect(stdout).not.toMatch(/warning/);

    const page = await fetch(url + 'labs/day42/');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Day 42');
    const info = await (await fetch(url + 'api/info')).json();
    // Without the printed address's token, the page's terminal asks for it.
    expect(info).toEqual({
      served: true,
      target: 'sandbox',
      console: true,
      terminal: 'needs-token',
    });
    // No sandbox running in this home: the check says so, with what to do.
    const check = await fetch(url + 'api/labs/day42/check', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(check.status).toBe(503);
    expect((await check.json()).hint).toMatch(/lab start|lab sandbox start/);

    child.kill('SIGTERM');
    const code = await new Promise((r) => child.on('exit', r));
    expect(code).toBe(0);
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
    // No token in the address (there is no terminal to unlock), and it says why.
    const port = /Lab site: http:\/\/localhost:(\d+)\/\n/.exec(stdout)?.[1];
    expect(port, stdout).toBeDefined();
    expect(stdout).toMatch(
      /Terminal in the page: off \(it is offered on loopback only, and this server listens on 0\.0\.0\.0\)/,
    );
    expect(stdout).toMatch(
      /warning: listening on 0\.0\.0\.0: anyone who can reach this machine on port \d+ can, without signing in, run checks and the automatic cleanup, and use the sandbox console, which creates access keys and shows their secrets/,
    );
    const info = await (await fetch(`http://127.0.0.1:${port}/api/info`)).json();
    expect(info.terminal).toBe('off');
    child.kill('SIGTERM');
    await new Promise((r) => child.on('exit', r));
  });

  it('explains a busy port with exit code 2', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    const r = spawnSync(
      process.execPath,
      [LAB, 'serve', '--port', String(port), '--out', join(outParent, 'dist')],
      { env, encoding: 'utf8', timeout: 60_000 },
    );
    blocker.close();
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(
      new RegExp(`Cannot listen on 127\\.0\\.0\\.1:${port} \\(EADDRINUSE\\)`),
    );
    expect(r.stderr).toMatch(/--port/);
  });

  it('documents --port and --host in --help', () => {
    const r = spawnSync(process.execPath, [LAB, 'serve', '--help'], { env, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/--port/);
    expect(r.stdout).toMatch(/--host.*127\.0\.0\.1/);
  });
});
