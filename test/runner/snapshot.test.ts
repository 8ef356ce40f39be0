// `lab check` and `lab status` typed in `lab shell` start from a V8 snapshot of the evaluated
// runner (runner/snapshot/): the same answers as from the sources, colours decided at run time,
// and never stale code — an edit is seen by the very next check, and the snapshot is rebuilt.
// Runs in a copy of the checkout (its node_modules linked) so that the edit touches no real file.
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  mkdtempSync,
  readFileSync,
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
import { blobPath } from '../../runner/snapshot/where.ts';
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

function build() {
  const r = spawnSync(process.execPath, [join(copy, 'runner/snapshot/build.ts'), '--verbose'], {
    encoding: 'utf8',
  });
  expect(r.status, r.stderr).toBe(0);
}

beforeAll(() => {
  for (const d of ['bin', 'runner', 'labs', 'sandbox', 'package.json']) {
    cpSync(join(REPO, d), join(copy, d), { recursive: true });
  }
  symlinkSync(join(REPO, 'node_modules'), join(copy, 'node_modules'));
  build();
  // The launcher `lab shell` writes, from the copy's own code (so it names the copy's blob).
  const dir = join(copy, 'shell-bin');
  const w = spawnSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `const m = await import(${JSON.stringify(join(copy, 'runner/commands/sandbox/launcher.ts'))});
       process.stdout.write(m.writeLabLauncher(${JSON.stringify(dir)}));`,
    ],
    { encoding: 'utf8' },
  );
  expect(w.status, w.stderr).toBe(0);
  lab = w.stdout;
  expect(run(['start', 'day42']).status).toBe(0);
}, scaled(120_000));

afterAll(() => {
  rmSync(blobPath(copy), { force: true });
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
    const before = statSync(blobPath(copy)).mtimeMs;
    writeFileSync(
      file,
      text.replace('Create one: IAM console', 'Create one (edited): IAM console'),
    );
    const next = run(['check', 'day42', '--no-cleanup']);
    expect(next.from).toBe('sources');
    expect(next.stdout).toContain('Create one (edited): IAM console');
    // That check started a rebuild in the background; the snapshot is used again once it is done.
    const deadline = Date.now() + scaled(60_000);
    while (statSync(blobPath(copy), { throwIfNoEntry: false })?.mtimeMs === before) {
      if (Date.now() > deadline) throw new Error('the snapshot was not rebuilt');
      await new Promise((r) => setTimeout(r, 200));
    }
    const after = run(['check', 'day42', '--no-cleanup']);
    expect(after.from).toBe('start-up snapshot');
    expect(after.stdout).toContain('Create one (edited): IAM console');
  });
});
