// `lab sandbox reset --yes`: a fresh account with new identities; the old keys stop working.
import { expect, test } from 'vitest';
import { CreateUserCommand, ListUsersCommand } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { readSandboxInfo } from '../../sandbox/index.ts';
import { adminClients, clientsFor, useTestSandbox } from '../helpers/sandbox.ts';
import { cleanEnv, lab } from './run-cli.ts';

const sb = useTestSandbox();

test('reset asks for --yes, then wipes the account and issues new keys', async () => {
  const env = cleanEnv({ LAB_HOME: sb.home });
  await adminClients(sb).iam.send(new CreateUserCommand({ UserName: 'before-reset' }));

  const refused = await lab(['sandbox', 'reset'], env);
  expect(refused.code).toBe(2);
  expect(refused.stderr).toContain('lab sandbox reset --yes');
  const still = await adminClients(sb).iam.send(new ListUsersCommand({}));
  expect(still.Users?.map((u) => u.UserName)).toContain('before-reset');

  const r = await lab(['sandbox', 'reset', '--yes'], env);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout).toContain(`a fresh account at ${sb.endpoint}`);

  const fresh = readSandboxInfo(sb.home)!;
  expect(fresh.learner.accessKeyId).not.toBe(sb.learner.accessKeyId);
  const users = await adminClients(fresh).iam.send(new ListUsersCommand({}));
  expect(users.Users?.map((u) => u.UserName).sort()).toEqual(['sandbox-admin']); // labrunner is hidden from list-users
  const old = await clientsFor(sb, sb.learner)
    .sts.send(new GetCallerIdentityCommand({}))
    .catch((e) => e);
  expect(old.name).toBe('InvalidClientTokenId');
});
