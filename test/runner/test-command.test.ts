// `lab test <lab>` through the real CLI: day42 passes end to end in a fresh
// sandbox that is gone afterwards; a solve.mjs that does not match its checks
// fails, naming the phase.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawn } from 'node:child_process';
import { lab } from './cleanup-fixture.ts';
import { AWS_WRAPPER } from '../../sandbox/lifecycle/cli-files.ts';
import { finalScreen, labTerm } from '../terminal/pty.ts';
import { cleanEnv } from '../sandbox/run-cli.ts';

const LAB_BIN = fileURLToPath(new URL('../../bin/lab.mjs', import.meta.url));
const DAY42 = fileURLToPath(new URL('../../labs/day42/', import.meta.url));
const SECRETISH = /(^|[^A-Za-z0-9+/])[A-Za-z0-9+/]{40}([^A-Za-z0-9+/=]|$)/;

const refused = (url: string) =>
  new Promise<boolean>((resolve) => {
    const u = new URL(url);
    const s = connect(Number(u.port), u.hostname);
    s.once('connect', () => (s.destroy(), resolve(false)));
    s.once('error', () => resolve(true));
  });

let home: string;
let labs: string;
beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'lab-test-cmd-'));
  // A copy of day42 whose solve.mjs does not fit its checks: create-key also
  // configures the profile (so `configure` passes before its step), and
  // list-users does nothing (so that check cannot pass after it).
  labs = await mkdtemp(join(tmpdir(), 'lab-test-labs-'));
  await mkdir(join(labs, 'day42'));
  await symlink(join(DAY42, 'README.md'), join(labs, 'day42', 'README.md'));
  await symlink(join(DAY42, 'lab.ts'), join(labs, 'day42', 'lab.ts'));
  await writeFile(
    join(labs, 'day42', 'solve.mjs'),
    `import { steps as real } from ${JSON.stringify(join(DAY42, 'solve.mjs'))};
export const steps = {
  ...real,
  'create-key': async (ctx) => { await real['create-key'](ctx); await real.configure(ctx); },
  'list-users': async () => {},
};
`,
  );
});
afterAll(async () => {
  await rm(home, { recursive: true, force: true });
  await rm(labs, { recursive: true, force: true });
});

describe('lab test', () => {
  it('passes day42 in a fresh sandbox, one verdict line per phase, and stops the sandbox', async () => {
    // Run from a shell with two other lab homes' environments loaded (`eval "$(lab sandbox env)"`
    // twice, or inside `lab shell`): their `aws` wrappers are on PATH ahead of the real CLIs.
    // Wrappers that skipped only their own folder called each other for ever.
    const env = cleanEnv({ LAB_HOME: home });
    const wrappers = await Promise.all(
      [1, 2].map(async () => {
        const dir = await mkdtemp(join(tmpdir(), 'lab-other-home-bin-'));
        await writeFile(join(dir, 'aws'), AWS_WRAPPER, { mode: 0o755 });
        return dir;
      }),
    );
    env.PATH = [...wrappers, env.PATH].join(':');
    const r = await lab(['test', 'day42'], env);
    for (const d of wrappers) await rm(d, { recursive: true, force: true });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^lab test day42: a fresh local sandbox/);
    const phases = lines.slice(1, -1).map((l) => l.replace(/^(✓|✗) ([^:]+):.*$/, '$1 $2'));
    expect(phases).toEqual([
      '✓ setup',
      '✓ create-key',
      '✓ configure',
      '✓ list-users',
      '✓ denied-ec2',
      '✓ cleanup',
      '✓ quiz secret-once',
      '✓ quiz env-wins',
      '✓ quiz denied-code',
      '✓ quiz key-rights',
      '✓ quiz deactivate-first',
      // Another admin adds a key to iam-admin: cleanup keeps it and the user, then (the key
      // gone) removes the user.
      '✓ hostile',
      '✓ lab cleanup',
      '✓ lab cleanup again',
      '✓ account',
      '✓ cli-files',
      // The mistakes of labs/day42/mistakes.mjs: each one's verdict, then its hint to a pass.
      '✓ mistake create-key',
      '✓ mistake configure',
      '✓ mistake list-users',
      '✓ mistake denied-ec2',
      '✓ mistake cleanup',
    ]);
    expect(lines.at(-1)).toBe('PASS day42: 21 phases');
    expect(r.stdout).toMatch(
      /✓ lab cleanup: kept key AKIA\w+ of iam-admin \(and the user\), saying why/,
    );
    expect(r.stdout).toMatch(/✓ create-key: not-tried before its step, passed after/);
    // A step the learner has not reached is "not tried yet", never a failure (issue 10).
    expect(r.stdout).not.toMatch(/failed before its step/);
    // The new key's secret went through the solve script, never to the output.
    expect(SECRETISH.test(r.stdout + r.stderr)).toBe(false);
    expect(r.stdout).toMatch(
      /✓ mistake configure: wrong region in the profile: failed: .*region us-east-1 instead of ap-southeast-2; the recovery passes/,
    );
    // The sandbox it used is stopped and its temporary home deleted; the user's home untouched.
    const m = /sandbox (http:\/\/\S+) in (\S+)/.exec(r.stderr);
    expect(m, r.stderr).not.toBeNull();
    expect(await refused(m![1])).toBe(true);
    expect(existsSync(m![2])).toBe(false);
    expect(existsSync(join(home, 'sandbox'))).toBe(false);
  }, 1_200_000);

  it('fails, naming the phase, when solve.mjs and the checks do not fit (--json: one document)', async () => {
    // --json: the document alone on stdout; the verdict lines for people on stderr as they come.
    const r = await lab(['test', 'day42', '--labs', labs, '--json'], cleanEnv({ LAB_HOME: home }));
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stderr).toMatch(/✗ configure: PASSED BEFORE its step ran/);
    expect(r.stderr).toMatch(
      /✗ list-users: not-tried before its step, NOT-TRIED after its step: expected/,
    );
    expect(r.stderr).toMatch(/✓ lab cleanup: /);
    const doc = JSON.parse(r.stdout); // exactly one document
    expect(Object.keys(doc)).toEqual([
      'lab',
      'passed',
      'setup',
      'steps',
      'hostile',
      'cleanup',
      'account',
      'cliFiles',
      'mistakes',
    ]);
    expect(doc).toMatchObject({ lab: 'day42', passed: false, setup: { ok: true } });
    // day42's own step named `cleanup` is one of `steps`; the cleanup labrunner runs after the
    // last step is the top-level `cleanup`.
    const steps = Object.fromEntries(
      doc.steps.map((s: { id: string }) => [s.id, { ...s, id: undefined }]),
    );
    expect(Object.keys(steps)).toEqual([
      'create-key',
      'configure',
      'list-users',
      'denied-ec2',
      'cleanup',
    ]);
    expect(steps['create-key']).toMatchObject({ ok: true, before: 'not-tried', after: 'passed' });
    expect(steps['create-key'].evidence).toMatch(/AKIA/);
    expect(steps.configure).toMatchObject({ ok: false, before: 'passed', after: 'passed' });
    expect(steps.configure.detail).toMatch(/PASSED BEFORE its step ran/);
    expect(steps['list-users']).toMatchObject({
      ok: false,
      before: 'not-tried',
      after: 'not-tried',
    });
    // The hostile phase's other admin put a key on iam-admin: kept, with the user, saying why.
    expect(doc.hostile).toMatchObject({ ok: true, detail: expect.stringMatching(/iam-admin/) });
    expect(doc.cleanup).toMatchObject({
      ok: true,
      detail: expect.stringMatching(/^kept key AKIA\w+ of iam-admin \(and the user\)/),
    });
    expect(doc.mistakes).toEqual([]); // this copy of day42 declares none
    expect(doc.account.ok).toBe(true);
    expect(doc.cliFiles.ok).toBe(true);
    expect(SECRETISH.test(r.stdout)).toBe(false);
  }, 240_000);

  it('killed while it runs, stops its temporary sandbox and removes its home (--json: says so)', async () => {
    const child = spawn(process.execPath, [LAB_BIN, 'test', 'day42', '--json'], {
      env: { ...cleanEnv({ LAB_HOME: home }), NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    const where = await new Promise<RegExpExecArray>((resolve, reject) => {
      child.stderr.on('data', (d) => {
        stderr += d;
        const m = /sandbox (http:\/\/\S+) in (\S+)/.exec(stderr);
        if (m) resolve(m);
      });
      child.once('exit', () => reject(new Error(`lab test ended first: ${stderr}`)));
    });
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    expect(code, stderr).toBe(143);
    expect(stderr).toMatch(/Interrupted: stopping the temporary sandbox/);
    // A call the stop cut short (ECONNREFUSED) is not reported as a failure of labrunner.
    expect(stderr).not.toMatch(/unexpected failure|bug in labrunner/);
    // Even interrupted, --json prints its one document: the interruption, once it is tidied up.
    expect(JSON.parse(stdout)).toEqual({
      error: {
        code: 'interrupted',
        message: expect.stringMatching(/temporary sandbox is stopped/),
        hint: null,
        signal: 'SIGTERM',
      },
    });
    expect(await refused(where[1])).toBe(true);
    expect(existsSync(where[2])).toBe(false);
  }, 120_000);

  it('in a terminal, Ctrl-C stops it the same way and says so', async () => {
    const t = labTerm(['test', 'day42'], { ...cleanEnv({ LAB_HOME: home }), NO_COLOR: '1' });
    const where = await t.waitFor(/sandbox (http:\/\/\S+) in (\S+)/);
    t.type('\x03');
    const f = await finalScreen(t);
    expect(f.exit.code, f.screen).toBe(130);
    expect(f.screen).toMatch(/Stopped; nothing of this test is left running/);
    expect(f.screen).not.toMatch(/unexpected failure|bug in labrunner/);
    expect(f.cursorShown).toBe(true);
    expect(await refused(where[1])).toBe(true);
    expect(existsSync(where[2])).toBe(false);
  }, 120_000);
});
