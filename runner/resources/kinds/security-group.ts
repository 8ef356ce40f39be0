// EC2 security group, named by its id (sg-…, immutable). EC2 refuses to delete a group an
// instance or network interface still uses (DependencyViolation), so instances go first (their
// order is lower). A VPC's `default` group is never a lab's and is left out of snapshots.
import type { ResourceKind } from '../types.ts';
import { ec2Of, ignoreMissing } from './aws-clients.ts';

// Loaded when a call runs, not with the module: every `lab check` imports the resource registry
// (ownership), and @aws-sdk/client-ec2 takes longer to load than a whole check of day42.
const ec2Sdk = () => import('@aws-sdk/client-ec2');

export const securityGroup: ResourceKind = {
  kind: 'security-group',
  noun: 'security group',
  order: 47,
  identity: ['groupId'],
  regional: true,
  createdBy: [{ event: 'CreateSecurityGroup', name: (e) => e.responseElements?.groupId }],
  async lookup(ctx, GroupId) {
    const out = await ignoreMissing(
      ec2Of(ctx).send(new (await ec2Sdk()).DescribeSecurityGroupsCommand({ GroupIds: [GroupId] })),
    );
    const g = out?.SecurityGroups?.[0];
    return g && { ids: { groupId: g.GroupId!, groupName: g.GroupName! } };
  },
  async delete(ctx, GroupId) {
    await ignoreMissing(
      ec2Of(ctx).send(new (await ec2Sdk()).DeleteSecurityGroupCommand({ GroupId })),
    );
  },
  async snapshot(ctx) {
    if (!ctx.clients.ec2) return [];
    const out = await ctx.clients.ec2.send(new (await ec2Sdk()).DescribeSecurityGroupsCommand({}));
    return (out.SecurityGroups ?? [])
      .filter((g) => g.GroupName !== 'default')
      .map((g) => `security group ${g.GroupName} (${g.GroupId})`);
  },
  describe: (id, d) => `security group ${id}${d?.groupName ? ` (${String(d.groupName)})` : ''}`,
};
