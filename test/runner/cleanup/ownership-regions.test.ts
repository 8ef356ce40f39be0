// Every region: a key pair and a running instance launched with `--region us-west-2` in
// ec2-first-instance (whose region is the target's). Before: the step said "not tried yet", and
// `lab cleanup` printed "clean" while the instance kept running. Now the verdict names the region,
// and cleanup finds both (every enabled region's event history, in parallel), removes them, and
// says "clean" only after proving them gone there.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import {
  CreateKeyPairCommand,
  CreateSecurityGroupCommand,
  DescribeSecurityGroupsCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeKeyPairsCommand,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import { clientsFor, startTestSandbox, type TestSandbox } from '../../helpers/sandbox.ts';
import { resolveTarget, type Target } from '../../../runner/target/index.ts';
import { checkLab, loadDefinition, startLab } from '../../../runner/check/index.ts';
import { getRun, openStore } from '../../../runner/store/index.ts';
import { runCleanup } from '../../../runner/cleanup/index.ts';
import { scaled } from '../../helpers/timeouts.ts';

let sb: TestSandbox;
let target: Target;

beforeAll(async () => {
  sb = await startTestSandbox();
  target = await resolveTarget({ target: 'sandbox', home: sb.home, env: {} });
}, scaled(40_000));
afterAll(async () => {
  target?.close();
  await sb?.stop();
});

describe('a lab resource made in another region', () => {
  it('is named in the verdict, found and removed by cleanup, and "clean" comes after proof', async () => {
    const home = await mkdtemp(join(tmpdir(), 'lab-own-region-'));
    const { run } = await startLab({ lab: 'ec2-first-instance', target, home, env: {} });
    expect(target.region).not.toBe('us-west-2');
    // The learner (the sandbox admin) works with --region us-west-2 by mistake.
    const west = clientsFor({ ...sb, region: 'us-west-2' }, sb.learner).ec2;
    const { KeyPairId } = await west.send(new CreateKeyPairCommand({ KeyName: 'lab-ec2-key' }));
    const { GroupId } = await west.send(
      new CreateSecurityGroupCommand({
        GroupName: 'lab-ec2-ssh',
        Description: 'SSH from one address',
      }),
    );
    const image = (await west.send(new DescribeImagesCommand({}))).Images![0].ImageId!;
    const launched = await west.send(
      new RunInstancesCommand({
        ImageId: image,
        InstanceType: 't3.micro',
        KeyName: 'lab-ec2-key',
        MinCount: 1,
        MaxCount: 1,
      }),
    );
    const instanceId = launched.Instances![0].InstanceId!;

    const checked = await checkLab({
      lab: 'ec2-first-instance',
      target,
      home,
      env: {},
      retryDelays: [],
    });
    const key = checked.results.find((r) => r.id === 'create-key-pair')!;
    expect(key.status).toBe('failed');
    expect(key.evidence).toContain(
      `you made lab-ec2-key in us-west-2; this lab uses ${target.region}`,
    );
    const group = checked.results.find((r) => r.id === 'ssh-group')!;
    expect(group.status).toBe('failed');
    expect(group.evidence).toContain(
      `you made lab-ec2-ssh in us-west-2; this lab uses ${target.region}`,
    );
    expect(group.hint).toContain(`--region ${target.region}`);
    const launch = checked.results.find((r) => r.id === 'launch')!;
    expect(launch.status).toBe('failed');
    expect(launch.evidence).toContain(`you made instance ${instanceId} in us-west-2`);

    const store = openStore(home);
    let out = '';
    // Colours stripped: with CI set (as on CI machines) the cleanup's words come coloured.
    const sink = new Writable({
      write: (c, _e, cb) => ((out += String(c).replace(/\x1b\[[0-9;]*m/g, '')), cb()),
    });
    const report = await runCleanup({
      run: getRun(store, run.id)!,
      target,
      store,
      lab: await loadDefinition('ec2-first-instance', { env: {} }),
      yes: true,
      stdout: sink,
      stderr: sink,
      env: {},
    }).finally(() => store.close());
    expect(out).toContain(
      `terminate EC2 instance ${instanceId} in us-west-2 (created by you during the lab)`,
    );
    expect(out).toContain(
      `delete key pair lab-ec2-key (${KeyPairId}) in us-west-2 (created by you during the lab)`,
    );
    expect(out).toContain(
      `delete security group ${GroupId} (lab-ec2-ssh) in us-west-2 (created by you during the lab)`,
    );
    // Terminated before the key pair it was launched with is deleted.
    expect(out.indexOf(`terminate EC2 instance ${instanceId}`)).toBeLessThan(
      out.indexOf('delete key pair lab-ec2-key'),
    );
    expect(report.clean, out).toBe(true);
    expect(out).toMatch(/clean nothing the lab created remains \(checked .*us-west-2/);
    const state = (await west.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] })))
      .Reservations![0].Instances![0].State!.Name;
    expect(state).toBe('terminated');
    expect((await west.send(new DescribeKeyPairsCommand({}))).KeyPairs ?? []).toEqual([]);
    const groups = (await west.send(new DescribeSecurityGroupsCommand({}))).SecurityGroups ?? [];
    expect(groups.map((g) => g.GroupName)).not.toContain('lab-ec2-ssh');
  }, 300_000);
});
