// IAM user. Identity: UserId (AIDA…), which a same-named replacement does not share.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids
import { GetUserCommand, ListUsersCommand } from '@aws-sdk/client-iam';
import { ignoreGone } from '../../aws/index.ts';
import { deleteUser } from './user-dependents.ts';
import type { ResourceKind } from '../types.ts';

export const iamUser: ResourceKind = {
  kind: 'iam-user',
  noun: 'IAM user',
  order: 30,
  identity: ['userId'],
  createdBy: [{ event: 'CreateUser', name: (e) => str(e.requestParameters?.userName) }],
  async lookup(ctx, name) {
    const r = await ignoreGone(ctx.clients.iam.send(new GetUserCommand({ UserName: name })));
    const u = r?.User;
    return u && { ids: { userId: u.UserId!, arn: u.Arn! }, created: u.CreateDate };
  },
  delete: (ctx, name) => deleteUser(ctx.clients.iam, name),
  async snapshot(ctx) {
    const out: string[] = [];
    let Marker: string | undefined;
    do {
      const r = await ctx.clients.iam.send(new ListUsersCommand({ Marker }));
      for (const u of r.Users ?? []) out.push(`IAM user ${u.UserName} (${u.UserId})`);
      Marker = r.IsTruncated ? r.Marker : undefined;
    } while (Marker);
    return out;
  },
  describe: (name) => `IAM user ${name}`,
};

export const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
