// The whole day42 flow through the real CLI, in an account where the lab user
// already exists (as on a real AWS account that has done the lab before):
// `lab start`, the learner's steps (solve.mjs, real `aws`), `lab check` with its
// automatic cleanup. What existed before survives; what the learner made goes.
import { expect, it } from 'vitest';
import { writeFile } from 'node:fs/promises';
import { $ } from 'zx';
import {
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateUserCommand,
} from '@aws-sdk/client-iam';
import { LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { useTestSandbox } from '../helpers/sandbox.ts';
import { loadSolve } from '../../runner/labtest/run.ts';
import { cliFiles, keysOf, lab, runnerClients, userExists } from './cleanup-fixture.ts';
import { nextSecond } from '../helpers/clock.ts';

const sb = useTestSandbox();

it('day42 end to end: the pre-existing lab user, its old key and other users survive the automatic cleanup', async () => {
  const { iam } = runnerClients(sb);
  await iam.send(new CreateUserCommand({ UserName: 'iam-admin' }));
  await iam.send(
    new AttachUserPolicyCommand({
      UserName: 'iam-admin',
      PolicyArn: 'arn:aws:iam::aws:policy/IAMFullAccess',
    }),
  );
  const oldKey = (await iam.send(new CreateAccessKeyCommand({ UserName: 'iam-admin' }))).AccessKey!
    .AccessKeyId!;
  await iam.send(new CreateUserCommand({ UserName: 'carol' }));
  const carolKey = (await iam.send(new CreateAccessKeyCommand({ UserName: 'carol' }))).AccessKey!
    .AccessKeyId!;
  // The learner's own profile for carol, with a comment, in CRLF.
  const before = await cliFiles(sb);
  await writeFile(
    sb.credentialsFile,
    `${before.credentials}\r\n# carol's key, keep\r\n[carol]\r\naws_access_key_id = ${carolKey}\r\n`,
  );
  const filesBefore = await cliFiles(sb);
  await nextSecond(); // the old keys' CreateDate second must be before the run's

  const start = await lab(['start', 'day42'], sb.env);
  expect(start.code, start.stdout + start.stderr).toBe(0);
  expect(start.stdout).not.toContain('created iam-user');

  const steps = await loadSolve('day42');
  const z = $({ env: sb.env, quiet: true });
  const state: Record<string, unknown> = {};
  for (const id of Object.keys(steps)) await steps[id]({ $: z, env: sb.env, state });

  const check = await lab(['check', 'day42'], sb.env);
  expect(check.code, check.stdout + check.stderr).toBe(0);
  expect(check.stdout).toContain('keep IAM user iam-admin');
  expect(check.stdout).toContain(`keep access key ${oldKey} of iam-admin`);
  expect(check.stdout).toContain('nothing the lab created remains');

  expect(await userExists(sb, 'iam-admin')).toBe(true);
  expect(await keysOf(sb, 'iam-admin')).toEqual([{ id: oldKey, status: 'Active' }]);
  expect(await keysOf(sb, 'carol')).toEqual([{ id: carolKey, status: 'Active' }]);
  expect(await cliFiles(sb)).toEqual(filesBefore);
  // The learner deleted their key in the last step: the cleanup forgets it, without a
  // DeleteAccessKey that AWS refuses (NoSuchEntity) and records as an error event.
  const { cloudtrail } = runnerClients(sb);
  const mine = await cloudtrail.send(
    new LookupEventsCommand({
      LookupAttributes: [{ AttributeKey: 'Username', AttributeValue: 'labrunner' }],
    }),
  );
  const failed = mine.Events!.map((e) => JSON.parse(e.CloudTrailEvent!)).filter((e) => e.errorCode);
  expect(failed.map((e) => `${e.eventName} ${e.errorCode}`)).toEqual([]);
});
