// The S3 and EC2 labs (issue 11) through the real `lab` CLI: `lab test` passes for both (each in
// its own fresh sandbox, run side by side), and `lab cleanup` of runs stopped half-way removes
// what they left through the resource registry: a bucket with objects in it (emptied first), a
// running instance before its security group, the key pair, and the lab's IAM user.
import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import {
  DescribeInstancesCommand,
  DescribeKeyPairsCommand,
  DescribeSecurityGroupsCommand,
} from '@aws-sdk/client-ec2';
import { GetUserCommand } from '@aws-sdk/client-iam';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { $ } from 'zx';
import { loadSolve } from '../../runner/labtest/run.ts';
import { lab } from '../runner/cleanup-fixture.ts';
import { adminClients, startTestSandbox, type TestSandbox } from '../helpers/sandbox.ts';
import { cleanEnv } from '../sandbox/run-cli.ts';
import { scaled } from '../helpers/timeouts.ts';

describe('lab test', () => {
  it('passes for s3-basics and ec2-first-instance', async () => {
    const homes = await Promise.all([1, 2].map(() => mkdtemp(join(tmpdir(), 'lab-cloud-'))));
    try {
      const [s3, ec2] = await Promise.all([
        lab(['test', 's3-basics'], cleanEnv({ LAB_HOME: homes[0]! })),
        lab(['test', 'ec2-first-instance'], cleanEnv({ LAB_HOME: homes[1]! })),
      ]);
      expect(s3.code, s3.stdout + s3.stderr).toBe(0);
      expect(s3.stdout).toMatch(/✓ share-link: [\w-]+ before its step, passed after/);
      expect(s3.stdout).toContain('PASS s3-basics');
      // Unreached steps are "not tried yet", never ✘ (issue 17).
      expect(s3.stdout).not.toMatch(/failed before its step/);
      // A public policy accepted earlier no longer fails try-public for good (issue 17).
      expect(s3.stdout).toMatch(
        /✓ mistake try-public: .*has a bucket policy.*; the recovery passes/,
      );
      expect(ec2.code, ec2.stdout + ec2.stderr).toBe(0);
      expect(ec2.stdout).toMatch(/✓ denied-launch: [\w-]+ before its step, passed after/);
      // Stop and terminate, never asked for yet, are not tried (not failed) before their step.
      expect(ec2.stdout).toMatch(/✓ stop: not-tried before its step, passed after/);
      expect(ec2.stdout).toMatch(/✓ terminate: not-tried before its step, passed after/);
      expect(ec2.stdout).toContain('PASS ec2-first-instance');
      // After a retried launch, the README's ID=$(…) and the checks follow the same instance.
      expect(ec2.stdout).toMatch(/✓ mistake launch: retry: .*; the recovery passes/);
      expect(ec2.stdout).toMatch(/✓ inspect: not-tried before its step/);
      for (const out of [s3.stdout, ec2.stdout]) expect(out).not.toMatch(/✗ mistake/);
      // The learner's copy in us-west-2 is removed; another admin's same-named things are kept.
      expect(ec2.stdout).toMatch(
        /✓ lab cleanup: kept .*key pair lab-ec2-key \(us-east-1\).*removed key pair lab-ec2-key in us-west-2/,
      );
      // A secret access key (the intern's) never reaches the output.
      expect(ec2.stdout + ec2.stderr).not.toMatch(/[A-Za-z0-9+/]{40}/);
    } finally {
      await Promise.all(homes.map((h) => rm(h, { recursive: true, force: true })));
    }
  }, 1_800_000);
});

describe('lab cleanup of runs stopped half-way', () => {
  let sb: TestSandbox;
  beforeAll(async () => {
    sb = await startTestSandbox();
  }, scaled(40_000));
  afterAll(() => sb?.stop());

  it('empties and deletes the bucket; terminates the instance before its group; deletes the key pair and the lab user', async () => {
    for (const id of ['s3-basics', 'ec2-first-instance']) {
      const start = await lab(['start', id], sb.env);
      expect(start.code, start.stdout + start.stderr).toBe(0);
    }
    const z = $({ env: sb.env, quiet: true });
    const s3State: Record<string, unknown> = {};
    const s3Steps = await loadSolve('s3-basics');
    for (const step of ['create-bucket', 'upload', 'share-link']) {
      await s3Steps[step]({ $: z, env: sb.env, state: s3State });
    }
    const ec2State: Record<string, unknown> = {};
    const ec2Steps = await loadSolve('ec2-first-instance');
    for (const step of ['create-key-pair', 'ssh-group', 'launch']) {
      await ec2Steps[step]({ $: z, env: sb.env, state: ec2State });
    }

    const s3Clean = await lab(['cleanup', 's3-basics', '--yes'], sb.env);
    expect(s3Clean.code, s3Clean.stdout + s3Clean.stderr).toBe(0);
    expect(s3Clean.stdout).toContain('S3 bucket lab-s3-basics-123456789012');
    const ec2Clean = await lab(['cleanup', 'ec2-first-instance', '--yes'], sb.env);
    expect(ec2Clean.code, ec2Clean.stdout + ec2Clean.stderr).toBe(0);
    const out = ec2Clean.stdout;
    const at = (s: string) => out.indexOf(s);
    expect(at(`EC2 instance ${String(ec2State.id)}`)).toBeGreaterThan(-1);
    // The registry's order: the instance goes before the group it uses.
    expect(at(`EC2 instance ${String(ec2State.id)}`)).toBeLessThan(
      at(`security group ${String(ec2State.sg)}`),
    );

    const admin = adminClients(sb);
    const s3 = new S3Client({
      endpoint: sb.endpoint,
      region: 'us-east-1',
      credentials: sb.learner,
      forcePathStyle: true,
    });
    const buckets = (await s3.send(new ListBucketsCommand({}))).Buckets ?? [];
    expect(buckets.map((b) => b.Name)).not.toContain('lab-s3-basics-123456789012');
    const inst = await admin.ec2.send(
      new DescribeInstancesCommand({ InstanceIds: [String(ec2State.id)] }),
    );
    expect(inst.Reservations![0].Instances![0].State!.Name).toBe('terminated');
    const groups = await admin.ec2.send(new DescribeSecurityGroupsCommand({}));
    expect(groups.SecurityGroups!.map((g) => g.GroupName)).not.toContain('lab-ec2-ssh');
    const keys = await admin.ec2.send(new DescribeKeyPairsCommand({}));
    expect(keys.KeyPairs!.map((k) => k.KeyName)).not.toContain('lab-ec2-key');
    await expect(
      admin.iam.send(new GetUserCommand({ UserName: 'lab-ec2-intern' })),
    ).rejects.toMatchObject({ name: 'NoSuchEntityException' });
    // The cleanup asked AWS for nothing that was not there: no failed calls of its own in the
    // event history (a user without a console password had a DeleteLoginProfile refused).
    for (const region of ['us-east-1', 'ap-southeast-2']) {
      const ct = new CloudTrailClient({
        endpoint: sb.endpoint,
        region,
        credentials: sb.learner,
      });
      const events = (
        await ct.send(
          new LookupEventsCommand({
            LookupAttributes: [{ AttributeKey: 'Username', AttributeValue: 'labrunner' }],
          }),
        )
      ).Events!.map((e) => JSON.parse(e.CloudTrailEvent!));
      expect(events.filter((e) => e.errorCode).map((e) => `${e.eventName} ${e.errorCode}`)).toEqual(
        [],
      );
    }
  }, 300_000);
});
