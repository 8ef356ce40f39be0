// AWS's IAM/STS rules that moto lacks (sandbox/engine/iam_policy_conflicts.py, trust_principals.py,
// iam_messages.py, sts_key_owner.py), through both real CLIs and SDK v3: DeletePolicy on a policy
// still attached or with extra versions (and the learner is never left stuck), a malformed trust
// principal, IAM's own error texts, and GetAccessKeyInfo answering by the key's owner.
import { describe, expect, it } from 'vitest';
import { DeletePolicyCommand } from '@aws-sdk/client-iam';
import { GetAccessKeyInfoCommand } from '@aws-sdk/client-sts';
import { adminClients, useTestSandbox } from '../helpers/sandbox.ts';
import { run, withDebianCli } from './run-cli.ts';

const sb = useTestSandbox();
const CLIS = ['v1', 'v2'] as const;
type Cli = (typeof CLIS)[number];

async function aws(cli: Cli, ...args: string[]) {
  const env = cli === 'v1' ? sb.env : withDebianCli(sb.env);
  const r = await run('aws', [...args, '--output', 'json'], env);
  return { code: r.code, out: r.stdout, err: r.stderr, json: () => JSON.parse(r.stdout) };
}
const doc = (action: string) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }],
  });
const trust = (principal: string) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: principal }, Action: 'sts:AssumeRole' }],
  });

describe.each(CLIS)('DeletePolicy conflicts (%s)', (cli) => {
  it('refuses while attached and while extra versions exist, and the user is never stuck', async () => {
    const user = `pol-user-${cli}`;
    expect((await aws(cli, 'iam', 'create-user', '--user-name', user)).code).toBe(0);
    const made = await aws(
      cli,
      'iam',
      'create-policy',
      '--policy-name',
      `pol-${cli}`,
      '--policy-document',
      doc('s3:ListAllMyBuckets'),
    );
    const arn = made.json().Policy.Arn as string;
    const v2 = await aws(
      cli,
      'iam',
      'create-policy-version',
      '--policy-arn',
      arn,
      '--policy-document',
      doc('s3:ListBucket'),
      '--set-as-default',
    );
    expect(v2.code, v2.err).toBe(0);
    expect(
      (await aws(cli, 'iam', 'attach-user-policy', '--user-name', user, '--policy-arn', arn)).code,
    ).toBe(0);

    const attached = await aws(cli, 'iam', 'delete-policy', '--policy-arn', arn);
    expect(attached.err).toContain(
      'An error occurred (DeleteConflict) when calling the DeletePolicy operation: Cannot delete a policy attached to entities.',
    );
    // The refusal lost nothing: the policy is still attached and can be detached.
    const listed = await aws(cli, 'iam', 'list-attached-user-policies', '--user-name', user);
    expect(listed.json().AttachedPolicies.map((p: { PolicyArn: string }) => p.PolicyArn)).toEqual([
      arn,
    ]);
    expect(
      (await aws(cli, 'iam', 'detach-user-policy', '--user-name', user, '--policy-arn', arn)).code,
    ).toBe(0);

    const versions = await aws(cli, 'iam', 'delete-policy', '--policy-arn', arn);
    expect(versions.err).toContain(
      "An error occurred (DeleteConflict) when calling the DeletePolicy operation: This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.",
    );
    expect(
      (await aws(cli, 'iam', 'delete-policy-version', '--policy-arn', arn, '--version-id', 'v1'))
        .code,
    ).toBe(0);
    const gone = await aws(cli, 'iam', 'delete-policy', '--policy-arn', arn);
    expect(gone.code, gone.err).toBe(0);
    // The user it was attached to cleans up as the lab says.
    const deleted = await aws(cli, 'iam', 'delete-user', '--user-name', user);
    expect(deleted.code, deleted.err).toBe(0);
  });
});

describe('DeletePolicy through SDK v3', () => {
  it('is 409 DeleteConflict', async () => {
    const { iam } = adminClients(sb);
    const arn = (
      await aws(
        'v1',
        'iam',
        'create-policy',
        '--policy-name',
        'pol-sdk',
        '--policy-document',
        doc('s3:ListAllMyBuckets'),
      )
    ).json().Policy.Arn;
    expect((await aws('v1', 'iam', 'create-group', '--group-name', 'pol-sdk-group')).code).toBe(0);
    expect(
      (
        await aws(
          'v1',
          'iam',
          'attach-group-policy',
          '--group-name',
          'pol-sdk-group',
          '--policy-arn',
          arn,
        )
      ).code,
    ).toBe(0);
    await expect(iam.send(new DeletePolicyCommand({ PolicyArn: arn }))).rejects.toMatchObject({
      name: 'DeleteConflictException',
      $metadata: { httpStatusCode: 409 },
    });
  });
});

describe.each(CLIS)('trust-policy principals (%s)', (cli) => {
  it('refuses a principal IAM would refuse, with IAM words, and keeps the valid forms', async () => {
    for (const bad of [
      'arn:aws:iam:::root',
      'arn:aws:iam::12345:root',
      `arn:aws:iam::123456789012:role/no-such-role-${cli}`,
    ]) {
      const r = await aws(
        cli,
        'iam',
        'create-role',
        '--role-name',
        `bad-trust-${cli}`,
        '--assume-role-policy-document',
        trust(bad),
      );
      expect(r.err).toContain(
        `An error occurred (MalformedPolicyDocument) when calling the CreateRole operation: Invalid principal in policy: "AWS":"${bad}"`,
      );
    }
    expect((await aws(cli, 'iam', 'get-role', '--role-name', `bad-trust-${cli}`)).err).toContain(
      'NoSuchEntity',
    );
    for (const [i, good] of ['arn:aws:iam::123456789012:root', '123456789012', '*'].entries()) {
      const r = await aws(
        cli,
        'iam',
        'create-role',
        '--role-name',
        `good-trust-${cli}-${i}`,
        '--assume-role-policy-document',
        trust(good),
      );
      expect(r.code, r.err).toBe(0);
    }
    const update = await aws(
      cli,
      'iam',
      'update-assume-role-policy',
      '--role-name',
      `good-trust-${cli}-0`,
      '--policy-document',
      trust('arn:aws:iam:::root'),
    );
    expect(update.err).toContain('Invalid principal in policy: "AWS":"arn:aws:iam:::root"');
  });
});

describe.each(CLIS)('IAM error texts (%s)', (cli) => {
  it('words duplicates, a missing group and a mistyped policy ARN as IAM does', async () => {
    const user = `dup-${cli}`;
    const group = `dup-group-${cli}`;
    expect((await aws(cli, 'iam', 'create-user', '--user-name', user)).code).toBe(0);
    expect((await aws(cli, 'iam', 'create-user', '--user-name', user)).err).toContain(
      `An error occurred (EntityAlreadyExists) when calling the CreateUser operation: User with name ${user} already exists.`,
    );
    expect((await aws(cli, 'iam', 'create-group', '--group-name', group)).code).toBe(0);
    expect((await aws(cli, 'iam', 'create-group', '--group-name', group)).err).toContain(
      `An error occurred (EntityAlreadyExists) when calling the CreateGroup operation: Group with name ${group} already exists.`,
    );
    const typo = 'arn:aws:iam::aws:policy/ReadOnlyAcess';
    expect(
      (await aws(cli, 'iam', 'attach-group-policy', '--group-name', group, '--policy-arn', typo))
        .err,
    ).toContain(
      `An error occurred (NoSuchEntity) when calling the AttachGroupPolicy operation: Policy ${typo} does not exist or is not attachable.`,
    );
    expect((await aws(cli, 'iam', 'delete-group', '--group-name', group)).code).toBe(0);
    expect((await aws(cli, 'iam', 'get-group', '--group-name', group)).err).toContain(
      `An error occurred (NoSuchEntity) when calling the GetGroup operation: The group with name ${group} cannot be found.`,
    );
  });
});

describe.each(CLIS)('get-access-key-info (%s)', (cli) => {
  it("answers the key owner's account, and for a key the sandbox does not know the account its id encodes", async () => {
    const key = (
      await aws(cli, 'iam', 'create-access-key', '--user-name', sb.learner.userName)
    ).json().AccessKey;
    try {
      const own = await aws(cli, 'sts', 'get-access-key-info', '--access-key-id', key.AccessKeyId);
      expect(own.json()).toEqual({ Account: sb.accountId });
      // Aidan Steele's and Tal Be'ery's published example: AWS answers 609629065308 for it.
      const other = await aws(
        cli,
        'sts',
        'get-access-key-info',
        '--access-key-id',
        'ASIAY34FZKBOKMUTVV7A',
      );
      expect(other.json()).toEqual({ Account: '609629065308' });
    } finally {
      await aws(
        cli,
        'iam',
        'delete-access-key',
        '--user-name',
        sb.learner.userName,
        '--access-key-id',
        key.AccessKeyId,
      );
    }
  });
});

describe('get-access-key-info through SDK v3', () => {
  it('never answers the caller account for a stranger key', async () => {
    const { sts } = adminClients(sb);
    const out = await sts.send(
      new GetAccessKeyInfoCommand({ AccessKeyId: 'AKIAY34FZKBOAAAAAAAA' }),
    );
    expect(out.Account).toBe('609629065308');
    expect(out.Account).not.toBe(sb.accountId);
  });
});
