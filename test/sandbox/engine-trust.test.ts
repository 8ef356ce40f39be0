// sandbox/engine/trust.py: a role whose trust policy names the account (…:root) can be assumed
// by an identity of that account whose own policies allow sts:AssumeRole, as on AWS; not by one
// whose policies do not, and not when the trust policy names another account. SDK v3 clients.
import { describe, expect, it } from 'vitest';
import {
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateRoleCommand,
  CreateUserCommand,
} from '@aws-sdk/client-iam';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { adminClients, clientsFor, useTestSandbox } from '../helpers/sandbox.ts';

const sb = useTestSandbox();

const trust = (principal: string) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: principal }, Action: 'sts:AssumeRole' }],
  });

describe('account principals in trust policies', () => {
  it('lets identities of the account whose policies allow it assume the role, and nobody else', async () => {
    const admin = adminClients(sb); // AdministratorAccess: sts:AssumeRole allowed
    const root = `arn:aws:iam::${sb.accountId}:root`;
    await admin.iam.send(
      new CreateRoleCommand({ RoleName: 'trusts-account', AssumeRolePolicyDocument: trust(root) }),
    );
    await admin.iam.send(
      new CreateRoleCommand({
        RoleName: 'trusts-bare-id',
        AssumeRolePolicyDocument: trust(sb.accountId),
      }),
    );
    await admin.iam.send(
      new CreateRoleCommand({
        RoleName: 'trusts-other',
        AssumeRolePolicyDocument: trust('arn:aws:iam::111122223333:root'),
      }),
    );
    const arn = (name: string) => `arn:aws:iam::${sb.accountId}:role/${name}`;
    const assume = (c: ReturnType<typeof adminClients>, role: string) =>
      c.sts.send(new AssumeRoleCommand({ RoleArn: arn(role), RoleSessionName: 'trust-test' }));

    const ok = await assume(admin, 'trusts-account');
    expect(ok.AssumedRoleUser?.Arn).toBe(
      `arn:aws:sts::${sb.accountId}:assumed-role/trusts-account/trust-test`,
    );
    expect((await assume(admin, 'trusts-bare-id')).Credentials?.AccessKeyId).toMatch(/^ASIA/);
    await expect(assume(admin, 'trusts-other')).rejects.toThrow(
      /not authorized to perform: sts:AssumeRole/,
    );

    // The account's trust hands the decision to the identity's own policies: ReadOnlyAccess
    // has no sts:AssumeRole, so this user is refused, as on AWS.
    await admin.iam.send(new CreateUserCommand({ UserName: 'reader' }));
    await admin.iam.send(
      new AttachUserPolicyCommand({
        UserName: 'reader',
        PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess',
      }),
    );
    const { AccessKey } = await admin.iam.send(new CreateAccessKeyCommand({ UserName: 'reader' }));
    const reader = clientsFor(sb, {
      accessKeyId: AccessKey!.AccessKeyId!,
      secretAccessKey: AccessKey!.SecretAccessKey!,
    });
    await expect(assume(reader, 'trusts-account')).rejects.toThrow(
      /not authorized to perform: sts:AssumeRole/,
    );
  });
});
