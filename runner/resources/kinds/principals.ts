// The three principals policies hang off, for the attachment and inline-policy kinds:
// resource ids are "<user|group|role>:<name>|<policy>".
import {
  DeleteGroupPolicyCommand,
  DeleteRolePolicyCommand,
  DeleteUserPolicyCommand,
  DetachGroupPolicyCommand,
  DetachRolePolicyCommand,
  DetachUserPolicyCommand,
  ListAttachedGroupPoliciesCommand,
  ListAttachedRolePoliciesCommand,
  ListAttachedUserPoliciesCommand,
  ListGroupPoliciesCommand,
  ListRolePoliciesCommand,
  ListUserPoliciesCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { ignoreGone, type TrailEvent } from '../../aws/index.ts';
import { allUserNames } from './user-dependents.ts';
import { allGroups } from './iam-group.ts';
import { allRoles } from './iam-role.ts';

export type PrincipalType = 'user' | 'group' | 'role';
export const TYPES: PrincipalType[] = ['user', 'group', 'role'];
const Cap = { user: 'User', group: 'Group', role: 'Role' } as const;

export function splitRef(id: string) {
  const bar = id.indexOf('|');
  const [type, name] = id.slice(0, bar).split(':') as [PrincipalType, string];
  return { type, name, policy: id.slice(bar + 1) };
}

/** "<type>:<name>" from an event's requestParameters (userName, groupName or roleName). */
export function principalOf(e: TrailEvent, type: PrincipalType): string | undefined {
  const v = e.requestParameters?.[`${type}Name`];
  return typeof v === 'string' && v ? `${type}:${v}` : undefined;
}

export async function attachedTo(iam: IAMClient, type: PrincipalType, name: string) {
  const r = await ignoreGone(
    type === 'user'
      ? iam.send(new ListAttachedUserPoliciesCommand({ UserName: name }))
      : type === 'group'
        ? iam.send(new ListAttachedGroupPoliciesCommand({ GroupName: name }))
        : iam.send(new ListAttachedRolePoliciesCommand({ RoleName: name })),
  );
  return r && (r.AttachedPolicies ?? []).map((p) => p.PolicyArn!);
}

export async function detach(iam: IAMClient, type: PrincipalType, name: string, PolicyArn: string) {
  await ignoreGone(
    type === 'user'
      ? iam.send(new DetachUserPolicyCommand({ UserName: name, PolicyArn }))
      : type === 'group'
        ? iam.send(new DetachGroupPolicyCommand({ GroupName: name, PolicyArn }))
        : iam.send(new DetachRolePolicyCommand({ RoleName: name, PolicyArn })),
  );
}

export async function inlineOf(iam: IAMClient, type: PrincipalType, name: string) {
  const r = await ignoreGone(
    type === 'user'
      ? iam.send(new ListUserPoliciesCommand({ UserName: name }))
      : type === 'group'
        ? iam.send(new ListGroupPoliciesCommand({ GroupName: name }))
        : iam.send(new ListRolePoliciesCommand({ RoleName: name })),
  );
  return r && (r.PolicyNames ?? []);
}

export async function deleteInline(
  iam: IAMClient,
  type: PrincipalType,
  name: string,
  PolicyName: string,
) {
  await ignoreGone(
    type === 'user'
      ? iam.send(new DeleteUserPolicyCommand({ UserName: name, PolicyName }))
      : type === 'group'
        ? iam.send(new DeleteGroupPolicyCommand({ GroupName: name, PolicyName }))
        : iam.send(new DeleteRolePolicyCommand({ RoleName: name, PolicyName })),
  );
}

/** Every principal in the account, as [type, name]. */
export async function allPrincipals(iam: IAMClient): Promise<[PrincipalType, string][]> {
  return [
    ...(await allUserNames(iam)).map((n) => ['user', n] as [PrincipalType, string]),
    ...(await allGroups(iam)).map((g) => ['group', g.GroupName!] as [PrincipalType, string]),
    ...(await allRoles(iam)).map((r) => ['role', r.RoleName!] as [PrincipalType, string]),
  ];
}

export const eventFor = (verb: 'Attach' | 'Put', type: PrincipalType) =>
  `${verb}${Cap[type]}Policy`;
