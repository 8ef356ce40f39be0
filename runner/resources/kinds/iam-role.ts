// IAM role. Identity: RoleId (AROA…). Deleting one first detaches its managed policies,
// deletes its inline ones and takes it out of instance profiles (DeleteConflict otherwise):
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_manage_delete.html
import {
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  GetRoleCommand,
  ListAttachedRolePoliciesCommand,
  ListInstanceProfilesForRoleCommand,
  ListRolePoliciesCommand,
  ListRolesCommand,
  RemoveRoleFromInstanceProfileCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { ignoreGone } from '../../aws/index.ts';
import { str } from './iam-user.ts';
import type { ResourceKind } from '../types.ts';

export const iamRole: ResourceKind = {
  kind: 'iam-role',
  noun: 'IAM role',
  order: 30,
  identity: ['roleId'],
  createdBy: [{ event: 'CreateRole', name: (e) => str(e.requestParameters?.roleName) }],
  async lookup(ctx, RoleName) {
    const r = await ignoreGone(ctx.clients.iam.send(new GetRoleCommand({ RoleName })));
    const x = r?.Role;
    return x && { ids: { roleId: x.RoleId!, arn: x.Arn! }, created: x.CreateDate };
  },
  async delete(ctx, RoleName) {
    const iam = ctx.clients.iam;
    const att = await ignoreGone(iam.send(new ListAttachedRolePoliciesCommand({ RoleName })));
    if (!att) return;
    for (const p of att.AttachedPolicies ?? []) {
      await ignoreGone(iam.send(new DetachRolePolicyCommand({ RoleName, PolicyArn: p.PolicyArn })));
    }
    const inl = await ignoreGone(iam.send(new ListRolePoliciesCommand({ RoleName })));
    for (const PolicyName of inl?.PolicyNames ?? []) {
      await ignoreGone(iam.send(new DeleteRolePolicyCommand({ RoleName, PolicyName })));
    }
    const ips = await ignoreGone(iam.send(new ListInstanceProfilesForRoleCommand({ RoleName })));
    for (const ip of ips?.InstanceProfiles ?? []) {
      await ignoreGone(
        iam.send(
          new RemoveRoleFromInstanceProfileCommand({
            RoleName,
            InstanceProfileName: ip.InstanceProfileName,
          }),
        ),
      );
    }
    await ignoreGone(iam.send(new DeleteRoleCommand({ RoleName })));
  },
  async snapshot(ctx) {
    return (await allRoles(ctx.clients.iam)).map((r) => `IAM role ${r.RoleName} (${r.RoleId})`);
  },
  describe: (name) => `IAM role ${name}`,
};

export async function allRoles(iam: IAMClient) {
  const out: { RoleName?: string; RoleId?: string }[] = [];
  let Marker: string | undefined;
  do {
    const r = await iam.send(new ListRolesCommand({ Marker }));
    out.push(...(r.Roles ?? []));
    Marker = r.IsTruncated ? r.Marker : undefined;
  } while (Marker);
  return out;
}
