// Instance profile (the box EC2 hands a role in). Identity: InstanceProfileId. Its roles are
// removed before it is deleted: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_switch-role-ec2_instance-profiles.html
import {
  DeleteInstanceProfileCommand,
  GetInstanceProfileCommand,
  ListInstanceProfilesCommand,
  RemoveRoleFromInstanceProfileCommand,
} from '@aws-sdk/client-iam';
import { ignoreGone } from '../../aws/index.ts';
import { str } from './iam-user.ts';
import type { ResourceKind } from '../types.ts';

export const instanceProfile: ResourceKind = {
  kind: 'instance-profile',
  noun: 'instance profile',
  order: 25,
  identity: ['instanceProfileId'],
  createdBy: [
    { event: 'CreateInstanceProfile', name: (e) => str(e.requestParameters?.instanceProfileName) },
  ],
  async lookup(ctx, InstanceProfileName) {
    const r = await ignoreGone(
      ctx.clients.iam.send(new GetInstanceProfileCommand({ InstanceProfileName })),
    );
    const p = r?.InstanceProfile;
    return (
      p && { ids: { instanceProfileId: p.InstanceProfileId!, arn: p.Arn! }, created: p.CreateDate }
    );
  },
  async delete(ctx, InstanceProfileName) {
    const iam = ctx.clients.iam;
    const r = await ignoreGone(iam.send(new GetInstanceProfileCommand({ InstanceProfileName })));
    if (!r) return;
    for (const role of r.InstanceProfile?.Roles ?? []) {
      await ignoreGone(
        iam.send(
          new RemoveRoleFromInstanceProfileCommand({
            InstanceProfileName,
            RoleName: role.RoleName,
          }),
        ),
      );
    }
    await ignoreGone(iam.send(new DeleteInstanceProfileCommand({ InstanceProfileName })));
  },
  async snapshot(ctx) {
    const out: string[] = [];
    let Marker: string | undefined;
    do {
      const r = await ctx.clients.iam.send(new ListInstanceProfilesCommand({ Marker }));
      for (const p of r.InstanceProfiles ?? []) {
        const roles = (p.Roles ?? []).map((x) => x.RoleName).join(',');
        out.push(
          `instance profile ${p.InstanceProfileName} (${p.InstanceProfileId}) roles [${roles}]`,
        );
      }
      Marker = r.IsTruncated ? r.Marker : undefined;
    } while (Marker);
    return out;
  },
  describe: (name) => `instance profile ${name}`,
};
