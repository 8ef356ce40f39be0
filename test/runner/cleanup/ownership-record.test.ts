// Ownership recorded at creation, by id (runner/ownership), against a real sandbox:
//  - the learner deletes their own lab-auditor user and policy, another administrator makes new
//    ones with the same names: cleanup keeps both, and says why (it deleted them, "created by you");
//  - another identity adds a key to a user the learner made: the plan keeps the key and the user,
//    never "keep … not provably this lab's" followed by deleting it with its user;
//  - a `lab start` whose setup fails removes what it made, and cleanup never says "clean" while a
//    lab resource remains;
//  - a failure while cleaning up names the plan's step and the kind, never "a bug in labrunner".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import {
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreatePolicyCommand,
  CreateUserCommand,
  DeleteAccessKeyCommand,
  DeletePolicyCommand,
  DetachUserPolicyCommand,
  ListAttachedUserPoliciesCommand,
  DeleteUserCommand,
  GetPolicyCommand,
  GetUserCommand,
  ListAccessKeysCommand,
} from '@aws-sdk/client-iam';
import { CreateKeyPairCommand } from '@aws-sdk/client-ec2';
import {
  adminClients,
  clientsFor,
  startTestSandbox,
  type TestSandbox,
} from '../../helpers/sandbox.ts';
import { resolveTarget, type Target } from '../../../runner/target/index.ts';
import { startLab } from '../../../runner/check/index.ts';
import { getRun, latestRun, openStore, recordCreated } from '../../../runner/store/index.ts';
import { runCleanup } from '../../../runner/cleanup/index.ts';
import { scaled } from '../../helpers/timeouts.ts';

let sb: TestSandbox;
let target: Target;
let admin: ReturnType<typeof adminClients>;

beforeAll(async () => {
  sb = await startTestSandbox();
  target = await resolveTarget({ target: 'sandbox', home: sb.home, env: {} });
  admin = adminClients(sb);
}, scaled(40_000));
afterAll(async () => {
  target?.close();
  await sb?.stop();
});

/** Another administrator of the account, with a key of their own, made before the lab. */
async function otherAdmin(name: string) {
  await admin.iam.send(new CreateUserCommand({ UserName: name }));
  await admin.iam.send(
    new AttachUserPolicyCommand({
      UserName: name,
      PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess',
    }),
  );
  const { AccessKey } = await admin.iam.send(new CreateAccessKeyCommand({ UserName: name }));
  return clientsFor(
    sb,
    { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! },
    'aws-cli/2.9.0 another-admin',
  );
}

async function cleanupOf(home: string, runId: number, lab: unknown) {
  const store = openStore(home);
  let out = '';
  const sink = new Writable({ write: (c, _e, cb) => ((out += c), cb()) });
  try {
    const report = await runCleanup({
      run: getRun(store, runId)!,
      target,
      store,
      lab,
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

async function start(lab: string, labsDir?: string) {
  const home = await mkdtemp(join(tmpdir(), 'lab-own-rec-'));
  const started = await startLab({ lab, target, home, env: {}, labsDir });
  return { home, runId: started.run.id };
}

const READ_ONLY = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
const doc = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'iam:GetUser', Resource: '*' }],
});

describe('ownership recorded at creation, by id', () => {
  it("keeps another administrator's same-named user and policy made after the learner deleted theirs", async () => {
    const other = await otherAdmin('other-admin');
    // A lab whose learner makes a user and a policy (a new author's lab, like the one in issue 17).
    const lab = { creates: ['iam-user', 'managed-policy'] };
    const { home, runId } = await start('iam-groups');
    const { User: mine } = await admin.iam.send(new CreateUserCommand({ UserName: 'lab-auditor' }));
    const { Policy: myPolicy } = await admin.iam.send(
      new CreatePolicyCommand({ PolicyName: 'lab-auditor-read', PolicyDocument: doc }),
    );
    // The learner deletes their own, as the lab's last step says.
    await admin.iam.send(new DeleteUserCommand({ UserName: 'lab-auditor' }));
    await admin.iam.send(new DeletePolicyCommand({ PolicyArn: myPolicy!.Arn }));
    // Another administrator then makes their own, with the same names.
    const { User: theirs } = await other.iam.send(
      new CreateUserCommand({ UserName: 'lab-auditor' }),
    );
    const { Policy: theirPolicy } = await other.iam.send(
      new CreatePolicyCommand({ PolicyName: 'lab-auditor-read', PolicyDocument: doc }),
    );
    expect(theirs!.UserId).not.toBe(mine!.UserId);

    const { report, out } = await cleanupOf(home, runId, lab);
    expect(out).not.toMatch(/\d\. delete IAM user lab-auditor/);
    expect(out).not.toMatch(/\d\. delete customer managed policy .*lab-auditor-read/);
    expect(out).toContain(
      `keep IAM user lab-auditor (the one there now): not provably this lab's: its userId is ${theirs!.UserId}, not the ${mine!.UserId} the lab recorded`,
    );
    expect(out).toContain(
      `keep customer managed policy ${theirPolicy!.Arn} (the one there now): not provably this lab's: its policyId is ${theirPolicy!.PolicyId}, not the ${myPolicy!.PolicyId}`,
    );
    expect(report.clean).toBe(true);
    // Both are still there, untouched.
    expect(
      (await admin.iam.send(new GetUserCommand({ UserName: 'lab-auditor' }))).User!.UserId,
    ).toBe(theirs!.UserId);
    expect(
      (await admin.iam.send(new GetPolicyCommand({ PolicyArn: theirPolicy!.Arn }))).Policy!
        .PolicyId,
    ).toBe(theirPolicy!.PolicyId);
    await other.iam.send(new DeleteUserCommand({ UserName: 'lab-auditor' }));
    await other.iam.send(new DeletePolicyCommand({ PolicyArn: theirPolicy!.Arn }));
  }, 180_000);

  it('an attachment (no id of its own) made again by another identity after the learner is kept', async () => {
    const other = await otherAdmin('re-attacher');
    await admin.iam.send(new CreateUserCommand({ UserName: 'lab-existing-user' }));
    const { home, runId } = await start('iam-groups');
    const attach = { UserName: 'lab-existing-user', PolicyArn: READ_ONLY };
    await admin.iam.send(new AttachUserPolicyCommand(attach));
    await admin.iam.send(new DetachUserPolicyCommand(attach));
    await other.iam.send(new AttachUserPolicyCommand(attach));
    const { report, out } = await cleanupOf(home, runId, { creates: ['policy-attachment'] });
    expect(out).not.toMatch(/\d\. detach ReadOnlyAccess from user lab-existing-user/);
    expect(out).toMatch(
      /keep ReadOnlyAccess attached to user lab-existing-user \(the one there now\): not provably this lab's: arn:aws:iam::\d+:user\/re-attacher made it again at \d\d:\d\d:\d\d UTC, after you did/,
    );
    expect(report.clean).toBe(true);
    const still = await admin.iam.send(
      new ListAttachedUserPoliciesCommand({ UserName: 'lab-existing-user' }),
    );
    expect(still.AttachedPolicies!.map((p) => p.PolicyArn)).toEqual([READ_ONLY]);
  }, 180_000);

  it('never says keep for a key and then deletes it with its user: the user is kept too, and it is not clean', async () => {
    const other = await otherAdmin('key-adder');
    const { home, runId } = await start('iam-groups');
    await admin.iam.send(new CreateUserCommand({ UserName: 'lab-reader' }));
    const { AccessKey: foreign } = await other.iam.send(
      new CreateAccessKeyCommand({ UserName: 'lab-reader' }),
    );
    const { report, out } = await cleanupOf(home, runId, { creates: ['iam-user', 'access-key'] });
    expect(out).toContain(`keep access key ${foreign!.AccessKeyId} of lab-reader`);
    expect(out).toContain(`keep IAM user lab-reader: it holds access key ${foreign!.AccessKeyId}`);
    expect(out).not.toMatch(/delete IAM user lab-reader/);
    // Nothing that was said kept is deleted afterwards.
    for (const line of out.split('\n').filter((l) => l.startsWith('  keep '))) {
      const what = line.slice('  keep '.length).split(':')[0];
      expect(out).not.toContain(`done delete ${what}`);
    }
    expect(report.clean).toBe(false);
    expect(out).toContain('not clean');
    const keys = await admin.iam.send(new ListAccessKeysCommand({ UserName: 'lab-reader' }));
    expect(keys.AccessKeyMetadata!.map((k) => k.AccessKeyId)).toEqual([foreign!.AccessKeyId]);
    await other.iam.send(
      new DeleteAccessKeyCommand({ UserName: 'lab-reader', AccessKeyId: foreign!.AccessKeyId }),
    );
    // With the foreign key gone (its owner removed it), the rerun deletes the user: clean.
    const again = await cleanupOf(home, runId, { creates: ['iam-user', 'access-key'] });
    expect(again.out).toContain('delete IAM user lab-reader');
    expect(again.report.clean).toBe(true);
  }, 180_000);

  it('a lab start whose setup fails removes what it made; cleanup is then clean', async () => {
    const labsDir = await mkdtemp(join(tmpdir(), 'lab-own-labs-'));
    await mkdir(join(labsDir, 'broken-setup'));
    const sdk = resolve(import.meta.dirname, '../../../runner/sdk/index.ts');
    await writeFile(
      join(labsDir, 'broken-setup', 'lab.ts'),
      [
        `import { CreateUserCommand } from '@aws-sdk/client-iam';`,
        `import { defineLab, passed } from ${JSON.stringify(sdk)};`,
        `export default defineLab({`,
        `  id: 'broken-setup',`,
        `  creates: ['iam-user'],`,
        `  async setup(ctx) {`,
        `    await ctx.clients.iam.send(new CreateUserCommand({ UserName: 'lab-broken-user' }));`,
        `    ctx.created('iam-user', 'lab-broken-user', {});`,
        `    throw new Error('the next call of this setup failed');`,
        `  },`,
        `  steps: { one: { check: async () => passed('ok') } },`,
        `});`,
      ].join('\n'),
    );
    const home = await mkdtemp(join(tmpdir(), 'lab-own-rec-'));
    const err = await startLab({ lab: 'broken-setup', target, home, env: {}, labsDir }).catch(
      (e) => e,
    );
    expect(err.name).toBe('LabError');
    expect(err.message).toContain('its setup threw Error: the next call of this setup failed');
    expect(err.message).toContain(
      'What the setup had made is removed again: IAM user lab-broken-user',
    );
    await expect(
      admin.iam.send(new GetUserCommand({ UserName: 'lab-broken-user' })),
    ).rejects.toThrow(/cannot be found|NoSuchEntity/);
    const store = openStore(home);
    try {
      expect(latestRun(store, 'broken-setup', 'sandbox', sb.accountId)?.status).toBe('cleaned');
    } finally {
      store.close();
    }
  }, 180_000);

  it('a run whose setup recorded a thing without its ids is never called clean while it is there', async () => {
    // What runs started before this fix hold: the entry, no UserId (setup failed before the ids
    // were looked up). The plan said "forget … (the lab's one is gone)" and then "clean".
    const { home, runId } = await start('iam-groups');
    await admin.iam.send(new CreateUserCommand({ UserName: 'lab-unproven' }));
    const store = openStore(home);
    recordCreated(store, { runId, kind: 'iam-user', resourceId: 'lab-unproven', createdBy: 'lab' });
    store.close();
    const { report, out } = await cleanupOf(home, runId, { creates: [] });
    expect(out).not.toContain("forget IAM user lab-unproven (the lab's one is gone)");
    expect(out).toContain(
      "keep IAM user lab-unproven: the lab's setup created it, but the ledger holds no userId",
    );
    expect(report.clean).toBe(false);
    expect(out).not.toMatch(/^clean /m);
    await admin.iam.send(new DeleteUserCommand({ UserName: 'lab-unproven' }));
  }, 180_000);

  it('a failure while cleaning up names the step and the kind, never a bug in labrunner', async () => {
    const { home, runId } = await start('iam-groups');
    const { KeyPairId } = await admin.ec2.send(
      new CreateKeyPairCommand({ KeyName: 'lab-nameless' }),
    );
    // A record a lab's own code wrote by hand (ctx.remember) without the key pair's name: the
    // kind cannot delete it by id (EC2 deletes key pairs by name in the sandbox's engine).
    const store = openStore(home);
    recordCreated(store, {
      runId,
      kind: 'key-pair',
      resourceId: KeyPairId!,
      details: { keyPairId: KeyPairId! },
      createdBy: 'learner',
    });
    store.close();
    const err = await cleanupOf(home, runId, { creates: [] }).catch((e) => e);
    expect(err.name).toBe('LabError');
    expect(err.message).toMatch(
      new RegExp(`stopped at step \\d+ of \\d+ \\(key-pair\\): delete key pair ${KeyPairId}`),
    );
    expect(err.message).not.toMatch(/bug in labrunner/i);
    expect(err.hint).toContain('picks up where it stopped');
    expect(err.exitCode).toBe(1);
  }, 180_000);
});
