// `lab` without npx: the launcher `lab shell` and `lab sandbox env` put next to the `aws`
// wrapper, and bin/lab.mjs run by an older `node` (as after `npm link` on a machine whose
// node is Debian's 20), which hands over to the project's own Node 24.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { writeLabLauncher } from '../../runner/commands/sandbox/launcher.ts';
import pkg from '../../package.json' with { type: 'json' };
import { LAB } from './pty.ts';

test('the launcher runs this checkout’s lab with this Node, whatever node PATH finds', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lab-launcher-'));
  try {
    const lab = writeLabLauncher(dir);
    const out = execFileSync(lab, ['--version'], { env: { PATH: '/usr/bin:/bin' } });
    expect(String(out).trim()).toBe(pkg.version);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bin/lab.mjs under an older node hands over to the project’s Node 24', () => {
  const old = String(execFileSync('/usr/bin/node', ['--version'])).trim();
  expect(Number(old.slice(1).split('.')[0])).toBeLessThan(22); // the case this covers
  const out = execFileSync('/usr/bin/node', [LAB, '--version']);
  expect(String(out).trim()).toBe(pkg.version);
});

/** `lab serve` started the older-Node route (`/usr/bin/node bin/lab.mjs`, as `npm link` does). */
async function serveThroughOldNode(out: string, home: string) {
  const parent = spawn('/usr/bin/node', [LAB, 'serve', '--port', '0', '--out', out], {
    env: { ...process.env, LAB_HOME: home, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  parent.stderr.on('data', (d) => (stderr += d));
  const port = await new Promise<number>((resolve, reject) => {
    parent.stdout.on('data', (d) => {
      stdout += d;
      const m = /Lab site: http:\/\/127\.0\.0\.1:(\d+)\//.exec(stdout);
      if (m && stdout.includes('Press Ctrl+C to stop.')) resolve(Number(m[1]));
    });
    parent.on('exit', (code) => reject(new Error(`lab serve exited ${code}: ${stderr}`)));
  });
  // The Node 24 that really serves: the one child of the old node.
  const kids = String(execFileSync('ps', ['-o', 'pid=', '--ppid', String(parent.pid)]))
    .trim()
    .split(/\s+/)
    .map(Number);
  expect(kids).toHaveLength(1);
  started.push(kids[0]);
  const ended = new Promise<[number | null, string | null]>((r) =>
    parent.on('exit', (code, sig) => r([code, sig])),
  );
  return { parent, server: kids[0], port, ended };
}

const started: number[] = [];
// A failing run must not leave its server behind (the orphan this describe is about).
afterAll(() => {
  for (const pid of started) if (alive(pid)) process.kill(pid, 'SIGKILL');
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Whether nothing listens on the port any more (we can take it). */
const portFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });

describe('signals through the older-Node route', () => {
  const home = mkdtempSync(join(tmpdir(), 'lab-signals-home-'));
  const out = join(mkdtempSync(join(tmpdir(), 'lab-signals-out-')), 'dist');
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  test('SIGTERM to `lab serve` stops the real server too: no process left, the port free', async () => {
    const { parent, server, port, ended } = await serveThroughOldNode(out, home);
    expect(await portFree(port)).toBe(false);
    parent.kill('SIGTERM');
    // The server closes on SIGTERM and exits 0; the old node exits with its status.
    expect(await ended).toEqual([0, null]);
    expect(alive(server)).toBe(false);
    expect(await portFree(port)).toBe(true);
  });

  test('a server killed by a signal: the old node ends by the same signal', async () => {
    const { server, port, ended } = await serveThroughOldNode(out, home);
    process.kill(server, 'SIGKILL');
    expect(await ended).toEqual([null, 'SIGKILL']);
    expect(await portFree(port)).toBe(true);
  });
});
