// Customer managed policy (by ARN). Identity: PolicyId (ANPA…). Deleting one first detaches it
// from every user, group and role and deletes its non-default versions:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_manage-delete.html
import {
  DeletePolicyCommand,
  DeletePolicyVersionCommand,
  DetachGroupPolicyCommand,
  DetachRolePolicyCommand,
  DetachUserPolicyCommand,
  GetPolicyCommand,
  ListEntitiesForPolicyCommand,
  ListPoliciesCommand,
  ListPolicyVersionsCommand,
} from '@aws-sdk/client-iam';
import { ignoreGone } from '../../aws/index.ts';
import { str } from './iam-user.ts';
import type { ResourceKind } from '../types.ts';

export const managedPolicy: ResourceKind = {
  kind: 'managed-policy',
  noun: 'customer managed policy',
  order: 40,
  identity: ['policyId'],
  createdBy: [
    {
      event: 'CreatePolicy',
      name: (e) => {
        const name = str(e.requestParameters?.policyName);
        const account = e.callerArn?.split(':')[4];
        const path = str(e.requestParameters?.path) ?? '/';
        return name && account ? `arn:aws:iam::${account}:policy${path}${name}` : undefined;
      },
    },
  ],
  async lookup(ctx, PolicyArn) {
    const r = await ignoreGone(ctx.clients.iam.send(new GetPolicyCommand({ PolicyArn })));
    const p = r?.Policy;
    return p && { ids: { policyId: p.PolicyId!, arn: p.Arn! }, created: p.CreateDate };
  },
  async delete(ctx, PolicyArn) {
    const iam = ctx.clients.iam;
    const ents = await ignoreGone(iam.send(new ListEntitiesForPolicyCommand({ PolicyArn })));
    if (!ents) return;
    for (const u of ents.PolicyUsers ?? [])
      await ignoreGone(iam.send(new DetachUserPolicyCommand({ PolicyArn, UserName: u.UserName })));
    for (const g of ents.PolicyGroups ?? [])
      await ignoreGone(
        iam.send(new DetachGroupPolicyCommand({ PolicyArn, GroupName: g.GroupName })),
      );
    for (const r of ents.PolicyRoles ?? [])
      await ignoreGone(iam.send(new DetachRolePolicyCommand({ PolicyArn, RoleName: r.RoleName })));
    const vs = await ignoreGone(iam.send(new ListPolicyVersionsCommand({ PolicyArn })));
    for (const v of vs?.Versions ?? []) {
      if (!v.IsDefaultVersion)
        await ignoreGone(
          iam.send(new DeletePolicyVersionCommand({ PolicyArn, VersionId: v.VersionId })),
        );
    }
    await ignoreGone(iam.send(new DeletePolicyCommand({ PolicyArn })));
  },
  async snapshot(ctx) {
    const out: string[] = [];
    let Marker: string | undefined;
    do {
      // AWS managed policies are the same in every account: only the account's own count.
      const r = await ctx.clients.iam.send(new ListPoliciesCommand({ Scope: 'Local', Marker }));
      for (const p of r.Policies ?? []) out.push(`policy ${p.Arn} (${p.PolicyId})`);
      Marker = r.IsTruncated ? r.Marker : undefined;
    } while (Marker);
    return out;
  },
  describe: (arn) => `customer managed policy ${arn}`,
};
