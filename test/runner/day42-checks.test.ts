// Every day42 check, pass and fail, against a real sandbox (moto + gateway)
// through real SDK clients; the learner's actions are made the way a learner's
// tools make them (SDK clients without the runner's user agent, CLI files).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { nextSecond } from '../helpers/clock.ts';
import { mkdtemp, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  DeleteAccessKeyCommand,
  DetachUserPolicyCommand,
  PutGroupPolicyCommand,
  CreateGroupCommand,
  AddUserToGroupCommand,
  RemoveUserFromGroupCommand,
  DeleteGroupPolicyCommand,
  DeleteGroupCommand,
  ListUsersCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import {
  startTestSandbox,
  adminClients,
  clientsFor,
  type TestSandbox,
} from '../helpers/sandbox.ts';
import { resolveTarget, type Target } from '../../runner/target/index.ts';
import { USER_AGENT } from '../../runner/aws/index.ts';
import { runChecks, startLab, type CheckResult } from '../../runner/check/index.ts';
import { openStore, ledgerFor, currentRun } from '../../runner/store/index.ts';

let sb: TestSandbox;
let target: Target;
let admin: ReturnType<typeof adminClients>;

beforeAll(async () => {
  sb = await startTestSandbox();
  target = await resolveTarget({ target: 'sandbox', home: sb.home, env: {} });
  admin = adminClients(sb);
});
afterAll(async () => {
  target?.close();
  await sb?.stop();
});

/** A new run of day42 with its own progress store (the sandbox is shared between tests). */
async function freshRun(t: Target = target): Promise<string> {
  // Event times and CreateDate have whole seconds (as on AWS), and a check counts what happened
  // in the second its run started: start each run in a second of its own, so the previous
  // test's keys and calls (same sandbox) are not this run's, as they would not be a learner's.
  await nextSecond();
  const home = await mkdtemp(join(tmpdir(), 'lab-run-'));
  await startLab({ lab: 'day42', target: t, home, env: {} });
  return home;
}

async function check(
  home: string,
  opts: { step?: string } = {},
): Promise<Record<string, CheckResult>> {
  const results = await runChecks({
    lab: 'day42',
    target,
    home,
    retryDelays: [],
    env: {},
    ...opts,
  });
  return Object.fromEntries(results.map((r) => [r.id, r]));
}

async function newKey() {
  const r = await admin.iam.send(new CreateAccessKeyCommand({ UserName: 'iam-admin' }));
  return { accessKeyId: r.AccessKey!.AccessKeyId!, secretAccessKey: r.AccessKey!.SecretAccessKey! };
}

/** What `aws configure --profile name` writes (credentials + config), under any profile name. */
async function configure(
  name: string,
  key: { accessKeyId: string; secretAccessKey: string },
  region?: string,
) {
  await appendFile(
    sb.credentialsFile,
    `\n[${name}]\naws_access_key_id = ${key.accessKeyId}\naws_secret_access_key = ${key.secretAccessKey}\n`,
  );
  if (region)
    await appendFile(sb.configFile, `\n[profile ${name}]\nregion = ${region}\noutput = json\n`);
}

const learner = (key: { accessKeyId: string; secretAccessKey: string }) =>
  clientsFor({ endpoint: sb.endpoint, region: 'ap-southeast-2' }, key);

describe('day42 checks against a real sandbox', () => {
  it('setup creates iam-admin with IAMFullAccess and records it in the ledger', async () => {
    const home = await freshRun();
    const store = openStore(home);
    const run = currentRun(store, 'day42', 'sandbox', sb.accountId)!;
    const ledger = ledgerFor(store, run.id);
    store.close();
    // The first run of this sandbox created the user; a later run finds it and records nothing.
    expect(ledger.map((e) => [e.kind, e.resourceId, e.createdBy])).toEqual([
      ['iam-user', 'iam-admin', 'lab'],
    ]);
    const home2 = await freshRun();
    const store2 = openStore(home2);
    expect(ledgerFor(store2, currentRun(store2, 'day42', 'sandbox', sb.accountId)!.id)).toEqual([]);
    store2.close();
  });

  it('walks every step from failed to passed', async () => {
    const home = await freshRun();
    let r = await check(home);
    // Nothing attempted yet: every step is "not tried yet", none "failed".
    expect(Object.values(r).map((x) => x.status)).toEqual(Array(5).fill('not-tried'));
    expect(r['create-key'].evidence).toMatch(/no access keys/);
    expect(r['create-key'].hint).toMatch(/create-access-key/);

    const key = await newKey();
    r = await check(home);
    expect(r['create-key'].status).toBe('passed');
    expect(r['create-key'].evidence).toContain(key.accessKeyId);
    // Not configured yet: "not tried yet", like every step the learner has not reached.
    expect(r.configure.status).toBe('not-tried');
    expect(r.configure.evidence).toMatch(/no profile/);
    expect(r.cleanup.status).toBe('not-tried');
    // A profile under the step's name holding another key is an attempt that went wrong.
    await appendFile(
      sb.credentialsFile,
      `\n[iam-admin]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = x\n`,
    );
    r = await check(home, { step: 'configure' });
    expect(r.configure.status).toBe('failed');
    expect(r.configure.evidence).toBe(
      'profile iam-admin holds AKIAIOSFODNN7EXAMPLE, not the key you created',
    );

    // The learner may call the profile anything: it is found by the key id.
    await configure('my-odd-name_42', key, 'ap-southeast-2');
    r = await check(home, { step: 'configure' });
    expect(r.configure.status).toBe('passed');
    expect(r.configure.evidence).toMatch(/my-odd-name_42.*iam-admin/);
    // The next hints name the learner's own profile, not a placeholder.
    r = await check(home, { step: 'list-users' });
    expect(r['list-users'].hint).toBe('Run `aws iam list-users --profile my-odd-name_42`.');

    const me = learner(key);
    await me.iam.send(new ListUsersCommand({}));
    await expect(me.ec2.send(new DescribeInstancesCommand({}))).rejects.toMatchObject({
      name: 'UnauthorizedOperation',
    });
    r = await check(home);
    expect(r['list-users'].status).toBe('passed');
    expect(r['list-users'].evidence).toContain(key.accessKeyId);
    expect(r['denied-ec2'].status).toBe('passed');
    expect(r['denied-ec2'].evidence).toMatch(/UnauthorizedOperation/);
    // The key is meant to live until the last step: nothing retired yet is not a failure.
    expect(r.cleanup.status).toBe('not-tried');
    expect(r.cleanup.hint).toMatch(/Deactivate it first/);

    await admin.iam.send(
      new UpdateAccessKeyCommand({
        UserName: 'iam-admin',
        AccessKeyId: key.accessKeyId,
        Status: 'Inactive',
      }),
    );
    r = await check(home, { step: 'cleanup' });
    expect(r.cleanup.status).toBe('failed');
    expect(r.cleanup.hint).toMatch(/Now delete it/);

    await admin.iam.send(
      new DeleteAccessKeyCommand({ UserName: 'iam-admin', AccessKeyId: key.accessKeyId }),
    );
    r = await check(home);
    // Every step passes at the end, also those whose key is now gone.
    expect(Object.fromEntries(Object.values(r).map((x) => [x.id, x.status]))).toEqual({
      'create-key': 'passed',
      configure: 'passed',
      'list-users': 'passed',
      'denied-ec2': 'passed',
      cleanup: 'passed',
    });
    expect(r.cleanup.evidence).toMatch(/deactivated .* deleted/);
  });

  it('create-key fails for a key created before the lab started', async () => {
    const old = await newKey();
    await nextSecond(); // CreateDate has whole seconds
    const home = await freshRun();
    const r = await check(home, { step: 'create-key' });
    expect(r['create-key'].status).toBe('failed');
    expect(r['create-key'].evidence).toContain(
      `only keys from before the lab started: ${old.accessKeyId}`,
    );
    await admin.iam.send(
      new DeleteAccessKeyCommand({ UserName: 'iam-admin', AccessKeyId: old.accessKeyId }),
    );
  });

  it('configure fails without a region, and with a wrong secret', async () => {
    const home = await freshRun();
    const key = await newKey();
    await configure('noregion', key);
    let r = await check(home, { step: 'configure' });
    expect(r.configure.status).toBe('failed');
    expect(r.configure.evidence).toMatch(/noregion holds the key but has no region/);

    const home2 = await freshRun();
    const key2 = await newKey().catch(async () => {
      await admin.iam.send(
        new DeleteAccessKeyCommand({ UserName: 'iam-admin', AccessKeyId: key.accessKeyId }),
      );
      return newKey();
    });
    await configure('badsecret', { ...key2, secretAccessKey: 'x'.repeat(40) }, 'ap-southeast-2');
    r = await check(home2, { step: 'configure' });
    expect(r.configure.status).toBe('failed');
    expect(r.configure.evidence).toMatch(/rejected the key/);
    expect(r.configure.hint).toMatch(/does not match/);
    for (const k of [key, key2]) {
      await admin.iam
        .send(new DeleteAccessKeyCommand({ UserName: 'iam-admin', AccessKeyId: k.accessKeyId }))
        .catch(() => {});
    }
  });

  it("list-users never counts the runner's own calls (its user agent)", async () => {
    const home = await freshRun();
    const key = await newKey();
    const asRunner = clientsFor(
      { endpoint: sb.endpoint, region: 'ap-southeast-2' },
      key,
      USER_AGENT,
    );
    await asRunner.iam.send(new ListUsersCommand({}));
    let r = await check(home, { step: 'list-users' });
    expect(r['list-users'].status).toBe('not-tried');
    await learner(key).iam.send(new ListUsersCommand({}));
    r = await check(home, { step: 'list-users' });
    expect(r['list-users'].status).toBe('passed');
    await admin.iam.send(
      new DeleteAccessKeyCommand({ UserName: 'iam-admin', AccessKeyId: key.accessKeyId }),
    );
  });

  it('denied-ec2 fails when the learner granted EC2 rights, directly or through a group', async () => {
    const home = await freshRun();
    const key = await newKey();
    await expect(learner(key).ec2.send(new DescribeInstancesCommand({}))).rejects.toThrow();
    let r = await check(home, { step: 'denied-ec2' });
    expect(r['denied-ec2'].status).toBe('passed');

    const arn = 'arn:aws:iam::aws:policy/AmazonEC2ReadOnlyAccess';
    await admin.iam.send(new AttachUserPolicyCommand({ UserName: 'iam-admin', PolicyArn: arn }));
    r = await check(home, { step: 'denied-ec2' });
    expect(r['denied-ec2'].status).toBe('failed');
    expect(r['denied-ec2'].evidence).toMatch(
      /EC2 permissions: attached policy AmazonEC2ReadOnlyAccess/,
    );
    expect(r['denied-ec2'].hint).toMatch(/least privilege/);
    await admin.iam.send(new DetachUserPolicyCommand({ UserName: 'iam-admin', PolicyArn: arn }));

    await admin.iam.send(new CreateGroupCommand({ GroupName: 'ec2-fixers' }));
    await admin.iam.send(
      new PutGroupPolicyCommand({
        GroupName: 'ec2-fixers',
        PolicyName: 'let-me-in',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 'ec2:Describe*', Resource: '*' }],
        }),
      }),
    );
    await admin.iam.send(
      new AddUserToGroupCommand({ GroupName: 'ec2-fixers', UserName: 'iam-admin' }),
    );
    r = await check(home, { step: 'denied-ec2' });
    expect(r['denied-ec2'].status).toBe('failed');
    expect(r['denied-ec2'].evidence).toMatch(/inline policy let-me-in of group ec2-fixers/);
    await admin.iam.send(
      new RemoveUserFromGroupCommand({ GroupName: 'ec2-fixers', UserName: 'iam-admin' }),
    );
    await admin.iam.send(
      new DeleteGroupPolicyCommand({ GroupName: 'ec2-fixers', PolicyName: 'let-me-in' }),
    );
    await admin.iam.send(new DeleteGroupCommand({ GroupName: 'ec2-fixers' }));

    r = await check(home, { step: 'denied-ec2' });
    expect(r['denied-ec2'].status).toBe('passed');
    await admin.iam.send(
      new DeleteAccessKeyCommand({ UserName: 'iam-admin', AccessKeyId: key.accessKeyId }),
    );
  });

  it('denied-ec2 fails before DescribeInstances was tried', async () => {
    const home = await freshRun();
    const key = await newKey();
    const r = await check(home, { step: 'denied-ec2' });
    // Never attempted: "not tried yet", distinct from a wrong attempt.
    expect(r['denied-ec2'].status).toBe('not-tried');
    expect(r['denied-ec2'].hint).toMatch(/describe-instances/);
    await admin.iam.send(
      new DeleteAccessKeyCommand({ UserName: 'iam-admin', AccessKeyId: key.accessKeyId }),
    );
  });

  it('cleanup fails when the key was deleted without being deactivated first', async () => {
    const home = await freshRun();
    const key = await newKey();
    await check(home, { step: 'create-key' });
    await admin.iam.send(
      new DeleteAccessKeyCommand({ UserName: 'iam-admin', AccessKeyId: key.accessKeyId }),
    );
    const r = await check(home);
    expect(r['create-key'].status).toBe('passed');
    expect(r.cleanup.status).toBe('failed');
    expect(r.cleanup.evidence).toMatch(/without being deactivated first/);
  });

  it('cleanup follows its hint: a key deleted while Active is reported at once; retiring a new one in order passes', async () => {
    const home = await freshRun();
    const first = await newKey();
    const second = await newKey();
    await admin.iam.send(
      new UpdateAccessKeyCommand({
        UserName: 'iam-admin',
        AccessKeyId: first.accessKeyId,
        Status: 'Inactive',
      }),
    );
    await admin.iam.send(
      new DeleteAccessKeyCommand({ UserName: 'iam-admin', AccessKeyId: first.accessKeyId }),
    );
    // The second, still Active, deleted straight away: said at once, not after the others.
    await admin.iam.send(
      new DeleteAccessKeyCommand({ UserName: 'iam-admin', AccessKeyId: second.accessKeyId }),
    );
    let r = await check(home, { step: 'cleanup' });
    expect(r.cleanup.status).toBe('failed');
    expect(r.cleanup.evidence).toContain(`${second.accessKeyId} was deleted`);
    expect(r.cleanup.evidence).toMatch(/while still Active, without being deactivated first/);
    // What `lab hint day42 cleanup` says: a new key, deactivated, then deleted.
    const third = await newKey();
    await admin.iam.send(
      new UpdateAccessKeyCommand({
        UserName: 'iam-admin',
        AccessKeyId: third.accessKeyId,
        Status: 'Inactive',
      }),
    );
    await admin.iam.send(
      new DeleteAccessKeyCommand({ UserName: 'iam-admin', AccessKeyId: third.accessKeyId }),
    );
    r = await check(home, { step: 'cleanup' });
    expect(r.cleanup.status, r.cleanup.evidence).toBe('passed');
    expect(r.cleanup.evidence).toContain(`${third.accessKeyId} deactivated`);
  });

  it('cleanup passes a rotation: a new key in place, the old one deactivated then deleted', async () => {
    const home = await freshRun();
    const old = await newKey();
    const fresh = await newKey();
    await admin.iam.send(
      new UpdateAccessKeyCommand({
        UserName: 'iam-admin',
        AccessKeyId: old.accessKeyId,
        Status: 'Inactive',
      }),
    );
    let r = await check(home, { step: 'cleanup' });
    expect(r.cleanup.status).toBe('failed');
    expect(r.cleanup.hint).toContain(
      `delete-access-key --user-name iam-admin --access-key-id ${old.accessKeyId}`,
    );
    await admin.iam.send(
      new DeleteAccessKeyCommand({ UserName: 'iam-admin', AccessKeyId: old.accessKeyId }),
    );
    r = await check(home, { step: 'cleanup' });
    expect(r.cleanup.status, r.cleanup.evidence).toBe('passed');
    expect(r.cleanup.evidence).toContain(`${fresh.accessKeyId} (newer) kept`);
    await admin.iam.send(
      new DeleteAccessKeyCommand({ UserName: 'iam-admin', AccessKeyId: fresh.accessKeyId }),
    );
  });

  it('configure asks for ap-southeast-2: a profile in another region fails, naming it', async () => {
    const home = await freshRun();
    const key = await newKey();
    await configure('elsewhere', key, 'us-west-2');
    let r = await check(home, { step: 'configure' });
    expect(r.configure.status).toBe('failed');
    expect(r.configure.evidence).toContain('with region us-west-2 instead of ap-southeast-2');
    expect(r.configure.hint).toContain(
      'aws configure set region ap-southeast-2 --profile elsewhere',
    );
    await appendFile(sb.configFile, 'region = ap-southeast-2\n'); // the last [profile elsewhere] wins
    r = await check(home, { step: 'configure' });
    expect(r.configure.status, r.configure.evidence).toBe('passed');
    await admin.iam.send(
      new DeleteAccessKeyCommand({ UserName: 'iam-admin', AccessKeyId: key.accessKeyId }),
    );
  });

  it("the README's aside holds: an IAMFullAccess key can make its own user an administrator", async () => {
    await freshRun();
    const key = await newKey();
    const self = learner(key);
    await expect(self.ec2.send(new DescribeInstancesCommand({}))).rejects.toThrow(/not authorized/);
    await self.iam.send(
      new AttachUserPolicyCommand({
        UserName: 'iam-admin',
        PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess',
      }),
    );
    await expect(self.ec2.send(new DescribeInstancesCommand({}))).resolves.toBeTruthy();
    await admin.iam.send(
      new DetachUserPolicyCommand({
        UserName: 'iam-admin',
        PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess',
      }),
    );
    await admin.iam.send(
      new DeleteAccessKeyCommand({ UserName: 'iam-admin', AccessKeyId: key.accessKeyId }),
    );
  });

  it('retries a failed step with backoff before calling it failed (eventual consistency)', async () => {
    const home = await freshRun();
    const slept: number[] = [];
    let key: { accessKeyId: string } | undefined;
    const results = await runChecks({
      lab: 'day42',
      target,
      home,
      step: 'create-key',
      env: {},
      retryDelays: [10, 20, 40],
      clock: {
        now: () => new Date(),
        // The key "appears" while the engine waits, as a new IAM key does on AWS.
        sleep: async (ms) => {
          slept.push(ms);
          if (slept.length === 2) key = await newKey();
        },
      },
    });
    expect(results[0].evidence, JSON.stringify(results)).toContain(key?.accessKeyId ?? 'no key');
    expect(slept).toEqual([10, 20]);
    expect(results[0].status).toBe('passed');
    expect(results[0].evidence).toContain(key!.accessKeyId);
    await admin.iam.send(
      new DeleteAccessKeyCommand({ UserName: 'iam-admin', AccessKeyId: key!.accessKeyId }),
    );
  });

  it('on the sandbox, a step not done is failed at once: no retry wait (nothing there lags)', async () => {
    const home = await freshRun();
    const slept: number[] = [];
    const results = await runChecks({
      lab: 'day42',
      target,
      home,
      env: {},
      // The default delays, as `lab check` runs: the sandbox's IAM and activity log are written
      // before the call that made them returns, so a second look cannot see anything new.
      clock: { now: () => new Date(), sleep: async (ms) => void slept.push(ms) },
    });
    // Nothing done yet: each step is not tried or failed, both of which the engine retries.
    expect(results.map((r) => r.status)).not.toContain('passed');
    expect(slept).toEqual([]);
  });

  it('on AWS, evidence not yet in CloudTrail is pending, not failed', async () => {
    // The same checks with the target marked as AWS (CloudTrail lags there); the account is the sandbox.
    const aws = { ...target, kind: 'aws' as const };
    const home = await freshRun(aws);
    const key = await newKey();
    const results = await runChecks({ lab: 'day42', target: aws, home, env: {}, retryDelays: [] });
    const r = Object.fromEntries(results.map((x) => [x.id, x]));
    expect(r['create-key'].status).toBe('passed');
    expect(r['list-users'].status).toBe('pending');
    expect(r['list-users'].evidence).toBe('waiting for CloudTrail, usually under 5 minutes');
    expect(r['denied-ec2'].status).toBe('pending');
    await admin.iam.send(
      new DeleteAccessKeyCommand({ UserName: 'iam-admin', AccessKeyId: key.accessKeyId }),
    );
  });
});
