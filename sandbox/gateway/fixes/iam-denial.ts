// b. IAM (and STS, CloudTrail) denials. moto 5.2.1 says "User: <arn> is not authorized to perform:
// iam:ListUsers"; AWS names the resource and the reason: "User: arn:aws:iam::ACCT:user/NAME is not
// authorized to perform: iam:ListUsers on resource: arn:aws:iam::ACCT:user/ because no
// identity-based policy allows the iam:ListUsers action" (shared/reference/aws-wire.md).
// CloudTrail (JSON protocol) uses AccessDeniedException and names no resource for LookupEvents.
import type { Call, ErrorFix } from './types.ts';

const MOTO_DENIAL = /^User: (\S+) is not authorized to perform: (\S+)$/;

export const iamDenial: ErrorFix = (call, answer) => {
  if (call.req.protocol === 'ec2') return undefined;
  const m = MOTO_DENIAL.exec((answer.message ?? '').trim());
  if (!m || !/^AccessDenied/.test(answer.code ?? '')) return undefined;
  const [, arn, action] = m;
  const resource = call.req.protocol === 'json' ? undefined : deniedResource(call, arn);
  return {
    status: 403,
    code: 'AccessDenied',
    message:
      `User: ${arn} is not authorized to perform: ${action}` +
      (resource ? ` on resource: ${resource}` : '') +
      ` because no identity-based policy allows the ${action} action`,
  };
};

// List calls name the path they list; others the entity they act on; a call that names no entity
// acts on the caller itself (ListAccessKeys, CreateAccessKey, GetUser without UserName).
const LIST_PATHS: Record<string, string> = {
  ListUsers: 'user',
  ListRoles: 'role',
  ListGroups: 'group',
  ListPolicies: 'policy',
  ListInstanceProfiles: 'instance-profile',
};

function deniedResource({ req }: Call, callerArn: string): string {
  const p = req.params;
  // A role session's ARN is an STS one (arn:aws:sts::ACCT:assumed-role/ROLE/SESSION); the
  // resource is still the account's IAM ARN, with the account id: "User:
  // arn:aws:sts::034324643013:assumed-role/…/i-084d… is not authorized to perform: sts:AssumeRole
  // on resource: arn:aws:iam::034324643013:role/us-west-2-md-Kiam" (captured in uswitch/kiam#33;
  // the same form in noqdev/iambic#357). The iam-roles lab's session read `arn:aws:iam:::user/…`.
  const account = /^arn:aws:(?:iam|sts)::(\d+):/.exec(callerArn)?.[1] ?? '';
  const iam = (kind: string, name: string) => `arn:aws:iam::${account}:${kind}/${name}`;
  if (req.service === 'sts') return p.get('RoleArn') ?? '*';
  const list = LIST_PATHS[req.action ?? ''];
  if (list) return iam(list, (p.get('PathPrefix') ?? '/').replace(/^\//, ''));
  if (p.get('PolicyArn')) return p.get('PolicyArn')!;
  if (p.get('RoleName')) return iam('role', p.get('RoleName')!);
  if (p.get('GroupName')) return iam('group', p.get('GroupName')!);
  if (p.get('InstanceProfileName')) return iam('instance-profile', p.get('InstanceProfileName')!);
  if (p.get('UserName')) return iam('user', p.get('UserName')!);
  return callerArn;
}
