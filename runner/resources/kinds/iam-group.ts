// IAM group. Identity: GroupId. Deleting one first removes its members, managed and inline
// policies (DeleteConflict otherwise): https://docs.aws.amazon.com/IAM/latest/UserGuide/id_groups_manage_delete.html
import {
  DeleteGroupCommand,
  DeleteGroupPolicyCommand,
  DetachGroupPolicyCommand,
  GetGroupCommand,
  ListAttachedGroupPoliciesCommand,
  ListGroupPoliciesCommand,
  ListGroupsCommand,
  RemoveUserFromGroupCommand,
} from '@aws-sdk/client-iam';
import { ignoreGone } from '../../aws/index.ts';
import { str } from './iam-user.ts';
import type { ResourceKind } from '../types.ts';

export const iamGroup: ResourceKind = {
  kind: 'iam-group',
  noun: 'IAM group',
  order: 30,
  identity: ['groupId'],
  createdBy: [{ event: 'CreateGroup', name: (e) => str(e.requestParameters?.groupName) }],
  async lookup(ctx, GroupName) {
    const r = await ignoreGone(ctx.clients.iam.send(new GetGroupCommand({ GroupName })));
    const g = r?.Group;
    return g && { ids: { groupId: g.GroupId!, arn: g.Arn! }, created: g.CreateDate };
  },
  async delete(ctx, GroupName) {
    const iam = ctx.clients.iam;
    const g = await ignoreGone(iam.send(new GetGroupCommand({ GroupName })));
    if (!g) return;
    for (const u of g.Users ?? []) {
      await ignoreGone(
        iam.send(new RemoveUserFromGroupCommand({ GroupName, UserName: u.UserName })),
      );
    }
    const att = await ignoreGone(iam.send(new ListAttachedGroupPoliciesCommand({ GroupName })));
    for (const p of att?.AttachedPolicies ?? []) {
      await ignoreGone(
        iam.send(new DetachGroupPolicyCommand({ GroupName, PolicyArn: p.PolicyArn })),
      );
    }
    const inl = await ignoreGone(iam.send(new ListGroupPoliciesCommand({ GroupName })));
    for (const PolicyName of inl?.PolicyNames ?? []) {
      await ignoreGone(iam.send(new DeleteGroupPolicyCommand({ GroupName, PolicyName })));
    }
    await ignoreGone(iam.send(new DeleteGroupCommand({ GroupName })));
  },
  async snapshot(ctx) {
    return (await allGroups(ctx.clients.iam)).map((g) => `IAM group ${g.GroupName} (${g.GroupId})`);
  },
  describe: (name) => `IAM group ${name}`,
};

export async function allGroups(iam: import('@aws-sdk/client-iam').IAMClient) {
  const out: { GroupName?: string; GroupId?: string }[] = [];
  let Marker: string | undefined;
  do {
    const r = await iam.send(new ListGroupsCommand({ Marker }));
    out.push(...(r.Groups ?? []));
    Marker = r.IsTruncated ? r.Marker : undefined;
  } while (Marker);
  return out;
}
