// EC2 in the sandbox as a learner's first instance meets it, through both AWS CLIs: key pair,
// security group, run-instances from the public AMI parameter, state transitions, the denial of
// a user without EC2 rights with its encoded message, and `sts decode-authorization-message`.
// Also the mistyped region, which failed slowly (a 500 after retries) before issue 11.
import {
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateUserCommand,
} from '@aws-sdk/client-iam';
import { DescribeKeyPairsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminClients, startTestSandbox, type TestSandbox } from '../helpers/sandbox.ts';
import { aws, CLIS, type Creds } from './clients.ts';
import { debianCli } from '../helpers/warm-cli/install.ts';

let sb: TestSandbox;
let nobody: Creds & { arn: string };
const AL2023 = 'resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64';

function cli(bin: string, args: string[], creds?: Creds, region = 'ap-southeast-2') {
  const env: NodeJS.ProcessEnv = { ...sb.env, AWS_REGION: region, AWS_DEFAULT_REGION: region };
  if (creds) {
    delete env.AWS_PROFILE;
    env.AWS_ACCESS_KEY_ID = creds.accessKeyId;
    env.AWS_SECRET_ACCESS_KEY = creds.secretAccessKey;
  }
  return aws(bin, ['--endpoint-url', sb.endpoint, '--output', 'json', ...args], env);
}
const json = (r: { stdout: string }) => JSON.parse(r.stdout);

beforeAll(async () => {
  sb = await startTestSandbox();
  const { iam } = adminClients(sb);
  const user = await iam.send(new CreateUserCommand({ UserName: 'no-ec2' }));
  // May decode messages (the lab grants this), may not touch EC2.
  await iam.send(
    new AttachUserPolicyCommand({
      UserName: 'no-ec2',
      PolicyArn: 'arn:aws:iam::aws:policy/IAMReadOnlyAccess',
    }),
  );
  const key = await iam.send(new CreateAccessKeyCommand({ UserName: 'no-ec2' }));
  nobody = {
    accessKeyId: key.AccessKey!.AccessKeyId!,
    secretAccessKey: key.AccessKey!.SecretAccessKey!,
    arn: user.User!.Arn!,
  };
});
afterAll(() => sb?.stop());

// The journey runs once (Debian's v2); the error lines below run on both CLIs.
describe('first instance', () => {
  const bin = debianCli();
  const tag = 'v2';
  it('key pair, SSH from one address, launch, stop, terminate, delete (v2)', async () => {
    let r = await cli(bin, ['ec2', 'create-key-pair', '--key-name', `kp-${tag}`]);
    expect(r.code).toBe(0);
    expect(json(r).KeyMaterial).toMatch(/^-----BEGIN (RSA )?PRIVATE KEY-----/);
    r = await cli(bin, [
      'ec2',
      'create-security-group',
      '--group-name',
      `ssh-${tag}`,
      '--description',
      'SSH from my address',
    ]);
    const sg = json(r).GroupId as string;
    expect(sg).toMatch(/^sg-[0-9a-f]{17}$/);
    r = await cli(bin, [
      'ec2',
      'authorize-security-group-ingress',
      '--group-id',
      sg,
      '--protocol',
      'tcp',
      '--port',
      '22',
      '--cidr',
      '203.0.113.7/32',
    ]);
    expect(json(r).Return).toBe(true);
    // As aws-cli's authorize-security-group-ingress example prints it: the group's owner, and no
    // empty Tags (sandbox/engine/ec2_rules.py).
    expect(json(r).SecurityGroupRules).toEqual([
      {
        SecurityGroupRuleId: expect.stringMatching(/^sgr-[0-9a-f]{17}$/),
        GroupId: sg,
        GroupOwnerId: sb.accountId,
        IsEgress: false,
        IpProtocol: 'tcp',
        FromPort: 22,
        ToPort: 22,
        CidrIpv4: '203.0.113.7/32',
      },
    ]);

    r = await cli(bin, [
      'ec2',
      'run-instances',
      '--image-id',
      AL2023,
      '--instance-type',
      't3.micro',
      '--key-name',
      `kp-${tag}`,
      '--security-group-ids',
      sg,
    ]);
    expect(r.code).toBe(0);
    const launched = json(r).Instances[0];
    expect(launched.State.Name).toBe('pending');
    expect(launched.ImageId).toMatch(/^ami-[0-9a-f]{17}$/); // the parameter's AMI, not the text
    expect(launched.Placement.AvailabilityZone).toMatch(/^ap-southeast-2[a-c]$/);
    const id = launched.InstanceId as string;

    r = await cli(bin, ['ec2', 'describe-instances', '--instance-ids', id]);
    const running = json(r).Reservations[0].Instances[0];
    expect(running.State.Name).toBe('running');
    expect(running.PublicIpAddress).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(running.InstanceType).toBe('t3.micro');

    r = await cli(bin, ['ec2', 'stop-instances', '--instance-ids', id]);
    expect(json(r).StoppingInstances[0]).toMatchObject({
      PreviousState: { Name: 'running' },
      CurrentState: { Name: 'stopping' },
    });
    r = await cli(bin, ['ec2', 'describe-instances', '--instance-ids', id]);
    expect(json(r).Reservations[0].Instances[0].State.Name).toBe('stopped');

    r = await cli(bin, ['ec2', 'terminate-instances', '--instance-ids', id]);
    expect(json(r).TerminatingInstances[0]).toMatchObject({
      PreviousState: { Name: 'stopped' },
      CurrentState: { Name: 'shutting-down' },
    });
    r = await cli(bin, ['ec2', 'describe-instances', '--instance-ids', id]);
    expect(json(r).Reservations[0].Instances[0].State.Name).toBe('terminated');

    r = await cli(bin, ['ec2', 'delete-security-group', '--group-id', sg]);
    expect(r.code).toBe(0);
    r = await cli(bin, ['ec2', 'delete-key-pair', '--key-name', `kp-${tag}`]);
    expect(r.code).toBe(0);

    // The launch in event history, shaped as CloudTrail records RunInstances.
    r = await cli(bin, [
      'cloudtrail',
      'lookup-events',
      '--lookup-attributes',
      'AttributeKey=EventName,AttributeValue=RunInstances',
    ]);
    const run = (json(r).Events as { CloudTrailEvent: string }[])
      .map((e) => JSON.parse(e.CloudTrailEvent))
      .find((e) => e.responseElements?.instancesSet?.items?.[0]?.instanceId === id);
    expect(run.requestParameters).toEqual({
      instancesSet: {
        items: [{ imageId: AL2023, minCount: 1, maxCount: 1, keyName: `kp-${tag}` }],
      },
      groupSet: { items: [{ groupId: sg }] },
      instanceType: 't3.micro',
    });
  });
  it('an unknown AMI is refused as EC2 refuses it (v1; the unknown key pair is a fidelity row)', async () => {
    const r = await cli('aws', [
      'ec2',
      'run-instances',
      '--image-id',
      'ami-0000000000000dead',
      '--instance-type',
      't3.micro',
    ]);
    expect(r.stderr).toContain(
      "An error occurred (InvalidAMIID.NotFound) when calling the RunInstances operation: The image id '[ami-0000000000000dead]' does not exist",
    );
  });
});

describe.each(CLIS)('errors a learner meets (%s)', (bin) => {
  it('a user without EC2 rights: RunInstances denial, decoded by STS', async () => {
    let r = await cli(
      bin,
      ['ec2', 'run-instances', '--image-id', AL2023, '--instance-type', 't3.micro'],
      nobody,
    );
    expect(r.code).toBe(bin === 'aws' ? 255 : 254);
    const head =
      `An error occurred (UnauthorizedOperation) when calling the RunInstances operation: You are not authorized to perform this operation. ` +
      `User: ${nobody.arn} is not authorized to perform: ec2:RunInstances on resource: arn:aws:ec2:ap-southeast-2:123456789012:instance/* ` +
      `because no identity-based policy allows the ec2:RunInstances action. Encoded authorization failure message: `;
    expect(r.stderr).toContain(head);
    const encoded = r.stderr.slice(r.stderr.indexOf(head) + head.length).trim();
    expect(encoded).toMatch(/^[A-Za-z0-9_-]{100,}$/);

    // Decoding needs sts:DecodeAuthorizationMessage, which IAMReadOnlyAccess lacks.
    r = await cli(
      bin,
      ['sts', 'decode-authorization-message', '--encoded-message', encoded],
      nobody,
    );
    expect(r.stderr).toContain('AccessDenied');
    r = await cli(bin, ['sts', 'decode-authorization-message', '--encoded-message', encoded]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(json(r).DecodedMessage);
    expect(doc).toMatchObject({
      allowed: false,
      explicitDeny: false,
      matchedStatements: { items: [] },
      failures: { items: [] },
      context: {
        principal: { name: 'no-ec2', arn: nobody.arn },
        action: 'ec2:RunInstances',
        resource: 'arn:aws:ec2:ap-southeast-2:123456789012:instance/*',
      },
    });
    // The keys and values AWS lists for a launch (aws-cli's decode-authorization-message
    // example; public captures): no source address, no time.
    const instances = 'arn:aws:ec2:ap-southeast-2:123456789012:instance/*';
    expect(
      doc.context.conditions.items.map(
        (c: { key: string; values: { items: { value: string }[] } }) =>
          `${c.key}=${c.values.items[0].value}`,
      ),
    ).toEqual([
      'ec2:InstanceMarketType=on-demand',
      'aws:Resource=instance/*',
      'aws:Account=123456789012',
      'ec2:IsLaunchTemplateResource=false',
      'ec2:InstanceType=t3.micro',
      'ec2:RootDeviceType=ebs',
      'aws:Region=ap-southeast-2',
      'aws:Service=ec2',
      'ec2:InstanceID=*',
      'aws:Type=instance',
      'ec2:Tenancy=default',
      'ec2:Region=ap-southeast-2',
      `aws:ARN=${instances}`,
    ]);
    r = await cli(bin, [
      'sts',
      'decode-authorization-message',
      '--encoded-message',
      'bm90LWEtbWVzc2FnZQ',
    ]);
    expect(r.stderr).toContain('(InvalidAuthorizationMessageException)');
  });
});

describe('Describe denials', () => {
  it('Describe denials keep the short form (no resource, no encoded message) (v1)', async () => {
    const r = await cli('aws', ['ec2', 'describe-instances'], nobody);
    expect(r.stderr).toContain(
      `You are not authorized to perform this operation. User: ${nobody.arn} is not authorized to perform: ec2:DescribeInstances because no identity-based policy allows the ec2:DescribeInstances action\n`,
    );
  });
});

describe('regions', () => {
  it.each(CLIS)('a mistyped region fails at once, naming the endpoint (%s)', async (bin) => {
    const r = await cli(bin, ['ec2', 'describe-instances'], undefined, 'ap-southest-2');
    expect(r.code).toBe(bin === 'aws' ? 255 : 254);
    expect(r.stderr).toContain(
      'An error occurred (EndpointConnectionError) when calling the DescribeInstances operation: Could not connect to the endpoint URL: "https://ec2.ap-southest-2.amazonaws.com/"',
    );
    // A 400 is not retried: the CLI says "(reached max retries: N)" when it did retry.
    expect(r.stderr).not.toContain('retries');
  });

  it('IAM is global: a mistyped region still reaches it, as on AWS', async () => {
    const r = await cli('aws', ['iam', 'list-users'], undefined, 'ap-southest-2');
    expect(r.code).toBe(0);
  });

  it('calls land in the region the CLI names', async () => {
    await cli(
      'aws',
      ['ec2', 'create-key-pair', '--key-name', 'in-sydney'],
      undefined,
      'ap-southeast-2',
    );
    const syd = await cli('aws', ['ec2', 'describe-key-pairs'], undefined, 'ap-southeast-2');
    const use1 = await cli('aws', ['ec2', 'describe-key-pairs'], undefined, 'us-east-1');
    expect(json(syd).KeyPairs.map((k: { KeyName: string }) => k.KeyName)).toContain('in-sydney');
    expect(json(use1).KeyPairs.map((k: { KeyName: string }) => k.KeyName)).not.toContain(
      'in-sydney',
    );
  });
});
