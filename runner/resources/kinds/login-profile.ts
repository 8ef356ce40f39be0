// A user's console password (login profile), by user name. The password itself is never read
// or recorded. https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteLoginProfile.html
import { DeleteLoginProfileCommand, GetLoginProfileCommand } from '@aws-sdk/client-iam';
import { ignoreGone } from '../../aws/index.ts';
import { allUserNames } from './user-dependents.ts';
import { str } from './iam-user.ts';
import type { ResourceKind } from '../types.ts';

export const loginProfile: ResourceKind = {
  kind: 'login-profile',
  noun: 'console login',
  order: 20,
  identity: [],
  createdBy: [{ event: 'CreateLoginProfile', name: (e) => str(e.requestParameters?.userName) }],
  async lookup(ctx, UserName) {
    const r = await ignoreGone(ctx.clients.iam.send(new GetLoginProfileCommand({ UserName })));
    return r?.LoginProfile && { ids: {}, created: r.LoginProfile.CreateDate };
  },
  async delete(ctx, UserName) {
    await ignoreGone(ctx.clients.iam.send(new DeleteLoginProfileCommand({ UserName })));
  },
  async snapshot(ctx) {
    const out: string[] = [];
    for (const UserName of await allUserNames(ctx.clients.iam)) {
      if (await this.lookup(ctx, UserName, {})) out.push(`console login of ${UserName}`);
    }
    return out;
  },
  describe: (name) => `console login of ${name}`,
};
