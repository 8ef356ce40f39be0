// `lab start` / `lab check` / `lab status` through the real CLI, with the learner
// working through the real `aws` CLI in the sandbox's isolated files.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.ts';

const BIN = new URL('../../bin/lab.mjs', import.meta.url).pathname;
let sb: TestSandbox;
/** Everything the runner printed, for the secret scan. */
const printed: string[] = [];

beforeAll(async () => {
  sb = await startTestSandbox();
});
afterAll(async () => {
  await sb?.stop();
});

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

function lab(...args: string[]): Promise<Ran> {
  return labWith({}, ...args);
}

function labWith(extra: Record<string, string>, ...args: string[]): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [BIN, ...args], {
      env: { ...sb.env, NO_COLOR: '1', ...extra },
    });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('error', reject);
    p.on('close', (code) => {
      printed.push(stdout, stderr);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

function aws(...args: string[]): string {
  const r = spawnSync('aws', args, { env: sb.env, encoding: 'utf8' });
  if (r.status !== 0 && !args.includes('describe-instances')) {
    throw new Error(`aws ${args.join(' ')} failed: ${r.stderr}`);
  }
  return r.stdout + r.stderr;
}

/** Every file under `dir`, except the sandbox engine's own state (it holds keys, as AWS does). */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .filter((f) => !relative(dir, f).startsWith(join('sandbox', 'engine')));
}

describe('lab check through the CLI', () => {
  it('exits 2 with a clear message on usage and environment errors', async () => {
    const notStarted = await lab('check', 'day42');
    expect(notStarted.code).toBe(2);
    expect(notStarted.stdout.split('\n')[0]).toBe(`local sandbox, account ${sb.accountId}`);
    expect(notStarted.stderr).toMatch(/not started.*\n.*lab start day42/);

    const notStartedJson = await lab('check', 'day42', '--json');
    expect(notStartedJson.code).toBe(2);
    // The one JSON document on stdout is the error (issue 8: it used to be empty).
    expect(JSON.parse(notStartedJson.stdout).error.code).toBe('not_started');

    const badTarget = await lab('check', 'day42', '--target', 'mars');
    expect(badTarget.code).toBe(2);
    expect(badTarget.stderr).toMatch(/--target sandbox or --target aws/);

    const noLab = await lab('check', 'day99');
    expect(noLab.code).toBe(2);
    expect(noLab.stderr).toMatch(/no lab "day99"/);
  });

  it('says when the sandbox is down (exit 2, how to start it)', async () => {
    const r = await new Promise<Ran>((resolve) => {
      const env = { ...sb.env, NO_COLOR: '1', LAB_HOME: sb.home + '-nowhere' };
      const p = spawnSync(process.execPath, [BIN, 'check', 'day42'], { env, encoding: 'utf8' });
      resolve({ code: p.status ?? -1, stdout: p.stdout, stderr: p.stderr });
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/sandbox is not running[\s\S]*lab sandbox start/);
  });

  let secret = '';
  it('follows a learner from start to automatic cleanup', async () => {
    const start = await lab('start', 'day42');
    expect(start.code, start.stderr).toBe(0);
    expect(start.stdout.split('\n')[0]).toBe(`local sandbox, account ${sb.accountId}`);
    expect(start.stdout).toMatch(/created iam-user iam-admin/);
    expect(start.stdout).toMatch(/lab shell/);

    const again = await lab('start', 'day42');
    expect(again.stdout).toMatch(/already under way .*keeping your progress/);
    // --json: one document on stdout, for scripts.
    const json = await lab('start', 'day42', '--json');
    expect(json.code, json.stderr).toBe(0);
    expect(json.stdout.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(json.stdout)).toMatchObject({
      lab: 'day42',
      target: 'sandbox',
      accountId: sb.accountId,
      run: { id: expect.any(Number), startedAt: expect.any(String) },
      started: false,
      created: [],
      warnings: [],
    });
    // As the README runs it (`npx lab start day42`, `lab` not on PATH yet): what to type next
    // must work there; inside `lab shell` the shell is already the sandbox's.
    const bare = sb.env.PATH.split(':').filter((d) => !d.startsWith(sb.home));
    const npx = await labWith({ npm_command: 'exec', PATH: bare.join(':') }, 'start', 'day42');
    expect(npx.stdout).toMatch(/1\. Open a terminal wired to the sandbox: npx lab shell\n/);
    const inShell = await labWith({ LAB_SANDBOX: sb.endpoint }, 'start', 'day42');
    expect(inShell.stdout).toMatch(/1\. This shell is wired to the sandbox already/);
    expect(inShell.stdout).not.toMatch(/Open a terminal/);

    const first = await lab('check', 'day42', '--json');
    expect(first.code).toBe(1);
    const report = JSON.parse(first.stdout);
    expect(first.stdout.trim().split('\n')).toHaveLength(1);
    expect(Object.keys(report)).toEqual(['lab', 'target', 'steps']);
    expect(report.lab).toBe('day42');
    expect(report.target).toBe('sandbox');
    expect(report.steps.map((s: any) => s.id)).toEqual([
      'create-key',
      'configure',
      'list-users',
      'denied-ec2',
      'cleanup',
    ]);
    for (const s of report.steps) {
      expect(Object.keys(s)).toEqual(['id', 'status', 'evidence', 'hint']);
      // Nothing done yet: every step is "not tried yet", not failed.
      expect(s.status).toBe('not-tried');
      expect(s.hint).not.toBe('');
    }

    // --watch keeps checking; Ctrl-C ends it cleanly (exit 1: not all passed, no stack trace).
    const watch = spawn(process.execPath, [BIN, 'check', 'day42', '--watch', '--interval', '1'], {
      env: { ...sb.env, NO_COLOR: '1' },
    });
    let watched = '';
    let watchErr = '';
    watch.stderr.on('data', (d) => (watchErr += d));
    await new Promise<void>((resolve) =>
      watch.stdout.on('data', (d) => {
        watched += d;
        if (/Checking again every 1 s/.test(watched)) resolve();
      }),
    );
    const watchCode = new Promise((r) => watch.on('close', (code) => r(code)));
    watch.kill('SIGINT');
    expect(await watchCode).toBe(1);
    expect(watchErr).not.toMatch(/unexpected|Error:/);
    // Piped, the first pass is printed whole, once (later ones add only what changed: watch.test.ts).
    expect(watched.match(/○ list-users/g)).toHaveLength(1);
    printed.push(watched, watchErr);

    // The learner's steps, with the real aws CLI (profile name of their choosing).
    const key = JSON.parse(aws('iam', 'create-access-key', '--user-name', 'iam-admin')).AccessKey;
    secret = key.SecretAccessKey;
    aws('configure', 'set', 'aws_access_key_id', key.AccessKeyId, '--profile', 'work');
    aws('configure', 'set', 'aws_secret_access_key', secret, '--profile', 'work');
    aws('configure', 'set', 'region', 'ap-southeast-2', '--profile', 'work');
    aws('configure', 'set', 'output', 'json', '--profile', 'work');
    const human = await lab('check', 'day42');
    expect(human.code).toBe(1);
    expect(human.stdout).toMatch(/✔ create-key/);
    expect(human.stdout).toMatch(/✔ configure +profile work/);
    expect(human.stdout).toMatch(/○ list-users not tried yet/);
    expect(human.stdout).toMatch(/Next: step list-users/);

    aws('iam', 'list-users', '--profile', 'work');
    expect(aws('ec2', 'describe-instances', '--profile', 'work')).toMatch(/UnauthorizedOperation/);
    aws(
      'iam',
      'update-access-key',
      '--user-name',
      'iam-admin',
      '--access-key-id',
      key.AccessKeyId,
      '--status',
      'Inactive',
    );
    aws('iam', 'delete-access-key', '--user-name', 'iam-admin', '--access-key-id', key.AccessKeyId);

    // Two checks at once: both complete, both recorded, the store stays sound.
    const [a, b] = await Promise.all([
      lab('check', 'day42', '--json', '--no-cleanup'),
      lab('check', 'day42', '--json', '--no-cleanup'),
    ]);
    expect([a.code, b.code], a.stderr + b.stderr).toEqual([0, 0]);
    for (const r of [a, b]) {
      expect(JSON.parse(r.stdout).steps.every((s: any) => s.status === 'passed')).toBe(true);
    }
    const db = new DatabaseSync(join(sb.home, 'progress.db'));
    const rows = db.prepare('SELECT COUNT(*) n FROM results').get() as { n: number };
    expect(rows.n).toBeGreaterThanOrEqual(5 * 5); // ≥ one watch pass + four checks, five steps each
    const twoAtOnce = db
      .prepare("SELECT COUNT(*) n FROM results WHERE status = 'passed' AND step = 'cleanup'")
      .get() as { n: number };
    expect(twoAtOnce.n).toBe(2); // both concurrent checks recorded their passing cleanup step
    expect(db.prepare('PRAGMA integrity_check').get()).toEqual({ integrity_check: 'ok' });
    db.close();

    // The last step has passed: this check cleans up what the lab created.
    const done = await lab('check', 'day42');
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout).toMatch(/5\/5 steps complete/);
    expect(done.stdout).toMatch(/nothing the lab created remains/);
    expect(aws('iam', 'list-users')).not.toMatch(/iam-admin/);
    expect(readFileSync(sb.credentialsFile, 'utf8')).not.toContain(key.AccessKeyId);

    const after = await lab('check', 'day42');
    expect(after.code).toBe(0);
    expect(after.stdout).toMatch(/was cleaned up at .* UTC/);
    // What the account shows now, not the evidence recorded before the cleanup.
    expect(after.stdout).toMatch(/what the lab created is gone from the account/);
    expect(after.stdout).not.toMatch(/still exists|is Active/);

    const status = await lab('status', '--json');
    const day42 = JSON.parse(status.stdout).labs.find((l: any) => l.lab === 'day42');
    expect(day42.run.status).toBe('cleaned');
    expect(day42.steps.map((s: any) => s.status)).toEqual(Array(5).fill('passed'));
    const statusText = await lab('status');
    expect(statusText.stdout).toMatch(/day42 .* 5\/5 .*cleaned/);
  });

  it('`lab check day42 | head -1`: the closed pipe ends nothing early, no stack trace', async () => {
    // The reader is gone before the CLI writes a line (as `head` exits after its lines): every
    // write gets EPIPE. Node's default is an unhandled 'error' event: a stack trace, exit 1.
    const p = spawn(process.execPath, [BIN, 'check', 'day42'], {
      env: { ...sb.env, NO_COLOR: '1' },
    });
    p.stdout.destroy();
    let stderr = '';
    p.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise((r) => p.on('close', (c) => r(c)));
    expect(stderr).not.toMatch(/EPIPE|Unhandled|node:events/);
    expect(code, stderr).toBe(0); // the run before was cleaned up: the check's own verdict

    // `--watch | head`: nobody reads any more, so the watch stops (as on a closed terminal)
    // instead of checking on for ever, unseen.
    expect((await lab('start', 'day42')).code).toBe(0);
    const w = spawn(process.execPath, [BIN, 'check', 'day42', '--watch', '--interval', '1'], {
      env: { ...sb.env, NO_COLOR: '1' },
    });
    w.stdout.destroy();
    const killer = setTimeout(() => w.kill('SIGKILL'), 20_000);
    const watchCode = await new Promise((r) => w.on('close', (c, sig) => r(sig ?? c)));
    clearTimeout(killer);
    expect(watchCode).toBe(1); // stopped by itself: not every step passed
    expect((await lab('cleanup', 'day42')).code).toBe(0);
  });

  it('never prints, logs or stores the secret access key', () => {
    expect(secret).toMatch(/^[A-Za-z0-9+/]{40}$/);
    for (const text of printed) expect(text).not.toContain(secret);
    const files = filesUnder(sb.home);
    expect(files.some((f) => f.endsWith('progress.db'))).toBe(true);
    for (const f of files) {
      if (statSync(f).size === 0) continue;
      expect(readFileSync(f).includes(Buffer.from(secret)), f).toBe(false);
    }
  });
});
