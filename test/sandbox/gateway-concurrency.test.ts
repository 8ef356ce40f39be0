// 20 clients at once, each with its own IAM user and key: every answer belongs to its caller
// (no cross-talk in the gateway's identity cache or fixes) and every call is logged once.
import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import {
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateUserCommand,
  GetUserCommand,
  ListUsersCommand,
} from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { failure, sdk, type Creds } from './clients.ts';
import { startGatewayFixture, type GatewayFixture } from './gateway-fixture.ts';

const N = 20;
let fx: GatewayFixture;
const users: (Creds & { name: string; arn: string })[] = [];

beforeAll(async () => {
  fx = await startGatewayFixture();
  const { iam } = sdk(fx.url, fx.admin);
  await Promise.all(
    Array.from({ length: N }, async (_, i) => {
      const name = `learner${i}`;
      const u = await iam.send(new CreateUserCommand({ UserName: name }));
      await iam.send(
        new AttachUserPolicyCommand({
          UserName: name,
          PolicyArn: 'arn:aws:iam::aws:policy/IAMFullAccess',
        }),
      );
      const k = (await iam.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
      users.push({
        name,
        arn: u.User!.Arn!,
        accessKeyId: k.AccessKeyId!,
        secretAccessKey: k.SecretAccessKey!,
      });
    }),
  );
});
afterAll(() => fx?.stop());

it('20 concurrent clients each get their own answers, and each call is logged once', async () => {
  const results = await Promise.all(
    users.map(async (u) => {
      const c = sdk(fx.url, u);
      const [me, list, self, denied] = await Promise.all([
        c.sts.send(new GetCallerIdentityCommand({})),
        c.iam.send(new ListUsersCommand({})),
        c.iam.send(new GetUserCommand({})),
        failure(c.ec2.send(new DescribeInstancesCommand({}))),
      ]);
      return { u, me, list, self, denied };
    }),
  );
  for (const { u, me, list, self, denied } of results) {
    expect(me.Arn).toBe(u.arn);
    expect(self.User!.UserName).toBe(u.name);
    expect(list.Users!.length).toBeGreaterThanOrEqual(N);
    expect(denied).toMatchObject({ name: 'UnauthorizedOperation', status: 403 });
    expect(denied.message).toContain(
      `User: ${u.arn} is not authorized to perform: ec2:DescribeInstances`,
    );
  }
  const keys = new Set(users.map((u) => u.accessKeyId));
  const { lines } = await fx.readActivity(
    (ls) => ls.filter((l) => keys.has(l.accessKeyId ?? '')).length >= 4 * N,
  );
  const mine = lines.filter((l) => keys.has(l.accessKeyId ?? ''));
  expect(mine).toHaveLength(4 * N);
  expect(new Set(mine.map((l) => l.requestId)).size).toBe(4 * N);
  for (const u of users) {
    const calls = mine.filter((l) => l.accessKeyId === u.accessKeyId);
    expect(calls.map((l) => l.eventName).sort()).toEqual([
      'DescribeInstances',
      'GetCallerIdentity',
      'GetUser',
      'ListUsers',
    ]);
    expect(calls.every((l) => l.principal?.arn === u.arn)).toBe(true);
  }
});
