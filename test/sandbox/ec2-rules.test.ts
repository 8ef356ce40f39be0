// AWS's EC2 state rules that moto lacks (sandbox/engine/ec2_lifecycle.py, ec2_sg_dependencies.py,
// ec2_ids.py, ec2_rule_texts.py), through both real CLIs (pyenv's v1 and Debian's v2.9, as `lab shell` runs them)
// and SDK v3 for the HTTP status: the life cycle of an instance (stop/start/terminate/reboot in
// each state), a security group still used by an instance, a malformed instance id, and a
// security group id in a message without a Python set around it.
import { describe, expect, it } from 'vitest';
import { StopInstancesCommand } from '@aws-sdk/client-ec2';
import { adminClients, useTestSandbox } from '../helpers/sandbox.ts';
import { run, withDebianCli } from './run-cli.ts';

const sb = useTestSandbox();
const CLIS = ['v1', 'v2'] as const;
type Cli = (typeof CLIS)[number];
const AL2023 = 'resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64';

async function aws(cli: Cli, ...args: string[]) {
  const env = cli === 'v1' ? sb.env : withDebianCli(sb.env);
  const r = await run('aws', [...args, '--output', 'json'], env);
  return { code: r.code, out: r.stdout, err: r.stderr, json: () => JSON.parse(r.stdout) };
}
const states = (
  out: {
    json: () => Record<
      string,
      { PreviousState: { Name: string }; CurrentState: { Name: string } }[]
    >;
  },
  key: string,
) => {
  const [first] = out.json()[key];
  return `${first.PreviousState.Name} -> ${first.CurrentState.Name}`;
};

async function launch(cli: Cli, ...extra: string[]): Promise<string> {
  const r = await aws(
    cli,
    'ec2',
    'run-instances',
    '--image-id',
    AL2023,
    '--instance-type',
    't3.micro',
    ...extra,
  );
  expect(r.code, r.err).toBe(0);
  return r.json().Instances[0].InstanceId as string;
}

describe.each(CLIS)('the instance life cycle (%s)', (cli) => {
  it('moves as the state table says, and a terminated instance stays terminated', async () => {
    const id = await launch(cli);
    const ids = ['--instance-ids', id];
    expect(states(await aws(cli, 'ec2', 'stop-instances', ...ids), 'StoppingInstances')).toBe(
      'running -> stopping',
    );
    // Stopping a stopped instance succeeds and changes nothing.
    expect(states(await aws(cli, 'ec2', 'stop-instances', ...ids), 'StoppingInstances')).toBe(
      'stopped -> stopped',
    );
    // A reboot never starts a stopped instance.
    expect((await aws(cli, 'ec2', 'reboot-instances', ...ids)).code).toBe(0);
    const seen = await aws(cli, 'ec2', 'describe-instances', ...ids);
    expect(seen.json().Reservations[0].Instances[0].State.Name).toBe('stopped');
    expect(states(await aws(cli, 'ec2', 'start-instances', ...ids), 'StartingInstances')).toBe(
      'stopped -> pending',
    );
    expect(states(await aws(cli, 'ec2', 'start-instances', ...ids), 'StartingInstances')).toBe(
      'running -> running',
    );
    expect(
      states(await aws(cli, 'ec2', 'terminate-instances', ...ids), 'TerminatingInstances'),
    ).toBe('running -> shutting-down');
    // Idempotent: terminated stays terminated (it used to come back as shutting-down).
    expect(
      states(await aws(cli, 'ec2', 'terminate-instances', ...ids), 'TerminatingInstances'),
    ).toBe('terminated -> terminated');

    const stop = await aws(cli, 'ec2', 'stop-instances', ...ids);
    expect(stop.code).not.toBe(0);
    expect(stop.err).toContain(
      `An error occurred (IncorrectInstanceState) when calling the StopInstances operation: This instance '${id}' is not in a state from which it can be stopped.`,
    );
    const start = await aws(cli, 'ec2', 'start-instances', ...ids);
    expect(start.err).toContain(
      `An error occurred (IncorrectInstanceState) when calling the StartInstances operation: The instance '${id}' is not in a state from which it can be started.`,
    );
    // "Requests to reboot terminated instances are ignored."
    expect((await aws(cli, 'ec2', 'reboot-instances', ...ids)).code).toBe(0);
    const after = await aws(cli, 'ec2', 'describe-instances', ...ids);
    expect(after.json().Reservations[0].Instances[0].State.Name).toBe('terminated');
  });
});

describe('the life cycle through SDK v3', () => {
  it('answers 400 IncorrectInstanceState and checks every instance before changing any', async () => {
    const { ec2 } = adminClients(sb);
    const live = await launch('v1');
    const gone = await launch('v1');
    expect((await aws('v1', 'ec2', 'terminate-instances', '--instance-ids', gone)).code).toBe(0);
    await expect(
      ec2.send(new StopInstancesCommand({ InstanceIds: [live, gone] })),
    ).rejects.toMatchObject({
      name: 'IncorrectInstanceState',
      $metadata: { httpStatusCode: 400 },
    });
    const seen = await aws('v1', 'ec2', 'describe-instances', '--instance-ids', live);
    expect(seen.json().Reservations[0].Instances[0].State.Name).toBe('running');
  });
});

describe.each(CLIS)('security group dependencies (%s)', (cli) => {
  it('refuses to delete a group a running or stopped instance uses, and deletes it once the instance is terminated', async () => {
    const sg = (
      await aws(
        cli,
        'ec2',
        'create-security-group',
        '--group-name',
        `deps-${cli}`,
        '--description',
        'ssh',
      )
    ).json().GroupId as string;
    const id = await launch(cli, '--security-group-ids', sg);
    const refusal = `An error occurred (DependencyViolation) when calling the DeleteSecurityGroup operation: resource ${sg} has a dependent object`;
    expect((await aws(cli, 'ec2', 'delete-security-group', '--group-id', sg)).err).toContain(
      refusal,
    );
    expect((await aws(cli, 'ec2', 'stop-instances', '--instance-ids', id)).code).toBe(0);
    expect((await aws(cli, 'ec2', 'delete-security-group', '--group-id', sg)).err).toContain(
      refusal,
    );
    // The group is still there: nothing was lost by the refusal.
    expect((await aws(cli, 'ec2', 'describe-security-groups', '--group-ids', sg)).code).toBe(0);
    expect((await aws(cli, 'ec2', 'terminate-instances', '--instance-ids', id)).code).toBe(0);
    const ok = await aws(cli, 'ec2', 'delete-security-group', '--group-id', sg);
    expect(ok.code, ok.err).toBe(0);
  });

  it("refuses to delete a group another group's rule refers to", async () => {
    const a = (
      await aws(
        cli,
        'ec2',
        'create-security-group',
        '--group-name',
        `ref-a-${cli}`,
        '--description',
        'a',
      )
    ).json().GroupId as string;
    const b = (
      await aws(
        cli,
        'ec2',
        'create-security-group',
        '--group-name',
        `ref-b-${cli}`,
        '--description',
        'b',
      )
    ).json().GroupId as string;
    const rule = await aws(
      cli,
      'ec2',
      'authorize-security-group-ingress',
      '--group-id',
      b,
      '--protocol',
      'tcp',
      '--port',
      '22',
      '--source-group',
      a,
    );
    expect(rule.code, rule.err).toBe(0);
    expect((await aws(cli, 'ec2', 'delete-security-group', '--group-id', a)).err).toContain(
      'DependencyViolation',
    );
  });
});

describe.each(CLIS)('EC2 ids in errors (%s)', (cli) => {
  it('calls a malformed instance id malformed, for every instance call', async () => {
    for (const op of ['describe-instances', 'terminate-instances', 'stop-instances']) {
      const r = await aws(cli, 'ec2', op, '--instance-ids', 'i-123');
      expect(r.err).toMatch(
        /An error occurred \(InvalidInstanceID\.Malformed\) when calling the \w+ operation: Invalid id: "i-123"/,
      );
    }
    // A well-formed id that does not exist is NotFound, as before.
    const r = await aws(cli, 'ec2', 'describe-instances', '--instance-ids', 'i-0123456789abcdef0');
    expect(r.err).toContain("The instance ID 'i-0123456789abcdef0' does not exist");
  });

  it('names an unknown security group without a Python set around it', async () => {
    const r = await aws(
      cli,
      'ec2',
      'describe-security-groups',
      '--group-ids',
      'sg-0123456789abcdef0',
    );
    expect(r.err).toContain(
      "An error occurred (InvalidGroup.NotFound) when calling the DescribeSecurityGroups operation: The security group 'sg-0123456789abcdef0' does not exist",
    );
  });
});

describe.each(CLIS)(
  'security group rules in EC2 words (%s, sandbox/engine/ec2_rule_texts.py)',
  (cli) => {
    it('names the rule that already exists, for a CIDR, a source group, all traffic and ICMP', async () => {
      const group = async (name: string) =>
        (
          await aws(cli, 'ec2', 'create-security-group', '--group-name', name, '--description', 'x')
        ).json().GroupId as string;
      const sg = await group(`rules-${cli}`);
      const peer = await group(`rules-peer-${cli}`);
      const cases: [string[], string][] = [
        [
          ['--protocol', 'tcp', '--port', '22', '--cidr', '203.0.113.10/32'],
          'peer: 203.0.113.10/32, TCP, from port: 22, to port: 22, ALLOW',
        ],
        [
          ['--protocol', 'tcp', '--port', '5432', '--source-group', peer],
          `peer: ${peer}, TCP, from port: 5432, to port: 5432, ALLOW`,
        ],
        [['--protocol', '-1', '--cidr', '10.0.0.0/8'], 'peer: 10.0.0.0/8, ALL, ALLOW'],
        [
          ['--protocol', 'icmp', '--port', '-1', '--cidr', '10.0.0.0/8'],
          'peer: 10.0.0.0/8, ICMP, type: ALL, code: ALL, ALLOW',
        ],
      ];
      for (const [rule, named] of cases) {
        const add = () =>
          aws(cli, 'ec2', 'authorize-security-group-ingress', '--group-id', sg, ...rule);
        expect((await add()).code).toBe(0);
        const again = await add();
        expect(again.err).toContain(
          `An error occurred (InvalidPermission.Duplicate) when calling the AuthorizeSecurityGroupIngress operation: the specified rule "${named}" already exists`,
        );
      }
    }, 240_000); // eight CLI calls: slow on a loaded machine

    it('calls an address without its prefix length a malformed CIDR block, not a Python dict', async () => {
      const sg = (
        await aws(
          cli,
          'ec2',
          'create-security-group',
          '--group-name',
          `cidr-${cli}`,
          '--description',
          'x',
        )
      ).json().GroupId as string;
      const r = await aws(
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
        '203.0.113.10',
      );
      expect(r.err).toContain(
        'An error occurred (InvalidParameterValue) when calling the AuthorizeSecurityGroupIngress operation: CIDR block 203.0.113.10 is malformed',
      );
      expect(r.err).not.toContain('{');
    });

    it('names the default VPC when a group name is not found', async () => {
      const r = await aws(cli, 'ec2', 'describe-security-groups', '--group-names', 'lab-ec2-shh');
      expect(r.err).toMatch(
        /An error occurred \(InvalidGroup\.NotFound\) when calling the DescribeSecurityGroups operation: The security group 'lab-ec2-shh' does not exist in default VPC 'vpc-[0-9a-f]+'/,
      );
    });
  },
);
