// The sandbox records responseElements as CloudTrail does for every IAM creation the labs use:
// the new thing's immutable id (UserId, GroupId, RoleId, PolicyId, InstanceProfileId…), read by
// the runner's ownership record (runner/ownership/). Before, all were `null`, so cleanup looked
// the thing up by name later and could adopt a same-named one made by someone else.
// Made with the real CLI (v1 and v2), read through @aws-sdk/client-cloudtrail.
import { LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aws, CLIS, sdk } from './clients.ts';
import { startGatewayFixture, type GatewayFixture } from './gateway-fixture.ts';

let fx: GatewayFixture;
const IAM_REGION = 'us-east-1';

beforeAll(async () => {
  fx = await startGatewayFixture();
});
afterAll(() => fx?.stop());

async function created(eventName: string) {
  const out = await sdk(fx.url, fx.admin, { region: IAM_REGION }).cloudtrail.send(
    new LookupEventsCommand({
      LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: eventName }],
    }),
  );
  return out.Events!.map((e) => JSON.parse(e.CloudTrailEvent!));
}

const JAVA_DATE = /^[A-Z][a-z]{2} \d{1,2}, \d{4} \d{1,2}:\d\d:\d\d [AP]M$/;

describe.each(CLIS)('IAM creations record their ids (%s)', (bin) => {
  const n = bin === 'aws' ? 'v1' : 'v2';
  const run = async (...args: string[]) => {
    const r = await aws(bin, ['--endpoint-url', fx.url, '--output', 'json', ...args], {
      ...fx.cliEnv(),
      AWS_DEFAULT_REGION: IAM_REGION,
    });
    expect(r.code, r.stderr).toBe(0);
    return r.stdout ? JSON.parse(r.stdout) : {};
  };

  it('CreateUser, CreateGroup, CreateRole, CreatePolicy: the result member with its id', async () => {
    const { User } = await run('iam', 'create-user', '--user-name', `re-user-${n}`);
    const { Group } = await run('iam', 'create-group', '--group-name', `re-group-${n}`);
    const trust = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
      ],
    });
    const { Role } = await run(
      'iam',
      'create-role',
      '--role-name',
      `re-role-${n}`,
      '--assume-role-policy-document',
      trust,
    );
    const doc = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: '*' }],
    });
    const { Policy } = await run(
      'iam',
      'create-policy',
      '--policy-name',
      `re-policy-${n}`,
      '--policy-document',
      doc,
    );

    const user = (await created('CreateUser')).find(
      (e) => e.requestParameters?.userName === `re-user-${n}`,
    );
    expect(user.responseElements).toEqual({
      user: {
        path: '/',
        userName: `re-user-${n}`,
        userId: User.UserId,
        arn: User.Arn,
        createDate: expect.stringMatching(JAVA_DATE),
      },
    });
    const group = (await created('CreateGroup')).find(
      (e) => e.requestParameters?.groupName === `re-group-${n}`,
    );
    expect(group.responseElements.group).toMatchObject({
      groupName: `re-group-${n}`,
      groupId: Group.GroupId,
      arn: Group.Arn,
    });
    const role = (await created('CreateRole')).find(
      (e) => e.requestParameters?.roleName === `re-role-${n}`,
    );
    expect(role.responseElements.role).toMatchObject({
      roleName: `re-role-${n}`,
      roleId: Role.RoleId,
      arn: Role.Arn,
    });
    // A policy document is never recorded in the answer (nor the trust policy of a role).
    expect(JSON.stringify(role.responseElements)).not.toContain('sts:AssumeRole');
    const policy = (await created('CreatePolicy')).find(
      (e) => e.requestParameters?.policyName === `re-policy-${n}`,
    );
    expect(policy.responseElements.policy).toMatchObject({
      policyName: `re-policy-${n}`,
      policyId: Policy.PolicyId,
      arn: Policy.Arn,
      defaultVersionId: 'v1',
      attachmentCount: 0,
      isAttachable: true,
    });
    expect(JSON.stringify(policy.responseElements)).not.toContain('ListAllMyBuckets');
  });

  it('CreateVirtualMFADevice and CreateLoginProfile: never the seed, never the password', async () => {
    const out = await run(
      'iam',
      'create-virtual-mfa-device',
      '--virtual-mfa-device-name',
      `re-mfa-${n}`,
      '--outfile',
      `/tmp/re-mfa-${n}-${process.pid}.txt`,
      '--bootstrap-method',
      'Base32StringSeed',
    );
    void out;
    const mfa = (await created('CreateVirtualMFADevice')).find((e) =>
      String(e.responseElements?.virtualMFADevice?.serialNumber ?? '').endsWith(`re-mfa-${n}`),
    );
    expect(Object.keys(mfa.responseElements.virtualMFADevice)).toEqual(['serialNumber']);
    await run('iam', 'create-user', '--user-name', `re-login-${n}`);
    const password = 'Re-login-pass-1234!';
    await run(
      'iam',
      'create-login-profile',
      '--user-name',
      `re-login-${n}`,
      '--password',
      password,
    );
    const login = (await created('CreateLoginProfile')).find(
      (e) => e.requestParameters?.userName === `re-login-${n}`,
    );
    expect(login.responseElements.loginProfile).toMatchObject({ userName: `re-login-${n}` });
    expect(JSON.stringify(login)).not.toContain(password);
  });
});
