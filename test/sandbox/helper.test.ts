// The shared helper gives a working sandbox: both identities can sign calls through the gateway.
import { expect, test } from 'vitest';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { ListUsersCommand } from '@aws-sdk/client-iam';
import { adminClients, clientsFor, useTestSandbox } from '../helpers/sandbox.ts';

const sb = useTestSandbox();

test('the learner admin and the runner are two admin users of one account', async () => {
  const admin = adminClients(sb);
  const me = await admin.sts.send(new GetCallerIdentityCommand({}));
  expect(me.Arn).toBe(`arn:aws:iam::${sb.accountId}:user/sandbox-admin`);
  expect(me.Account).toBe(sb.accountId);
  const runner = clientsFor(sb, sb.runner);
  const users = await runner.iam.send(new ListUsersCommand({}));
  expect(users.Users?.map((u) => u.UserName).sort()).toEqual(['labrunner', 'sandbox-admin']);
  expect(sb.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
});
