// iam-roles done twice, the way the lab text says (no session name of one's own), with the real
// CLI. The CLI caches the role's session in ~/.aws/cli/cache by role ARN; every run recreates
// the same ARN, so a second run got the first run's session from the cache, never called
// AssumeRole, and its assume-role and session-limits steps stayed "not tried yet" for good.
// The automatic cleanup now removes the run's cached sessions. HOME is a temp dir here, so the
// CLI's cache (and only this test's) lives there.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startTestSandbox, type TestSandbox } from '../../helpers/sandbox.ts';
import { scaled } from '../../helpers/timeouts.ts';

const BIN = new URL('../../../bin/lab.mjs', import.meta.url).pathname;
let sb: TestSandbox;
let home: string;
let env: Record<string, string>;

beforeAll(async () => {
  sb = await startTestSandbox();
  home = mkdtempSync(join(tmpdir(), 'lab-roles-home-'));
  env = { ...sb.env, HOME: home, NO_COLOR: '1' };
});
afterAll(async () => {
  await sb?.stop();
  rmSync(home, { recursive: true, force: true });
});

function run(cmd: string, args: string[]) {
  const r = spawnSync(cmd, args, { env, cwd: home, encoding: 'utf8', timeout: scaled(40_000) });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}
const aws = (...args: string[]) => run('aws', args);
const lab = (...args: string[]) => run(process.execPath, [BIN, ...args]);

/** The lab's steps as its README gives them. */
function walk() {
  const trust = {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${sb.accountId}:root` },
        Action: 'sts:AssumeRole',
      },
    ],
  };
  writeFileSync(join(home, 'trust.json'), JSON.stringify(trust));
  const role = `arn:aws:iam::${sb.accountId}:role/lab-viewer`;
  const policy = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
  const steps = [
    ['iam', 'create-role', '--role-name', 'lab-viewer'],
    ['iam', 'attach-role-policy', '--role-name', 'lab-viewer', '--policy-arn', policy],
    ['configure', 'set', 'role_arn', role, '--profile', 'lab-viewer'],
    ['configure', 'set', 'source_profile', 'default', '--profile', 'lab-viewer'],
    ['configure', 'set', 'region', 'us-east-1', '--profile', 'lab-viewer'],
    ['sts', 'get-caller-identity', '--profile', 'lab-viewer'],
    ['iam', 'list-roles', '--profile', 'lab-viewer'],
  ];
  steps[0].push('--assume-role-policy-document', 'file://trust.json');
  for (const s of steps) expect(aws(...s).code, s.join(' ')).toBe(0);
  const denied = aws('iam', 'create-user', '--user-name', 'not-allowed', '--profile', 'lab-viewer');
  expect(denied.out).toMatch(/AccessDenied/);
  expect(
    aws('iam', 'detach-role-policy', '--role-name', 'lab-viewer', '--policy-arn', policy).code,
  ).toBe(0);
  expect(aws('iam', 'delete-role', '--role-name', 'lab-viewer').code).toBe(0);
}

test('a second run in the same sandbox passes as the first did; cleanup removes the cached session', () => {
  const cache = join(home, '.aws', 'cli', 'cache');
  const outs: string[] = [];
  for (const attempt of [1, 2]) {
    expect(lab('start', 'iam-roles').code).toBe(0);
    walk();
    const check = lab('check', 'iam-roles');
    outs.push(check.out);
    expect(check.out, `run ${attempt}`).toMatch(/✔ assume-role .*assumed-role\/lab-viewer\//);
    expect(check.out, `run ${attempt}`).toMatch(/✔ session-limits /);
    expect(check.code, check.out).toBe(0);
    expect(check.out).toMatch(/nothing the lab created remains/);
  }
  for (const out of outs) {
    // The role profile is removed for what it is, not as "left by an interrupted cleanup".
    expect(out).toMatch(/remove \[profile lab-viewer\] \(assumes the lab's role lab-viewer\)/);
    expect(out).toMatch(/done remove the AWS CLI's cached session lab-viewer\/botocore-session-/);
  }
  expect(existsSync(cache) ? readdirSync(cache) : []).toEqual([]);
}, 180_000);

test('on AWS, a role profile not configured yet is "not tried yet", and what to run next keeps --target aws', () => {
  // The AWS path against the sandbox (docs/cleanup.md, "Exercising the AWS path"): the runner
  // signs as the sandbox admin's profile; the learner's files are the sandbox's.
  const flags = ['--target', 'aws', '--profile', 'sandbox-admin'];
  expect(lab('start', 'iam-roles', ...flags).code).toBe(0);
  const r = lab('check', 'iam-roles', '--step', 'configure-profile', ...flags);
  expect(r.code, r.out).toBe(1);
  // The CLI files are read directly: no CloudTrail event to wait for.
  expect(r.out).toMatch(/○ configure-profile not tried yet/);
  expect(r.out).not.toMatch(/waiting for CloudTrail/);
  // `npx lab` when `lab` is not on PATH (runner/invocation.ts), as in this test's environment.
  expect(r.out).toMatch(
    /Then run `(npx )?lab check iam-roles --target aws --profile sandbox-admin` again/,
  );
  expect(lab('cleanup', 'iam-roles', '--yes', ...flags).code).toBe(0);
});
