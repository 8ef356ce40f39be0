// Access key. Identity: the AccessKeyId itself (never reused). Deleted after deactivation, as
// the lab teaches: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html#rotating_access_keys_console
import {
  DeleteAccessKeyCommand,
  ListAccessKeysCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { ignoreGone } from '../../aws/index.ts';
import { allUserNames } from './user-dependents.ts';
import { str } from './iam-user.ts';
import type { ResourceKind } from '../types.ts';

export const accessKey: ResourceKind = {
  kind: 'access-key',
  noun: 'access key',
  order: 10,
  identity: ['accessKeyId'],
  createdBy: [
    {
      event: 'CreateAccessKey',
      name: (e) => str(e.responseElements?.accessKey?.accessKeyId),
    },
  ],
  async lookup(ctx, id, details) {
    const UserName = str(details.userName);
    // No user name: ListAccessKeys would list the runner's own keys instead.
    if (!UserName) return undefined;
    const r = await ignoreGone(ctx.clients.iam.send(new ListAccessKeysCommand({ UserName })));
    const k = r?.AccessKeyMetadata?.find((x) => x.AccessKeyId === id);
    return k && { ids: { accessKeyId: id, status: k.Status ?? '' }, created: k.CreateDate };
  },
  async delete(ctx, AccessKeyId, details) {
    const UserName = str(details.userName);
    const iam = ctx.clients.iam;
    await ignoreGone(
      iam.send(new UpdateAccessKeyCommand({ UserName, AccessKeyId, Status: 'Inactive' })),
    );
    await ignoreGone(iam.send(new DeleteAccessKeyCommand({ UserName, AccessKeyId })));
  },
  async snapshot(ctx) {
    const out: string[] = [];
    for (const UserName of await allUserNames(ctx.clients.iam)) {
      const r = await ignoreGone(ctx.clients.iam.send(new ListAccessKeysCommand({ UserName })));
      for (const k of r?.AccessKeyMetadata ?? [])
        out.push(`access key ${k.AccessKeyId} of ${UserName} (${k.Status})`);
    }
    return out;
  },
  describe: (id, details) =>
    `access key ${id}${details?.userName ? ` of ${details.userName}` : ''}`,
};
