// Ownership by identity, never by name or time (one sandbox for the file):
//  - a same-named replacement of the lab's user (new UserId) is kept, with why;
//  - a key an admin's automation made on the lab user during the run is neither evidence nor
//    deleted;
//  - two runs in one account (two learners) never count each other's keys;
//  - a learner-made group, membership and attachment are found in the event history and
//    removed in dependency order (a second lab through the same generic path as day42's keys);
//  - every IAM kind of the registry: discovered, deleted in order, verified gone, and the
//    account snapshot (what `lab test` compares) back to what it was.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import {
  AddRoleToInstanceProfileCommand,
  AddUserToGroupCommand,
  AttachRolePolicyCommand,
  CreateInstanceProfileCommand,
  CreateLoginProfileCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateVirtualMFADeviceCommand,
  PutUserPolicyCommand,
  AttachGroupPolicyCommand,
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateGroupCommand,
  CreateUserCommand,
  DeleteUserCommand,
  DetachUserPolicyCommand,
  GetGroupCommand,
  GetUserCommand,
  ListAccessKeysCommand,
} from '@aws-sdk/client-iam';
import {
  adminClients,
  clientsFor,
  startTestSandbox,
  type TestSandbox,
} from '../../helpers/sandbox.ts';
import { resolveTarget, type Target } from '../../../runner/target/index.ts';
import { checkLab, loadDefinition, startLab } from '../../../runner/check/index.ts';
import { getRun, openStore } from '../../../runner/store/index.ts';
import { runCleanup } from '../../../runner/cleanup/index.ts';
import {
  KINDS,
  deleteUser,
  diffSnapshots,
  snapshotAccount,
} from '../../../runner/resources/index.ts';

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

/** Another identity in the same account with its own key (an admin's automation, a learner). */
async function identity(name: string, policy = 'arn:aws:iam::aws:policy/IAMFullAccess') {
  const { User } = await admin.iam.send(new CreateUserCommand({ UserName: name }));
  await admin.iam.send(new AttachUserPolicyCommand({ UserName: name, PolicyArn: policy }));
  const { AccessKey } = await admin.iam.send(new CreateAccessKeyCommand({ UserName: name }));
  const creds = {
    accessKeyId: AccessKey!.AccessKeyId!,
    secretAccessKey: AccessKey!.SecretAccessKey!,
  };
  return { arn: User!.Arn!, clients: clientsFor(sb, creds, 'aws-cli/2.9.0 automation') };
}

async function run(lab: string, t: Target = target) {
  const home = await mkdtemp(join(tmpdir(), 'lab-own-'));
  const started = await startLab({ lab, target: t, home, env: {} });
  return { home, runId: started.run.id };
}

async function cleanup(home: string, runId: number, lab: string, t: Target = target) {
  const store = openStore(home);
  let out = '';
  const sink = new Writable({ write: (c, _e, cb) => ((out += c), cb()) });
  try {
    const report = await runCleanup({
      run: getRun(store, runId)!,
      target: t,
      store,
      lab: await loadDefinition(lab, { env: {} }),
      yes: true,
      stdout: sink,
      stderr: sink,
      env: {},
    });
    return { report, out };
  } finally {
    store.close();
  }
}

const keysOf = async (user: string) =>
  (
    (await admin.iam.send(new ListAccessKeysCommand({ UserName: user }))).AccessKeyMetadata ?? []
  ).map((k) => k.AccessKeyId!);

describe('ownership by identity', () => {
  it('keeps a same-named replacement of the lab user (new UserId), saying why', async () => {
    const { home, runId } = await run('day42'); // setup creates iam-admin, recording its UserId
    const before = (await admin.iam.send(new GetUserCommand({ UserName: 'iam-admin' }))).User!;
    // Someone else replaces it: same name, new UserId, AdministratorAccess, a key of its own.
    const someone = (await identity('replacer')).clients.iam;
    await someone.send(
      new DetachUserPolicyCommand({
        UserName: 'iam-admin',
        PolicyArn: 'arn:aws:iam::aws:policy/IAMFullAccess',
      }),
    );
    await someone.send(new DeleteUserCommand({ UserName: 'iam-admin' }));
    const { User: replacement } = await someone.send(
      new CreateUserCommand({ UserName: 'iam-admin' }),
    );
    await someone.send(
      new AttachUserPolicyCommand({
        UserName: 'iam-admin',
        PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess',
      }),
    );
    const { AccessKey } = await someone.send(new CreateAccessKeyCommand({ UserName: 'iam-admin' }));
    expect(replacement!.UserId).not.toBe(before.UserId);

    const { report, out } = await cleanup(home, runId, 'day42');
    expect(out).not.toMatch(/delete IAM user iam-admin/);
    expect(out).toContain(
      `keep IAM user iam-admin (the one there now): not provably this lab's: its userId is ${replacement!.UserId}, not the ${before.UserId} the lab recorded`,
    );
    expect(report.clean).toBe(true);
    const still = (await admin.iam.send(new GetUserCommand({ UserName: 'iam-admin' }))).User!;
    expect(still.UserId).toBe(replacement!.UserId);
    expect(await keysOf('iam-admin')).toContain(AccessKey!.AccessKeyId);
    // Leave the account as the next test expects: no iam-admin.
    await deleteUser(admin.iam, 'iam-admin');
  });

  it("an admin's automation key made on the lab user during the run is neither evidence nor deleted", async () => {
    // iam-admin and the automation's identity exist before the lab (setup keeps iam-admin).
    await admin.iam.send(new CreateUserCommand({ UserName: 'iam-admin' }));
    const automation = await identity('automation-bot');
    const { home, runId } = await run('day42');
    const { AccessKey: bot } = await automation.clients.iam.send(
      new CreateAccessKeyCommand({ UserName: 'iam-admin' }),
    );
    const first = await checkLab({
      lab: 'day42',
      target,
      home,
      step: 'create-key',
      env: {},
      retryDelays: [],
    });
    expect(first.results[0].status).not.toBe('passed');
    expect(first.results[0].evidence).toContain(
      `${bot!.AccessKeyId} was created during the lab, but not by you`,
    );

    // The learner (sandbox admin) makes their own key: that one is the run's.
    const { AccessKey: mine } = await admin.iam.send(
      new CreateAccessKeyCommand({ UserName: 'iam-admin' }),
    );
    const second = await checkLab({
      lab: 'day42',
      target,
      home,
      step: 'create-key',
      env: {},
      retryDelays: [],
    });
    expect(second.results[0].status).toBe('passed');
    expect(second.results[0].evidence).toContain(mine!.AccessKeyId);

    const { out } = await cleanup(home, runId, 'day42');
    expect(out).toContain(`keep access key ${bot!.AccessKeyId} of iam-admin`);
    expect(out).toContain('not provably this lab');
    expect(out).toContain(`delete access key ${mine!.AccessKeyId} of iam-admin`);
    expect(out).toContain('keep IAM user iam-admin: existed before the lab');
    expect(await keysOf('iam-admin')).toEqual([bot!.AccessKeyId]);
  });

  it("two runs in one account (two learners) never count each other's keys", async () => {
    const { home: homeA } = await run('day42');
    // Learner B works as another identity in the same account, in a run of their own.
    const b = await identity('learner-b');
    const targetB: Target = { ...target, learnerArn: b.arn };
    const { home: homeB } = await run('day42', targetB);
    const { AccessKey: keyB } = await b.clients.iam.send(
      new CreateAccessKeyCommand({ UserName: 'iam-admin' }),
    );

    const a = await checkLab({
      lab: 'day42',
      target,
      home: homeA,
      step: 'create-key',
      env: {},
      retryDelays: [],
    });
    expect(a.results[0].status).not.toBe('passed');
    expect(a.results[0].evidence).not.toMatch(/is Active|created during this lab \(/);
    const bResult = await checkLab({
      lab: 'day42',
      target: targetB,
      home: homeB,
      step: 'create-key',
      env: {},
      retryDelays: [],
    });
    expect(bResult.results[0].status).toBe('passed');
    expect(bResult.results[0].evidence).toContain(keyB!.AccessKeyId);
  });

  it("two labs open at once (one learner): neither's automatic cleanup takes the other's work", async () => {
    // The learner leaves iam-groups unfinished and starts day42 (one home, one identity):
    // the key made for day42's iam-admin and the user made for iam-groups are each one lab's
    // work. iam-groups' cleanup deleted that key, and day42's plan took lab-reader.
    await deleteUser(admin.iam, 'iam-admin');
    const home = await mkdtemp(join(tmpdir(), 'lab-own-'));
    const groups = await startLab({ lab: 'iam-groups', target, home, env: {} });
    const day42 = await startLab({ lab: 'day42', target, home, env: {} });
    const { AccessKey } = await admin.iam.send(
      new CreateAccessKeyCommand({ UserName: 'iam-admin' }),
    );
    await admin.iam.send(new CreateUserCommand({ UserName: 'lab-reader' }));

    const g = await cleanup(home, groups.run.id, 'iam-groups');
    expect(g.out).not.toMatch(
      new RegExp(`(deactivate|delete) access key ${AccessKey!.AccessKeyId}`),
    );
    expect(await keysOf('iam-admin')).toEqual([AccessKey!.AccessKeyId]);
    // Kept, and the plan says why: it could be day42's as well.
    expect(g.out).toMatch(
      /IAM user lab-reader.*while lab day42 was open too.*not provably this lab's/,
    );
    const d = await cleanup(home, day42.run.id, 'day42');
    expect(d.out).toContain(`delete access key ${AccessKey!.AccessKeyId} of iam-admin`);
    expect(d.out).not.toMatch(/delete .*lab-reader/);
    // lab-reader is still there: made while both labs were open, neither may delete it.
    await expect(
      admin.iam.send(new GetUserCommand({ UserName: 'lab-reader' })),
    ).resolves.toBeTruthy();
    await admin.iam.send(new DeleteUserCommand({ UserName: 'lab-reader' }));
  });

  it("finds the learner's group, membership and attachment in the history and removes them in order", async () => {
    const { home, runId } = await run('iam-groups');
    await admin.iam.send(new CreateGroupCommand({ GroupName: 'lab-readers' }));
    await admin.iam.send(
      new AttachGroupPolicyCommand({
        GroupName: 'lab-readers',
        PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess',
      }),
    );
    await admin.iam.send(new CreateUserCommand({ UserName: 'lab-reader' }));
    await admin.iam.send(
      new AddUserToGroupCommand({ GroupName: 'lab-readers', UserName: 'lab-reader' }),
    );
    // Another identity's group, made during the run: not this run's.
    const other = await identity('someone-else');
    await other.clients.iam.send(new CreateGroupCommand({ GroupName: 'their-group' }));

    const { report, out } = await cleanup(home, runId, 'iam-groups');
    const lines = out.split('\n');
    const at = (s: string) => lines.findIndex((l) => l.includes(s));
    expect(at('remove lab-reader from group lab-readers')).toBeGreaterThan(0);
    expect(at('detach ReadOnlyAccess from group lab-readers')).toBeGreaterThan(0);
    expect(at('delete IAM group lab-readers (created by you during the lab)')).toBeGreaterThan(
      at('remove lab-reader from group lab-readers'),
    );
    expect(out).toContain('delete IAM user lab-reader (created by you during the lab)');
    expect(out).not.toContain('their-group');
    expect(report.clean).toBe(true);
    await expect(
      admin.iam.send(new GetGroupCommand({ GroupName: 'lab-readers' })),
    ).rejects.toThrow();
    expect(
      (await admin.iam.send(new GetGroupCommand({ GroupName: 'their-group' }))).Group,
    ).toBeTruthy();
  });

  it('every IAM kind the registry knows: found, removed in dependency order, gone from the snapshot', async () => {
    const iamKinds = KINDS.filter((k) => !k.regional).map((k) => k.kind);
    const before = await snapshotAccount(target);
    const { home, runId } = await run('iam-groups');
    const iam = admin.iam;
    const doc = (action: string, principal?: object) =>
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: action,
            ...(principal ? { Principal: principal } : { Resource: '*' }),
          },
        ],
      });
    const { Policy } = await iam.send(
      new CreatePolicyCommand({
        PolicyName: 'lab-all-policy',
        PolicyDocument: doc('s3:ListAllMyBuckets'),
      }),
    );
    await iam.send(new CreateUserCommand({ UserName: 'lab-all-user' }));
    await iam.send(
      new CreateLoginProfileCommand({ UserName: 'lab-all-user', Password: 'Lab-all-pass-1234!' }),
    );
    await iam.send(
      new PutUserPolicyCommand({
        UserName: 'lab-all-user',
        PolicyName: 'inline-one',
        PolicyDocument: doc('iam:GetUser'),
      }),
    );
    await iam.send(
      new AttachUserPolicyCommand({ UserName: 'lab-all-user', PolicyArn: Policy!.Arn }),
    );
    await iam.send(new CreateGroupCommand({ GroupName: 'lab-all-group' }));
    await iam.send(
      new AddUserToGroupCommand({ GroupName: 'lab-all-group', UserName: 'lab-all-user' }),
    );
    await iam.send(
      new AttachGroupPolicyCommand({ GroupName: 'lab-all-group', PolicyArn: Policy!.Arn }),
    );
    await iam.send(
      new CreateRoleCommand({
        RoleName: 'lab-all-role',
        AssumeRolePolicyDocument: doc('sts:AssumeRole', {
          AWS: `arn:aws:iam::${sb.accountId}:root`,
        }),
      }),
    );
    await iam.send(
      new AttachRolePolicyCommand({ RoleName: 'lab-all-role', PolicyArn: Policy!.Arn }),
    );
    await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'lab-all-profile' }));
    await iam.send(
      new AddRoleToInstanceProfileCommand({
        InstanceProfileName: 'lab-all-profile',
        RoleName: 'lab-all-role',
      }),
    );
    await iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'lab-all-mfa' }));
    await iam.send(new CreateAccessKeyCommand({ UserName: 'lab-all-user' }));
    expect(diffSnapshots(before, await snapshotAccount(target)).length).toBeGreaterThan(10);

    const store = openStore(home);
    let out = '';
    const sink = new Writable({ write: (c, _e, cb) => ((out += c), cb()) });
    const report = await runCleanup({
      run: getRun(store, runId)!,
      target,
      store,
      lab: { creates: iamKinds },
      yes: true,
      stdout: sink,
      stderr: sink,
      env: {},
    }).finally(() => store.close());
    expect(report.clean, out).toBe(true);
    for (const what of [
      'customer managed policy',
      'IAM user lab-all-user',
      'console login of lab-all-user',
      'inline policy inline-one of user lab-all-user',
      'detach lab-all-policy from user lab-all-user',
      'IAM group lab-all-group',
      'remove lab-all-user from group lab-all-group',
      'IAM role lab-all-role',
      'detach lab-all-policy from role lab-all-role',
      'instance profile lab-all-profile',
      'virtual MFA device',
    ]) {
      expect(out).toContain(what);
    }
    // Dependency order: what hangs off a thing before the thing; the managed policy last.
    const at = (s: string) => out.indexOf(s);
    expect(at('remove lab-all-user from group')).toBeLessThan(at('delete IAM group lab-all-group'));
    expect(at('delete instance profile lab-all-profile')).toBeLessThan(
      at('delete IAM role lab-all-role'),
    );
    expect(at('delete IAM role lab-all-role')).toBeLessThan(at('delete customer managed policy'));
    expect(diffSnapshots(before, await snapshotAccount(target))).toEqual([]);
  });
});
