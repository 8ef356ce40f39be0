// EC2 security group, named by its id (sg-…, immutable). EC2 refuses to delete a group an
// instance or network interface still uses (DependencyViolation), so instances go first (their
// order is lower). A VPC's `default` group is never a lab's and is left out of snapshots.
import { DeleteSecurityGroupCommand, DescribeSecurityGroupsCommand } from '@aws-sdk/client-ec2';
import type { ResourceKind } from '../types.ts';
import { ec2Of, ignoreMissing } from './aws-clients.ts';

export const securityGroup: ResourceKind = {
  kind: 'security-group',
  noun: 'security group',
  order: 47,
  identity: ['groupId'],
  regional: true,
  createdBy: [{ event: 'CreateSecurityGroup', name: (e) => e.responseElements?.groupId }],
  async lookup(ctx, GroupId) {
    const out = await ignoreMissing(
      ec2Of(ctx).send(new DescribeSecurityGroupsCommand({ GroupIds: [GroupId] })),
    );
    const g = out?.SecurityGroups?.[0];
    return g && { ids: { groupId: g.GroupId!, groupName: g.GroupName! } };
  },
  async delete(ctx, GroupId) {
    await ignoreMissing(ec2Of(ctx).send(new DeleteSecurityGroupCommand({ GroupId })));
  },
  async snapshot(ctx) {
    if (!ctx.clients.ec2) return [];
    const out = await ctx.clients.ec2.send(new DescribeSecurityGroupsCommand({}));
    return (out.SecurityGroups ?? [])
      .filter((g) => g.GroupName !== 'default')
      .map((g) => `security group ${g.GroupName} (${g.GroupId})`);
  },
  describe: (id, d) => `security group ${id}${d?.groupName ? ` (${String(d.groupName)})` : ''}`,
};
