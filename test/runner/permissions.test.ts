// The runner's own identity on AWS: a denied inspection call, wrong credentials, no network and an
// unknown profile each stop `lab check`/`lab start`/`lab cleanup` with exit 2, one clear message
// and a hint, and never land in progress as a learner's failed step. The AWS path runs against
// the sandbox (AWS_ENDPOINT_URL, profiles in temporary CLI files), through the real CLI.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateUserCommand,
  PutUserPolicyCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { clientsFor, startTestSandbox, type TestSandbox } from '../helpers/sandbox.ts';
import { freePort } from '../../sandbox/index.ts';
import { openStore, resultHistory, listRuns } from '../../runner/store/index.ts';
import { lab } from './cleanup-fixture.ts';
import { LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { makeClients, destroyClients, environmentError } from '../../runner/aws/index.ts';

const REPO_PACKAGE = fileURLToPath(new URL('../../package.json', import.meta.url));
let sb: TestSandbox;
let files: string;
let roArn: string;
let noSummaryArn: string;
let readerKey: { accessKeyId: string; secretAccessKey: string };

async function newUser(iam: IAMClient, name: string) {
  const user = await iam.send(new CreateUserCommand({ UserName: name }));
  const key = (await iam.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
  return { arn: user.User!.Arn!, keyId: key.AccessKeyId!, secret: key.SecretAccessKey! };
}

beforeAll(async () => {
  sb = await startTestSandbox();
  // The runner's would-be identities: an admin (the sandbox runner); an IAM user with only
  // IAMReadOnlyAccess (iam:Get*, iam:List*; no cloudtrail:LookupEvents, no writes); and one
  // allowed everything except iam:GetAccountSummary (the root-keys question).
  const { iam } = clientsFor(sb, sb.runner);
  const reader = await newUser(iam, 'reader');
  roArn = reader.arn;
  readerKey = { accessKeyId: reader.keyId, secretAccessKey: reader.secret };
  await iam.send(
    new AttachUserPolicyCommand({
      UserName: 'reader',
      PolicyArn: 'arn:aws:iam::aws:policy/IAMReadOnlyAccess',
    }),
  );
  const noSummary = await newUser(iam, 'no-summary');
  noSummaryArn = noSummary.arn;
  await iam.send(
    new PutUserPolicyCommand({
      UserName: 'no-summary',
      PolicyName: 'all-but-summary',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: '*', Resource: '*' },
          { Effect: 'Deny', Action: 'iam:GetAccountSummary', Resource: '*' },
        ],
      }),
    }),
  );
  iam.destroy();
  const profiles: [string, string, string][] = [
    ['admin', sb.runner.accessKeyId, sb.runner.secretAccessKey],
    ['reader', reader.keyId, reader.secret],
    ['wrong-secret', reader.keyId, 'x'.repeat(40)],
    ['no-summary', noSummary.keyId, noSummary.secret],
  ];
  files = mkdtempSync(join(tmpdir(), 'lab-perm-files-'));
  writeFileSync(
    join(files, 'credentials'),
    profiles
      .map(
        ([p, id, secret]) =>
          `[${p}]\naws_access_key_id = ${id}\naws_secret_access_key = ${secret}\n`,
      )
      .join(''),
  );
  writeFileSync(
    join(files, 'config'),
    profiles.map(([p]) => `[profile ${p}]\nregion = ${sb.region}\n`).join(''),
  );
});
afterAll(async () => {
  await sb?.stop();
});

/** Someone running labrunner against "AWS" with named profiles; a fresh lab home. */
function awsEnv(endpoint = sb.endpoint): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(sb.env)) if (!k.startsWith('AWS_')) env[k] = v;
  return {
    ...env,
    LAB_HOME: mkdtempSync(join(tmpdir(), 'lab-perm-home-')),
    AWS_ENDPOINT_URL: endpoint,
    AWS_CONFIG_FILE: join(files, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(files, 'credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}

/** Every result row progress holds for day42 (none may come from an exit-2 run). */
function storedResults(home: string) {
  const store = openStore(home);
  try {
    return { results: resultHistory(store, 'day42'), runs: listRuns(store, 'day42') };
  } finally {
    store.close();
  }
}

/** The error and hint lines of an exit-2 run (NO_COLOR). */
const errorLine = (stderr: string) => stderr.split('\n').find((l) => l.startsWith('error ')) ?? '';
const hintLine = (stderr: string) => stderr.split('\n').find((l) => l.startsWith('hint ')) ?? '';

describe('the runner identity on AWS lacks a permission', () => {
  it('lab start with a read-only profile: exit 2 naming iam:CreateUser, no run set up', async () => {
    // First in this file: the fresh sandbox has no iam-admin yet, so setup must create it.
    const env = awsEnv();
    const r = await lab(['start', 'day42', '--target', 'aws', '--profile', 'reader'], env);
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(errorLine(r.stderr)).toContain(roArn);
    expect(errorLine(r.stderr)).toContain('iam:CreateUser');
    expect(hintLine(r.stderr)).toContain('--profile');
    expect(r.stderr).not.toContain('unexpected failure');
    const { results, runs } = storedResults(env.LAB_HOME);
    expect(results).toEqual([]);
    // The run whose setup was denied is closed, having made nothing (a failed `lab start`
    // removes what it made): the next `lab start` begins afresh.
    expect(runs.every((x) => x.status !== 'running' && !x.baseline.setupAt)).toBe(true);
  });

  it('lab check with an IAMReadOnlyAccess profile: exit 2 naming cloudtrail:LookupEvents, nothing recorded', async () => {
    const env = awsEnv();
    const start = await lab(['start', 'day42', '--target', 'aws', '--profile', 'admin'], env);
    expect(start.code, start.stderr).toBe(0);

    for (const json of [false, true]) {
      const args = ['check', 'day42', '--target', 'aws', '--profile', 'reader'];
      const r = await lab(json ? [...args, '--json'] : args, env);
      expect(r.code, r.stdout + r.stderr).toBe(2);
      const error = errorLine(r.stderr);
      expect(error).toContain(roArn);
      expect(error).toContain('cloudtrail:LookupEvents');
      expect(error).toContain('denied');
      const hint = hintLine(r.stderr);
      expect(hint).toContain('--profile');
      expect(hint).toContain('cloudtrail:LookupEvents');
      expect(hint).toContain('iam:ListAccessKeys');
      expect(r.stderr).not.toContain('unexpected failure');
      // No step verdict at all: the denial is the runner's, not the learner's.
      expect(r.stdout + r.stderr).not.toMatch(/✘|failed/);
      // --json: the one document on stdout is the error (issue 8).
      if (json) expect(JSON.parse(r.stdout).error.message).toBe(error.replace(/^error /, ''));
      else expect(r.stdout.split('\n')[0]).toBe(`AWS account ${sb.accountId}, profile reader`);
    }
    const { results, runs } = storedResults(env.LAB_HOME);
    expect(runs).toHaveLength(1);
    expect(runs[0].status).toBe('running');
    expect(results).toEqual([]);
  });

  it('lab cleanup with a read-only profile: exit 2 naming the denied action, the run stays open', async () => {
    const env = awsEnv();
    const start = await lab(['start', 'day42', '--target', 'aws', '--profile', 'admin'], env);
    expect(start.code, start.stderr).toBe(0);
    const r = await lab(
      ['cleanup', 'day42', '--target', 'aws', '--profile', 'reader', '--yes', '--json'],
      env,
    );
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(JSON.parse(r.stdout).error.message).toContain(roArn); // --json: the error, as JSON
    expect(errorLine(r.stderr)).toContain(roArn);
    expect(errorLine(r.stderr)).toContain('cloudtrail:LookupEvents');
    expect(hintLine(r.stderr)).toContain('--profile');
    const { runs } = storedResults(env.LAB_HOME);
    expect(runs[0].status).toBe('running');
  });

  it('a check that catches the denial itself still stops the run: exit 2, no failed step', async () => {
    // A lab whose check turns any error into a failed step, as a careless lab author might.
    const labs = mkdtempSync(join(tmpdir(), 'lab-perm-labs-'));
    mkdirSync(join(labs, 'swallow'));
    writeFileSync(
      join(labs, 'swallow', 'lab.ts'),
      `import { createRequire } from 'node:module';
const require = createRequire(${JSON.stringify(REPO_PACKAGE)});
const { LookupEventsCommand } = require('@aws-sdk/client-cloudtrail');
export default {
  id: 'swallow',
  steps: {
    'read-history': {
      async check(ctx) {
        try {
          await ctx.clients.cloudtrail.send(new LookupEventsCommand({}));
          return { status: 'passed', evidence: 'read the event history' };
        } catch (e) {
          return { status: 'failed', evidence: 'could not read: ' + e.name, hint: 'try again' };
        }
      },
    },
  },
};
`,
    );
    const env: Record<string, string> = { ...awsEnv(), LAB_LABS_DIR: labs };
    const start = await lab(['start', 'swallow', '--target', 'aws', '--profile', 'admin'], env);
    expect(start.code, start.stderr).toBe(0);
    const passed = await lab(['check', 'swallow', '--target', 'aws', '--profile', 'admin'], env);
    expect(passed.code, passed.stderr).toBe(0);
    expect(passed.stdout).toContain('read the event history');

    const r = await lab(['check', 'swallow', '--target', 'aws', '--profile', 'reader'], env);
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(errorLine(r.stderr)).toContain(
      `AWS denied cloudtrail:LookupEvents to the runner's identity ${roArn}`,
    );
    expect(r.stdout + r.stderr).not.toContain('could not read');
    // Only the admin's passing check is in progress.
    const store = openStore(env.LAB_HOME);
    try {
      expect(resultHistory(store, 'swallow').map((x) => x.status)).toEqual(['passed']);
    } finally {
      store.close();
    }
  });

  it('iam:GetAccountSummary denied: exit 2 before any check (the root-keys question is unanswered)', async () => {
    const env = awsEnv();
    expect((await lab(['start', 'day42', '--target', 'aws', '--profile', 'admin'], env)).code).toBe(
      0,
    );
    for (const cmd of ['check', 'start']) {
      const r = await lab([cmd, 'day42', '--target', 'aws', '--profile', 'no-summary'], env);
      expect(r.code, r.stdout + r.stderr).toBe(2);
      expect(errorLine(r.stderr)).toBe(
        `error AWS denied iam:GetAccountSummary to the runner's identity ${noSummaryArn} (AccessDenied).`,
      );
      expect(hintLine(r.stderr)).toContain(
        'iam:GetAccountSummary, iam:GetUser, iam:ListAccessKeys',
      );
    }
    const r = await lab(
      ['cleanup', 'day42', '--target', 'aws', '--profile', 'no-summary', '--yes'],
      env,
    );
    expect(r.code).toBe(2);
    expect(errorLine(r.stderr)).toContain(
      `AWS denied iam:GetAccountSummary to the runner's identity ${noSummaryArn}`,
    );
    expect(storedResults(env.LAB_HOME).results).toEqual([]);
  });
});

describe('wrong credentials, no network, unknown profile', () => {
  it('a wrong secret: exit 2, the credentials are rejected, nothing recorded', async () => {
    const env = awsEnv();
    await lab(['start', 'day42', '--target', 'aws', '--profile', 'admin'], env);
    const r = await lab(['check', 'day42', '--target', 'aws', '--profile', 'wrong-secret'], env);
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(errorLine(r.stderr)).toContain('rejected');
    expect(errorLine(r.stderr)).toContain('profile wrong-secret');
    expect(hintLine(r.stderr)).toContain('--profile');
    expect(r.stdout).toBe('');
    expect(storedResults(env.LAB_HOME).results).toEqual([]);
  });

  it('an endpoint nobody listens on: exit 2 "cannot reach", nothing recorded', async () => {
    const port = await freePort();
    const env = awsEnv(`http://127.0.0.1:${port}`);
    for (const cmd of ['check', 'start', 'cleanup']) {
      const r = await lab([cmd, 'day42', '--target', 'aws', '--profile', 'admin'], env);
      expect(r.code, r.stdout + r.stderr).toBe(2);
      expect(errorLine(r.stderr).toLowerCase()).toContain('cannot reach');
      expect(errorLine(r.stderr)).toContain(`127.0.0.1:${port}`);
      expect(hintLine(r.stderr)).toContain('network');
    }
    expect(storedResults(env.LAB_HOME)).toEqual({ results: [], runs: [] });
  });

  it('--profile nope: exit 2 naming the profile and the files, nothing recorded', async () => {
    const env = awsEnv();
    for (const cmd of ['check', 'start', 'cleanup']) {
      const json = cmd === 'start' ? [] : ['--json'];
      const r = await lab([cmd, 'day42', '--target', 'aws', '--profile', 'nope', ...json], env);
      expect(r.code, r.stdout + r.stderr).toBe(2);
      if (json.length) expect(JSON.parse(r.stdout).error.code).toBe('no_profile');
      else expect(r.stdout).toBe('');
      expect(errorLine(r.stderr)).toContain('profile "nope"');
      expect(hintLine(r.stderr)).toContain('admin, reader, wrong-secret, no-summary');
    }
    expect(storedResults(env.LAB_HOME)).toEqual({ results: [], runs: [] });
  });
});

describe('the error-mapping layer', () => {
  it("maps a denial of the runner's own call, and leaves the learner's denials to the check", async () => {
    const seen: Error[] = [];
    const base = { region: sb.region, endpoint: sb.endpoint, credentials: readerKey };
    const runner = makeClients({ ...base, onRunnerDenied: (e) => seen.push(e) });
    const learner = makeClients(base);
    const ctx = { kind: 'aws' as const, callerArn: roArn };
    try {
      const trail = await runner.cloudtrail.send(new LookupEventsCommand({})).catch((e) => e);
      expect(environmentError(trail, ctx)).toMatchObject({
        code: 'access_denied',
        exitCode: 2,
        message: `AWS denied cloudtrail:LookupEvents to the runner's identity ${roArn} (AccessDeniedException).`,
      });
      // EC2's message starts "You are not authorized to perform this operation."
      const ec2 = await runner.ec2.send(new DescribeInstancesCommand({})).catch((e) => e);
      expect(environmentError(ec2, ctx)?.message).toBe(
        `AWS denied ec2:DescribeInstances to the runner's identity ${roArn} (UnauthorizedOperation).`,
      );
      expect(seen.map((e) => e.name)).toEqual(['AccessDeniedException', 'UnauthorizedOperation']);
      // No action in AWS's message: the operation the client was calling names it.
      trail.message = 'Access Denied';
      expect(environmentError(trail, ctx)?.message).toContain('cloudtrail:LookupEvents');
      // The same denial with the learner's key is the lab's business (e.g. denied-ec2).
      const mine = await learner.ec2.send(new DescribeInstancesCommand({})).catch((e) => e);
      expect(mine.name).toBe('UnauthorizedOperation');
      expect(environmentError(mine, ctx)).toBeUndefined();
    } finally {
      destroyClients(runner);
      destroyClients(learner);
    }
  });

  it('a clock more than 5 minutes off is named as such', () => {
    const e = Object.assign(
      new Error(
        'Signature expired: 20260101T000000Z is now earlier than 20260101T001000Z (20260101T001500Z - 5 min.)',
      ),
      { name: 'SignatureDoesNotMatch' },
    );
    expect(environmentError(e, { kind: 'aws', profile: 'dev' })).toMatchObject({
      code: 'clock_skew',
      hint: expect.stringContaining('clock'),
    });
  });
});
