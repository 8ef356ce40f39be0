// State survives `lab sandbox stop`/`start` and a `kill -9` of either process: users, keys and
// their secrets, attached and inline policies, groups, EC2 resources, and the keys a learner
// configured in the isolated CLI files.
import { expect, test } from 'vitest';
import {
  AddUserToGroupCommand,
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateGroupCommand,
  CreateUserCommand,
  GetUserPolicyCommand,
  ListAccessKeysCommand,
  ListAttachedUserPoliciesCommand,
  ListGroupsForUserCommand,
  ListUsersCommand,
  PutUserPolicyCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { CreateSecurityGroupCommand, DescribeSecurityGroupsCommand } from '@aws-sdk/client-ec2';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { ensureSandbox, sandboxStatus, stopSandbox } from '../../sandbox/index.ts';
import { adminClients, clientsFor, useTestSandbox } from '../helpers/sandbox.ts';
import { cleanEnv, lab, run, withDebianCli } from './run-cli.ts';

const sb = useTestSandbox();

const port = () => Number(new URL(sb.endpoint).port);

async function makeUser(name: string) {
  const { iam } = adminClients(sb);
  await iam.send(new CreateUserCommand({ UserName: name }));
  await iam.send(
    new AttachUserPolicyCommand({
      UserName: name,
      PolicyArn: 'arn:aws:iam::aws:policy/IAMFullAccess',
    }),
  );
  const key = (await iam.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
  return { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
}

async function expectUser(name: string, creds: { accessKeyId: string; secretAccessKey: string }) {
  const { iam } = adminClients(sb);
  const attached = await iam.send(new ListAttachedUserPoliciesCommand({ UserName: name }));
  expect(attached.AttachedPolicies?.map((p) => p.PolicyName)).toEqual(['IAMFullAccess']);
  const keys = await iam.send(new ListAccessKeysCommand({ UserName: name }));
  expect(keys.AccessKeyMetadata?.map((k) => k.AccessKeyId)).toEqual([creds.accessKeyId]);
  // The same secret still signs: the key works, as that user.
  const me = await clientsFor(sb, creds).sts.send(new GetCallerIdentityCommand({}));
  expect(me.Arn).toBe(`arn:aws:iam::${sb.accountId}:user/${name}`);
}

test('stop/start keeps users, keys, secrets, policies, groups and EC2 resources', async () => {
  const creds = await makeUser('persist-alice');
  const { iam, ec2 } = adminClients(sb);
  await iam.send(
    new PutUserPolicyCommand({
      UserName: 'persist-alice',
      PolicyName: 'inline',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: '*' }],
      }),
    }),
  );
  await iam.send(new CreateGroupCommand({ GroupName: 'persist-devs' }));
  await iam.send(
    new AddUserToGroupCommand({ GroupName: 'persist-devs', UserName: 'persist-alice' }),
  );
  const sg = await ec2.send(
    new CreateSecurityGroupCommand({ GroupName: 'persist-sg', Description: 'kept' }),
  );

  const stopped = await lab(['sandbox', 'stop'], cleanEnv({ LAB_HOME: sb.home }));
  expect(stopped.code).toBe(0);
  expect((await sandboxStatus({ home: sb.home })).running).toBe(false);
  const started = await lab(['sandbox', 'start'], cleanEnv({ LAB_HOME: sb.home }));
  expect(started.code).toBe(0);
  expect(started.stdout).toContain(sb.endpoint); // same port as before, without --port
  expect(started.stderr).toContain('Starting the sandbox engine'); // progress, on stderr

  // EC2 first: its snapshot is loaded lazily, so the first EC2 call must wait for it.
  const sgs = await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [sg.GroupId!] }));
  expect(sgs.SecurityGroups?.[0]?.GroupName).toBe('persist-sg');
  await expectUser('persist-alice', creds);
  const inline = await iam.send(
    new GetUserPolicyCommand({ UserName: 'persist-alice', PolicyName: 'inline' }),
  );
  expect(decodeURIComponent(inline.PolicyDocument!)).toContain('s3:ListAllMyBuckets');
  const groups = await iam.send(new ListGroupsForUserCommand({ UserName: 'persist-alice' }));
  expect(groups.Groups?.map((g) => g.GroupName)).toEqual(['persist-devs']);
});

test('kill -9 of the engine right after a write loses nothing; the gateway answers 503 meanwhile', async () => {
  const creds = await makeUser('persist-bob');
  const { iam } = adminClients(sb);
  // Acknowledged, then the engine dies before anything else happens.
  await iam.send(
    new UpdateAccessKeyCommand({
      UserName: 'persist-bob',
      AccessKeyId: creds.accessKeyId,
      Status: 'Inactive',
    }),
  );
  sb.kill('engine');
  await waitFor(async () => !(await sandboxStatus({ home: sb.home })).engine.alive);

  // The gateway stays up and says what happened and what to run.
  const err = await adminClients(sb)
    .iam.send(new ListUsersCommand({}))
    .catch((e) => e);
  expect(err.$metadata?.httpStatusCode).toBe(503);
  const down = await run('aws', ['iam', 'list-users'], { ...sb.env, AWS_MAX_ATTEMPTS: '1' });
  expect(down.code).not.toBe(0);
  expect(down.stderr).toContain('lab sandbox start');
  const s = await sandboxStatus({ home: sb.home });
  expect(s).toMatchObject({ running: false, gateway: { alive: true }, engine: { alive: false } });
  const status = await lab(['sandbox', 'status'], cleanEnv({ LAB_HOME: sb.home }));
  expect(status.code).toBe(1);
  expect(status.stdout).toContain('Sandbox: unhealthy');
  expect(status.stdout).toContain('engine   not running');
  expect(status.stdout).toContain('Run lab sandbox start to recover it');

  const gatewayPid = s.gateway.pid;
  const info = await ensureSandbox({ home: sb.home });
  expect(info.endpoint).toBe(sb.endpoint);
  const after = await sandboxStatus({ home: sb.home });
  expect(after.running).toBe(true);
  expect(after.gateway.pid).toBe(gatewayPid); // the gateway kept running; only the engine restarted

  const keys = await iam.send(new ListAccessKeysCommand({ UserName: 'persist-bob' }));
  expect(keys.AccessKeyMetadata).toMatchObject([
    { AccessKeyId: creds.accessKeyId, Status: 'Inactive' },
  ]);
  await iam.send(
    new UpdateAccessKeyCommand({
      UserName: 'persist-bob',
      AccessKeyId: creds.accessKeyId,
      Status: 'Active',
    }),
  );
  await expectUser('persist-bob', creds);
});

test('kill -9 of the gateway: ensureSandbox brings it back on the same port', async () => {
  sb.kill('gateway');
  await waitFor(async () => !(await sandboxStatus({ home: sb.home })).gateway.alive);
  const info = await ensureSandbox({ home: sb.home });
  expect(Number(new URL(info.endpoint).port)).toBe(port());
  const me = await adminClients(sb).sts.send(new GetCallerIdentityCommand({}));
  expect(me.Arn).toBe(sb.learner.arn);
});

test('a key configured in the isolated CLI files keeps working after kill -9 and a restart', async () => {
  const creds = await makeUser('persist-carol');
  const env = sb.env;
  for (const [k, v] of [
    ['aws_access_key_id', creds.accessKeyId],
    ['aws_secret_access_key', creds.secretAccessKey],
    ['region', sb.region],
  ]) {
    const r = await run('aws', ['configure', 'set', k, v, '--profile', 'carol'], env);
    expect(r.code, r.stderr).toBe(0);
  }
  const before = await run('aws', ['--profile', 'carol', 'iam', 'list-users'], env);
  expect(before.code, before.stderr).toBe(0);

  sb.kill('engine');
  sb.kill('gateway');
  await stopSandbox({ home: sb.home }); // cleans up run.json of the dead processes
  await ensureSandbox({ home: sb.home });

  // AWS CLI v1 (pyenv) and Debian's v2.9 through the sandbox's `aws` wrapper.
  for (const cliEnv of [env, withDebianCli(env)]) {
    const version = (await run('aws', ['--version'], cliEnv)).stdout;
    const r = await run(
      'aws',
      ['--profile', 'carol', 'iam', 'list-users', '--output', 'json'],
      cliEnv,
    );
    expect(r.code, `${version}: ${r.stderr}`).toBe(0);
    expect(JSON.parse(r.stdout).Users.map((u: { UserName: string }) => u.UserName)).toContain(
      'persist-carol',
    );
  }
  // The sandbox rewrote only its own profile: carol's is still there.
  const admin = await run('aws', ['sts', 'get-caller-identity', '--output', 'json'], env);
  expect(JSON.parse(admin.stdout).Arn).toBe(sb.learner.arn);
});

async function waitFor(cond: () => Promise<boolean>, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('20 concurrent clients writing and reading: every acknowledged write survives kill -9', async () => {
  const { iam } = adminClients(sb);
  const names = Array.from({ length: 20 }, (_, i) => `concurrent-${i}`);
  const results = await Promise.all(
    names.map(async (name, i) => {
      // A client of its own each (own connection), interleaving writes with reads.
      const c = clientsFor(sb, i % 2 ? sb.learner : sb.runner);
      await c.iam.send(new CreateUserCommand({ UserName: name }));
      await c.iam.send(new ListUsersCommand({}));
      const key = await c.iam.send(new CreateAccessKeyCommand({ UserName: name }));
      return key.AccessKey!.AccessKeyId!;
    }),
  );
  sb.kill('engine');
  await ensureSandbox({ home: sb.home });
  const users = await iam.send(new ListUsersCommand({ MaxItems: 1000 }));
  const present = new Set(users.Users?.map((u) => u.UserName));
  for (const name of names) expect(present.has(name), name).toBe(true);
  for (const [i, name] of names.entries()) {
    const keys = await iam.send(new ListAccessKeysCommand({ UserName: name }));
    expect(keys.AccessKeyMetadata?.map((k) => k.AccessKeyId)).toEqual([results[i]]);
  }
});

test('kill -9 in the middle of a burst of writes: the engine restarts and keeps every answered write', async () => {
  const acknowledged: string[] = [];
  let stop = false;
  const stream = async (s: number) => {
    const c = clientsFor(sb, sb.learner);
    for (let i = 0; !stop && i < 200; i++) {
      const name = `burst-${s}-${i}`;
      try {
        await c.iam.send(new CreateUserCommand({ UserName: name }));
        acknowledged.push(name);
      } catch {
        return; // the engine is gone: the gateway answers 503 from now on
      }
    }
  };
  const streams = [0, 1, 2, 3].map(stream);
  while (acknowledged.length < 12) await new Promise((r) => setTimeout(r, 5));
  sb.kill('engine'); // most likely mid-request, possibly mid-snapshot
  stop = true;
  await Promise.all(streams);
  expect(acknowledged.length).toBeGreaterThanOrEqual(12);

  await ensureSandbox({ home: sb.home });
  const users = await adminClients(sb).iam.send(new ListUsersCommand({ MaxItems: 1000 }));
  const present = new Set(users.Users?.map((u) => u.UserName));
  expect(acknowledged.filter((n) => !present.has(n))).toEqual([]);
});
