// A user's membership of a group ("<group>/<user>"). AWS gives it no id: it is the run's only
// through the AddUserToGroup event the ledger recorded, made by the learner during the run.
import { GetGroupCommand, RemoveUserFromGroupCommand } from '@aws-sdk/client-iam';
import { ignoreGone } from '../../aws/index.ts';
import { str } from './iam-user.ts';
import { allGroups } from './iam-group.ts';
import type { ResourceKind } from '../types.ts';

const split = (id: string) => {
  const [group, user] = id.split('/');
  return { GroupName: group, UserName: user };
};

export const groupMembership: ResourceKind = {
  kind: 'group-membership',
  noun: 'group membership',
  order: 20,
  identity: [],
  createdBy: [
    {
      event: 'AddUserToGroup',
      name: (e) => {
        const g = str(e.requestParameters?.groupName);
        const u = str(e.requestParameters?.userName);
        return g && u ? `${g}/${u}` : undefined;
      },
    },
  ],
  async lookup(ctx, id) {
    const { GroupName, UserName } = split(id);
    const g = await ignoreGone(ctx.clients.iam.send(new GetGroupCommand({ GroupName })));
    return g?.Users?.some((u) => u.UserName === UserName) ? { ids: {} } : undefined;
  },
  async delete(ctx, id) {
    await ignoreGone(ctx.clients.iam.send(new RemoveUserFromGroupCommand(split(id))));
  },
  async snapshot(ctx) {
    const out: string[] = [];
    for (const g of await allGroups(ctx.clients.iam)) {
      const r = await ignoreGone(
        ctx.clients.iam.send(new GetGroupCommand({ GroupName: g.GroupName })),
      );
      for (const u of r?.Users ?? []) out.push(`${u.UserName} in group ${g.GroupName}`);
    }
    return out;
  },
  describe: (id) => {
    const { GroupName, UserName } = split(id);
    return `membership of ${UserName} in group ${GroupName}`;
  },
  removing: (id) => {
    const { GroupName, UserName } = split(id);
    return `remove ${UserName} from group ${GroupName}`;
  },
};
