// `lab check` and `lab status` typed in `lab shell` start from a V8 snapshot of the evaluated
// runner (runner/snapshot/): the same answers as from the sources, colours decided at run time,
// and never stale code — an edit is seen by the very next check, and the snapshot is rebuilt.
// Runs in a copy of the checkout (its node_modules linked) so that the edit touches no real file.
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pty from '@lydell/node-pty';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { blobPath, failedPath } from '../../runner/snapshot/where.ts';
import { useTestSandbox } from '../helpers/sandbox.ts';
import { scaled } from '../helpers/timeouts.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url)).replace(/\/$/, '');
const copy = mkdtempSync(join(tmpdir(), 'lab-snapshot-'));
const sb = useTestSandbox();
let lab = '';

function run(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(lab, args, {
    env: { ...sb.env, NO_COLOR: '1', LAB_SNAPSHOT_DEBUG: '1', ...env },
    encoding: 'utf8',
  });
  const from = /lab: from the (start-up snapshot|sources)/.exec(r.stderr)?.[1];
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, from };
}

/** The launcher in a terminal (a pty), as typed in `lab shell`: everything it wrote, raw. */
function inTerminal(args: string[], extra: Record<string, string> = {}): Promise<string> {
  const env: Record<string, string> = {
    ...sb.env,
    LAB_SNAPSHOT_DEBUG: '1',
    TERM: 'xterm-256color',
  };
  delete env.NO_COLOR;
  Object.assign(env, extra);
  delete env.CI;
  const p = pty.spawn(lab, args, { name: 'xterm-256color', cols: 120, rows: 40, env });
  let raw = '';
  p.onData((d) => (raw += d));
  return new Promise((resolve) => p.onExit(() => resolve(raw)));
}

function build(node = process.execPath) {
  const r = spawnSync(node, [join(copy, 'runner/snapshot/build.ts'), '--verbose'], {
    encoding: 'utf8',
  });
  expect(r.status, r.stderr).toBe(0);
}

/** The launcher `lab shell` writes, from the copy's own code, for the Node at `node`. */
function writeLauncher(dir: string, node = process.execPath): string {
  const w = spawnSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `const m = await import(${JSON.stringify(join(copy, 'runner/commands/sandbox/launcher.ts'))});
       process.stdout.write(m.labLauncher(${JSON.stringify(node)}));`,
    ],
    { encoding: 'utf8' },
  );
  expect(w.status, w.stderr).toBe(0);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'lab'), w.stdout, { mode: 0o755 });
  return join(dir, 'lab');
}

/** The next rebuild of `blob` (a new file renamed in place), waited for. */
async function rebuilt(blob: string, before?: bigint): Promise<void> {
  const deadline = Date.now() + scaled(60_000);
  for (;;) {
    const ino = statSync(blob, { bigint: true, throwIfNoEntry: false })?.ino;
    if (ino !== undefined && ino !== before) return;
    if (Date.now() > deadline) throw new Error(`${blob} was not rebuilt`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** This Node's blob in place and no build of it running (build.ts holds `<blob>.lock`). */
async function ownBlobSettled(blob: string): Promise<void> {
  const node = statSync(process.execPath, { bigint: true }).mtimeNs;
  const deadline = Date.now() + scaled(60_000);
  for (;;) {
    const b = statSync(blob, { bigint: true, throwIfNoEntry: false });
    if (b?.mtimeNs === node && !existsSync(`${blob}.lock`)) return;
    if (Date.now() > deadline) throw new Error(`${blob}: no settled build for this Node`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(() => {
  for (const d of ['bin', 'runner', 'labs', 'sandbox', 'package.json']) {
    cpSync(join(REPO, d), join(copy, d), { recursive: true });
  }
  // node_modules: a link per package, so the copy has its own .cache (its blobs) and a test
  // can take esbuild away.
  mkdirSync(join(copy, 'node_modules'));
  for (const name of readdirSync(join(REPO, 'node_modules'))) {
    if (name !== '.cache')
      symlinkSync(join(REPO, 'node_modules', name), join(copy, 'node_modules', name));
  }
  build();
  // The launcher `lab shell` writes, from the copy's own code (so it names the copy's blob).
  lab = writeLauncher(join(copy, 'shell-bin'));
  expect(run(['start', 'day42']).status).toBe(0);
}, scaled(120_000));

afterAll(() => {
  rmSync(copy, { recursive: true, force: true });
});

describe('the start-up snapshot', () => {
  test('a check starts from it and prints what the sources print, --json too', () => {
    for (const flags of [[], ['--json']]) {
      const snap = run(['check', 'day42', '--no-cleanup', ...flags]);
      const src = run(['check', 'day42', '--no-cleanup', ...flags], { LAB_SNAPSHOT: '0' });
      expect(snap.from).toBe('start-up snapshot');
      expect(src.from).toBeUndefined(); // the launcher went straight to bin/lab.mjs
      expect(snap.status).toBe(1); // nothing done yet
      expect(snap.stdout).toBe(src.stdout);
      expect(snap.stdout).toContain('create-key');
      // Against the sandbox's http:// endpoint the SDK never needs TLS: node:https and node:tls,
      // which the snapshot cannot hold, are not compiled at run time (runner/aws/clients.ts).
      expect(snap.stderr).toMatch(/lab: exit at \d+ ms, CPU \d+ ms/);
      expect(snap.stderr).not.toContain('built-ins loaded');
    }
  });

  test('colours are decided by the terminal it runs in, not by the build (which had none)', async () => {
    // picocolors decides once, at load: in the snapshot that was the build, with no terminal.
    const raw = await inTerminal(['check', 'day42', '--no-cleanup']);
    expect(raw).toContain('lab: from the start-up snapshot');
    expect(raw).toContain('\u001b[1mlocal sandbox'); // the target line, bold
    // NO_COLOR in a terminal: no colour at all, the spinner's included (yoctocolors decided
    // at load too).
    const plain = await inTerminal(['check', 'day42', '--no-cleanup'], { NO_COLOR: '1' });
    expect(plain).toContain('lab: from the start-up snapshot');
    expect(plain).toContain('local sandbox');
    expect(plain).not.toMatch(/\u001b\[(1|3\d|9\d)m/);
    const piped = run(['check', 'day42', '--no-cleanup'], { NO_COLOR: '' });
    expect(piped.from).toBe('start-up snapshot');
    expect(piped.stdout).not.toContain('\u001b[');
  });

  test('status starts from it too, with the same answer', () => {
    const snap = run(['status', 'day42']);
    expect(snap.from).toBe('start-up snapshot');
    expect(snap.stdout).toBe(run(['status', 'day42'], { LAB_SNAPSHOT: '0' }).stdout);
    expect(snap.stdout).toContain('day42');
  });

  test('an edited lab is what the next check runs; then the snapshot is rebuilt with it', async () => {
    const file = join(copy, 'labs/day42/lab.ts');
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('Create one: IAM console');
    const before = statSync(blobPath(copy), { bigint: true }).ino;
    writeFileSync(
      file,
      text.replace('Create one: IAM console', 'Create one (edited): IAM console'),
    );
    const next = run(['check', 'day42', '--no-cleanup']);
    expect(next.from).toBe('sources');
    expect(next.stdout).toContain('Create one (edited): IAM console');
    // That check started a rebuild in the background; the snapshot is used again once it is done.
    await rebuilt(blobPath(copy), before);
    const after = run(['check', 'day42', '--no-cleanup']);
    expect(after.from).toBe('start-up snapshot');
    expect(after.stdout).toContain('Create one (edited): IAM console');
  });
});

// A snapshot loads only in the Node binary that built it: any other exits 14 with Node's own
// "built with Node.js version …" before our code runs. The learner must never see that.
describe('a snapshot that does not belong to the Node that would run it', () => {
  const sources = () => run(['check', 'day42', '--no-cleanup'], { LAB_SNAPSHOT: '0' });
  const nodeMessage = /snapshot|Node\.js version/i;

  test('another Node put in place of the one it was built with (apt upgrading /usr/bin/node)', async () => {
    // A Node of our own at a path of our own, as /usr/bin/node is for apt.
    const node = join(copy, 'node-bin', 'node');
    mkdirSync(join(copy, 'node-bin'));
    copyFileSync(process.execPath, node);
    build(node);
    const launcher = writeLauncher(join(copy, 'node-bin-shell'), node);
    const first = spawnSync(launcher, ['check', 'day42', '--no-cleanup'], {
      env: { ...sb.env, NO_COLOR: '1', LAB_SNAPSHOT_DEBUG: '1' },
      encoding: 'utf8',
    });
    expect(first.stderr).toContain('lab: from the start-up snapshot');
    // The upgrade: another version renamed into place, with the package's mtime (older than
    // the blob), as dpkg does. /usr/bin/node is Debian's 20; bin/lab.mjs hands over from it.
    copyFileSync('/usr/bin/node', `${node}.new`);
    spawnSync('touch', ['-r', '/usr/bin/node', `${node}.new`]);
    renameSync(`${node}.new`, node);
    expect(statSync(node).mtimeMs).toBeLessThan(statSync(blobPath(copy, node)).mtimeMs + 1);
    const after = spawnSync(launcher, ['check', 'day42', '--no-cleanup'], {
      env: { ...sb.env, NO_COLOR: '1', LAB_SNAPSHOT_DEBUG: '1' },
      encoding: 'utf8',
    });
    const src = sources();
    expect(after.status).toBe(src.status);
    expect(after.status).toBe(1); // nothing done yet; not 14
    expect(after.stdout).toBe(src.stdout);
    expect(after.stderr).not.toMatch(nodeMessage);
  });

  test('a blob written since its build (corrupted): the sources answer, then it is rebuilt', async () => {
    const blob = blobPath(copy);
    // The test above pruned it (another Node, same checkout); its check from the sources
    // started the rebuild. Wait until that build is over (this Node's blob, no lock): on a busy
    // machine it was still running, and its blob replaced the corrupted one below.
    await ownBlobSettled(blob);
    const before = statSync(blob, { bigint: true }).ino;
    writeFileSync(blob, Buffer.alloc(4096, 0x5a));
    const src = sources();
    // Both checks must meet the corrupted blob: the rebuild the first one starts is held off by
    // a lock of ours, as a build in progress holds it (on a busy machine it finished in time to
    // replace the blob before the second check).
    writeFileSync(`${blob}.lock`, String(process.pid));
    try {
      for (const flags of [[], ['--json']]) {
        const r = run(['check', 'day42', '--no-cleanup', ...flags]);
        expect(r.from).toBeUndefined(); // straight to bin/lab.mjs
        expect(r.status).toBe(1);
        if (!flags.length) expect(r.stdout).toBe(src.stdout);
        expect(r.stderr).not.toMatch(nodeMessage);
      }
    } finally {
      rmSync(`${blob}.lock`, { force: true });
    }
    // The next check, from the sources again, starts the rebuild that replaces it.
    expect(run(['check', 'day42', '--no-cleanup']).from).toBeUndefined();
    await rebuilt(blob, before);
    expect(run(['check', 'day42', '--no-cleanup']).from).toBe('start-up snapshot');
    // Built by this Node for this checkout: the other Node's blob above was pruned.
    const blobs = readdirSync(join(copy, 'node_modules/.cache/labrunner')).filter((f) =>
      f.endsWith('.blob'),
    );
    expect(blobs).toEqual([blob.split('/').pop()]);
  });

  test('without esbuild nothing is said: the sources answer, a note stands for the blob', async () => {
    const blob = blobPath(copy);
    const esbuild = join(copy, 'node_modules', 'esbuild');
    rmSync(blob, { force: true });
    rmSync(esbuild);
    try {
      const src = run(['check', 'day42', '--no-cleanup'], { LAB_SNAPSHOT: '0' });
      const r = run(['check', 'day42', '--no-cleanup']);
      expect(r.status).toBe(src.status);
      expect(r.stdout).toBe(src.stdout);
      expect(r.stderr).toBe(src.stderr);
      // The build it started found no esbuild and left a note instead of a blob …
      const deadline = Date.now() + scaled(60_000);
      while (!existsSync(failedPath(blob))) {
        if (Date.now() > deadline) throw new Error('no build was tried');
        await new Promise((res) => setTimeout(res, 200));
      }
      // … and the next check, silent as well, starts none while the note is newer than the
      // last install (where.ts).
      expect(run(['check', 'day42', '--no-cleanup']).stderr).toBe(src.stderr);
      expect(existsSync(blob)).toBe(false);
    } finally {
      symlinkSync(join(REPO, 'node_modules', 'esbuild'), esbuild);
    }
  });
});
