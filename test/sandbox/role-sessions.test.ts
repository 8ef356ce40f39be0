// A role session belongs to the role it was issued for (sandbox/engine/role_sessions.py): the CLI
// caches a session for an hour, and the iam-roles lab deletes the role it assumed. A session of
// a deleted role, or of a role deleted and created again under its name, answers with the old
// RoleId and may do nothing; a new session of the new role works. AssumeRole itself refuses a role
// that does not exist and a session longer than the role allows (sandbox/engine/sts_assume_role.py).
// Driven through SDK v3 clients.
import {
  AttachRolePolicyCommand,
  CreateRoleCommand,
  DeleteRoleCommand,
  DetachRolePolicyCommand,
  GetRoleCommand,
  ListRolesCommand,
  UpdateRoleCommand,
} from '@aws-sdk/client-iam';
import { AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failure, sdk } from './clients.ts';
import { startGatewayFixture, type GatewayFixture } from './gateway-fixture.ts';

const READ_ONLY = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
let fx: GatewayFixture;

beforeAll(async () => {
  fx = await startGatewayFixture();
});
afterAll(() => fx?.stop());

const admin = () => sdk(fx.url, fx.admin, { region: 'us-east-1' });

async function createRole(name: string): Promise<{ arn: string; id: string }> {
  const { iam } = admin();
  const trust = {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::123456789012:root' },
        Action: 'sts:AssumeRole',
      },
    ],
  };
  const role = (
    await iam.send(
      new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: JSON.stringify(trust) }),
    )
  ).Role!;
  await iam.send(new AttachRolePolicyCommand({ RoleName: name, PolicyArn: READ_ONLY }));
  return { arn: role.Arn!, id: role.RoleId! };
}

async function deleteRole(name: string) {
  const { iam } = admin();
  await iam.send(new DetachRolePolicyCommand({ RoleName: name, PolicyArn: READ_ONLY }));
  await iam.send(new DeleteRoleCommand({ RoleName: name }));
}

async function session(roleArn: string, name: string) {
  const c = (
    await admin().sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: name }))
  ).Credentials!;
  return sdk(
    fx.url,
    {
      accessKeyId: c.AccessKeyId!,
      secretAccessKey: c.SecretAccessKey!,
      sessionToken: c.SessionToken!,
    },
    { region: 'us-east-1' },
  );
}

describe('a session of a role that was deleted', () => {
  it('keeps its identity but may do nothing (was NoSuchEntity for the role)', async () => {
    const role = await createRole('gone-role');
    const s = await session(role.arn, 'before');
    expect((await s.iam.send(new ListRolesCommand({}))).Roles?.length).toBeGreaterThan(0);
    await deleteRole('gone-role');
    const who = await s.sts.send(new GetCallerIdentityCommand({}));
    expect(who.UserId).toBe(`${role.id}:before`);
    const err = await failure(s.iam.send(new ListRolesCommand({})));
    expect(err.status).toBe(403);
    expect(err.name).toBe('AccessDenied');
    expect(err.message).toMatch(
      /^User: arn:aws:sts::123456789012:assumed-role\/gone-role\/before is not authorized to perform: iam:ListRoles on resource: arn:aws:iam::123456789012:role\/ because no identity-based policy allows the iam:ListRoles action$/,
    );
  });
});

describe('a session of a role deleted and created again under the same name', () => {
  it('answers with the old RoleId and gets none of the new role’s rights; a new session does', async () => {
    const old = await createRole('lab-viewer');
    const cached = await session(old.arn, 'cached');
    await deleteRole('lab-viewer');
    const recreated = await createRole('lab-viewer');
    expect(recreated.id).not.toBe(old.id);
    const { Role } = await admin().iam.send(new GetRoleCommand({ RoleName: 'lab-viewer' }));
    expect(Role?.RoleId).toBe(recreated.id);

    // The cached session: the old role's id (was the new one), no permissions (was ReadOnly).
    const who = await cached.sts.send(new GetCallerIdentityCommand({}));
    expect(who.UserId).toBe(`${old.id}:cached`);
    expect(who.Arn).toBe('arn:aws:sts::123456789012:assumed-role/lab-viewer/cached');
    const err = await failure(cached.iam.send(new ListRolesCommand({})));
    expect(err.name).toBe('AccessDenied');

    // A session of the new role is the new role's.
    const fresh = await session(recreated.arn, 'fresh');
    expect((await fresh.sts.send(new GetCallerIdentityCommand({}))).UserId).toBe(
      `${recreated.id}:fresh`,
    );
    expect((await fresh.iam.send(new ListRolesCommand({}))).Roles?.length).toBeGreaterThan(0);
  });
});

describe("a session's calls in event history", () => {
  it('carry the session name as Username, and a lookup by it finds them', async () => {
    const role = await createRole('named-role');
    const s = await session(role.arn, 'alice-reads');
    await s.iam.send(new ListRolesCommand({}));
    await fx.readActivity((lines) => lines.some((l) => l.eventName === 'ListRoles'));
    const out = await admin().cloudtrail.send(
      new LookupEventsCommand({
        LookupAttributes: [{ AttributeKey: 'Username', AttributeValue: 'alice-reads' }],
      }),
    );
    const names = (out.Events ?? []).map((e) => e.EventName);
    expect(names).toContain('ListRoles');
    for (const e of out.Events ?? []) expect(e.Username).toBe('alice-reads');
  });
});

describe("AssumeRole's rules on the role itself (sandbox/engine/sts_assume_role.py)", () => {
  it('a role that does not exist (or no longer does) is AccessDenied, naming caller and role', async () => {
    const { sts } = admin();
    const missing = 'arn:aws:iam::123456789012:role/lab-veiwer';
    const e = await failure(
      sts.send(new AssumeRoleCommand({ RoleArn: missing, RoleSessionName: 'typo' })),
    );
    expect(e.name).toBe('AccessDenied');
    expect(e.status).toBe(403);
    expect(e.message).toBe(
      `User: ${fx.admin.arn} is not authorized to perform: sts:AssumeRole on resource: ${missing}`,
    );
    const gone = await createRole('assume-gone');
    await deleteRole('assume-gone');
    const e2 = await failure(
      sts.send(new AssumeRoleCommand({ RoleArn: gone.arn, RoleSessionName: 'late' })),
    );
    expect(e2.name).toBe('AccessDenied');
  });

  it("a session longer than the role's maximum is ValidationError; up to it, a session", async () => {
    const { sts, iam } = admin();
    const role = await createRole('assume-duration');
    const ask = (DurationSeconds: number) =>
      sts.send(
        new AssumeRoleCommand({ RoleArn: role.arn, RoleSessionName: 'long', DurationSeconds }),
      );
    const e = await failure(ask(7200));
    expect(e.name).toBe('ValidationError');
    expect(e.status).toBe(400);
    expect(e.message).toBe(
      'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
    );
    expect((await ask(3600)).Credentials?.AccessKeyId).toMatch(/^ASIA/);
    // The role's own maximum decides (IAM UpdateRole --max-session-duration).
    await iam.send(
      new UpdateRoleCommand({ RoleName: 'assume-duration', MaxSessionDuration: 7200 }),
    );
    expect((await ask(7200)).Credentials?.AccessKeyId).toMatch(/^ASIA/);
  });
});
