// sandbox/engine/iam_conflicts.py: the iam-groups tear-down done in the wrong order is refused as
// AWS refuses it (DeleteConflict, HTTP 409, AWS's messages), then works in the right order.
// moto 5.2 deleted a user that still had a key and a group, and a group with members and a
// policy. The real CLI for what a learner reads, SDK v3 for the HTTP status.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { DeleteGroupCommand } from '@aws-sdk/client-iam';
import { adminClients, useTestSandbox } from '../helpers/sandbox.ts';

const sb = useTestSandbox();

function aws(...args: string[]) {
  const r = spawnSync('aws', args, { env: sb.env, encoding: 'utf8' });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}
const ok = (...args: string[]) => expect(aws(...args).code, args.join(' ')).toBe(0);
const refused = (message: string, ...args: string[]) => {
  const r = aws(...args);
  expect(r.code, r.out).not.toBe(0);
  expect(r.out).toContain(`An error occurred (DeleteConflict) when calling the`);
  expect(r.out).toContain(`Cannot delete entity, must ${message} first.`);
};

describe('DeleteUser and DeleteGroup with things still attached', () => {
  it('refuses each, naming what is left, in the order a learner may try them', async () => {
    const policy = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
    ok('iam', 'create-group', '--group-name', 'readers');
    ok('iam', 'attach-group-policy', '--group-name', 'readers', '--policy-arn', policy);
    ok('iam', 'create-user', '--user-name', 'reader');
    ok('iam', 'add-user-to-group', '--group-name', 'readers', '--user-name', 'reader');
    const key = JSON.parse(aws('iam', 'create-access-key', '--user-name', 'reader').out).AccessKey
      .AccessKeyId;
    ok('iam', 'create-login-profile', '--user-name', 'reader', '--password', 'Not-a-real-1!');

    refused('delete access keys', 'iam', 'delete-user', '--user-name', 'reader');
    ok('iam', 'delete-access-key', '--user-name', 'reader', '--access-key-id', key);
    refused('delete login profile', 'iam', 'delete-user', '--user-name', 'reader');
    ok('iam', 'delete-login-profile', '--user-name', 'reader');
    refused('remove users from group', 'iam', 'delete-user', '--user-name', 'reader');
    refused('remove users from group', 'iam', 'delete-group', '--group-name', 'readers');
    await expect(
      adminClients(sb).iam.send(new DeleteGroupCommand({ GroupName: 'readers' })),
    ).rejects.toMatchObject({
      name: 'DeleteConflictException',
      $metadata: { httpStatusCode: 409 },
    });

    ok('iam', 'remove-user-from-group', '--group-name', 'readers', '--user-name', 'reader');
    ok('iam', 'delete-user', '--user-name', 'reader');
    refused('detach all policies', 'iam', 'delete-group', '--group-name', 'readers');
    ok('iam', 'detach-group-policy', '--group-name', 'readers', '--policy-arn', policy);
    ok('iam', 'delete-group', '--group-name', 'readers');
    expect(aws('iam', 'get-group', '--group-name', 'readers').out).toMatch(/NoSuchEntity/);
  });
});
