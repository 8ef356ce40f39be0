// Event records as CloudTrail writes them for the EC2 lab's calls and regional STS
// (sandbox/gateway/cloudtrail/resources.ts, read-only.ts, global-region.ts,
// ec2/ingress-parameters.ts, ec2/state-changes.ts), made with both real CLIs and read back with
// both (`aws cloudtrail lookup-events`), as a learner reads their own history.
import { describe, expect, it } from 'vitest';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { CreateRoleCommand } from '@aws-sdk/client-iam';
import { adminClients, useTestSandbox } from '../helpers/sandbox.ts';
import { run, withDebianCli } from './run-cli.ts';

const sb = useTestSandbox();
const CLIS = ['v1', 'v2'] as const;
type Cli = (typeof CLIS)[number];
const AL2023 = 'resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64';
type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function aws(cli: Cli, ...args: string[]) {
  const env = cli === 'v1' ? sb.env : withDebianCli(sb.env);
  const r = await run('aws', [...args, '--output', 'json'], env);
  expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r.stdout ? JSON.parse(r.stdout) : undefined;
}
type Event = {
  EventName: string;
  ReadOnly: string;
  Resources: { ResourceType: string; ResourceName: string }[];
  CloudTrailEvent: string;
};
async function lookup(
  cli: Cli,
  key: string,
  value: string,
  region = 'us-east-1',
): Promise<Event[]> {
  const out = await aws(
    cli,
    'cloudtrail',
    'lookup-events',
    '--region',
    region,
    '--lookup-attributes',
    `AttributeKey=${key},AttributeValue=${value}`,
  );
  return out.Events as Event[];
}
const doc = (e: Event | undefined): Doc => JSON.parse(e!.CloudTrailEvent);

describe.each(CLIS)('the EC2 lab in event history (%s)', (cli) => {
  it('indexes groups and instances by their real type and id, with rules and state changes in full', async () => {
    const sg = (
      await aws(
        cli,
        'ec2',
        'create-security-group',
        '--group-name',
        `ct-ssh-${cli}`,
        '--description',
        'SSH',
      )
    ).GroupId as string;
    await aws(
      cli,
      'ec2',
      'authorize-security-group-ingress',
      '--group-id',
      sg,
      '--protocol',
      'tcp',
      '--port',
      '22',
      '--cidr',
      '203.0.113.10/32',
    );
    const id = (
      await aws(
        cli,
        'ec2',
        'run-instances',
        '--image-id',
        AL2023,
        '--instance-type',
        't3.micro',
        '--security-group-ids',
        sg,
      )
    ).Instances[0].InstanceId as string;
    await aws(cli, 'ec2', 'stop-instances', '--instance-ids', id);
    await aws(cli, 'ec2', 'terminate-instances', '--instance-ids', id);

    // CreateSecurityGroup is an EC2 security group, found by its new id and by its type.
    const bySg = await lookup(cli, 'ResourceName', sg);
    const create = bySg.find((e) => e.EventName === 'CreateSecurityGroup');
    expect(create?.Resources).toContainEqual({
      ResourceType: 'AWS::EC2::SecurityGroup',
      ResourceName: sg,
    });
    expect(create?.Resources.some((r) => r.ResourceType === 'AWS::IAM::Group')).toBe(false);
    const byType = await lookup(cli, 'ResourceType', 'AWS::EC2::SecurityGroup');
    expect(byType.map((e) => e.EventName)).toContain('CreateSecurityGroup');
    // The ssh rule with its port and address range.
    const rule = doc(bySg.find((e) => e.EventName === 'AuthorizeSecurityGroupIngress'));
    expect(rule.requestParameters).toEqual({
      groupId: sg,
      ipPermissions: {
        items: [
          {
            ipProtocol: 'tcp',
            fromPort: 22,
            toPort: 22,
            groups: {},
            ipRanges: { items: [{ cidrIp: '203.0.113.10/32' }] },
            ipv6Ranges: {},
            prefixListIds: {},
          },
        ],
      },
    });
    expect(rule.readOnly).toBe(false);

    // RunInstances is found by the instance id it returned; Stop and Terminate carry the states.
    const byId = await lookup(cli, 'ResourceName', id);
    expect(byId.map((e) => e.EventName)).toEqual([
      'TerminateInstances',
      'StopInstances',
      'RunInstances',
    ]);
    const states = (name: string) =>
      doc(byId.find((e) => e.EventName === name)).responseElements.instancesSet.items[0];
    expect(states('StopInstances')).toEqual({
      instanceId: id,
      currentState: { code: 64, name: 'stopping' },
      previousState: { code: 16, name: 'running' },
    });
    expect(doc(byId.find((e) => e.EventName === 'StopInstances')).requestParameters).toEqual({
      instancesSet: { items: [{ instanceId: id }] },
      force: false,
    });
    expect(states('TerminateInstances')).toEqual({
      instanceId: id,
      currentState: { code: 32, name: 'shutting-down' },
      previousState: { code: 80, name: 'stopped' },
    });
  });
});

describe.each(CLIS)('regional STS (%s)', (cli) => {
  it('logs get-caller-identity in the region whose endpoint the CLI called', async () => {
    const who = await aws(cli, 'sts', 'get-caller-identity', '--region', 'ap-southeast-2');
    const marker = (e: Event) =>
      doc(e).userAgent.includes(cli === 'v1' ? 'aws-cli/1.' : 'aws-cli/2.');
    const sydney = (await lookup(cli, 'EventName', 'GetCallerIdentity', 'ap-southeast-2')).filter(
      marker,
    );
    expect(sydney.length).toBeGreaterThan(0);
    expect(doc(sydney[0]).awsRegion).toBe('ap-southeast-2');
    expect(doc(sydney[0]).userIdentity.arn).toBe(who.Arn);
    expect(doc(sydney[0]).readOnly).toBe(true);
  });
});

describe('readOnly as CloudTrail marks it', () => {
  it('AssumeRole is read-only; CreateRole is not (SDK v3)', async () => {
    const { iam, sts } = adminClients(sb);
    const trust = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${sb.accountId}:root` },
          Action: 'sts:AssumeRole',
        },
      ],
    });
    const role = await iam.send(
      new CreateRoleCommand({ RoleName: 'ct-readonly', AssumeRolePolicyDocument: trust }),
    );
    await sts.send(new AssumeRoleCommand({ RoleArn: role.Role!.Arn!, RoleSessionName: 'ct' }));
    const [assume] = await lookup('v1', 'EventName', 'AssumeRole');
    const [create] = await lookup('v1', 'EventName', 'CreateRole');
    expect(assume.ReadOnly).toBe('true');
    expect(doc(assume).readOnly).toBe(true);
    expect(create.ReadOnly).toBe('false');
  });
});
