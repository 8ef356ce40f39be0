// CloudTrail's responseElements for the IAM calls that create something: the API's result member,
// in lowerCamelCase, with its identifiers and dates (dates written the way IAM's Java service
// prints them, as for CreateAccessKey). The runner records what a learner's call made from them
// (UserId, PolicyId, GroupId, RoleId…), so a same-named thing made later is never taken for it.
// The sandbox recorded `responseElements: null` for these.
// Sources, records AWS wrote:
//   CreateUser: "responseElements":{"user":{"path":"/","arn":"arn:aws:iam::…:user/tester2",
//     "userId":"AIDAZZ4ORNFDESYHEX2M5","createDate":…,"userName":"tester2"}} (an EventBridge
//     "AWS API Call via CloudTrail" record of a console CreateUser, kept as a test fixture by
//     Mutual of Enumclaw);
//   CreateServiceLinkedRole: "responseElements":{"role":{"path":…,"roleName":…,"roleId":"AROA…",
//     "arn":…,"createDate":"Oct 3, 2025, 8:41:04 AM","assumeRolePolicyDocument":…}};
//   the IAM User Guide's CloudTrail examples (cloudtrail-integration.md) show the same
//   result-member pattern for CreateAccessKey ("accessKey":{…}).
// CreatePolicy's `policy`, CreateGroup's `group`, CreateInstanceProfile's `instanceProfile`,
// CreateLoginProfile's `loginProfile` and CreateVirtualMFADevice's `virtualMFADevice` follow that
// pattern. Only identifiers, names, paths, counts and dates are kept: never a policy document, a
// password or an MFA seed (CloudTrail leaves the seed and the QR code out too).
import { javaDate } from '../cloudtrail/java-date.ts';

interface Shape {
  /** The result member in the XML answer, e.g. `User`. */
  member: string;
  fields: readonly string[];
}

const SHAPES: Record<string, Shape> = {
  CreateUser: { member: 'User', fields: ['Path', 'UserName', 'UserId', 'Arn', 'CreateDate'] },
  CreateGroup: { member: 'Group', fields: ['Path', 'GroupName', 'GroupId', 'Arn', 'CreateDate'] },
  CreateRole: { member: 'Role', fields: ['Path', 'RoleName', 'RoleId', 'Arn', 'CreateDate'] },
  CreatePolicy: {
    member: 'Policy',
    fields: [
      'PolicyName',
      'PolicyId',
      'Arn',
      'Path',
      'DefaultVersionId',
      'AttachmentCount',
      'PermissionsBoundaryUsageCount',
      'IsAttachable',
      'CreateDate',
      'UpdateDate',
    ],
  },
  CreateInstanceProfile: {
    member: 'InstanceProfile',
    fields: ['Path', 'InstanceProfileName', 'InstanceProfileId', 'Arn', 'CreateDate'],
  },
  CreateLoginProfile: {
    member: 'LoginProfile',
    fields: ['UserName', 'CreateDate', 'PasswordResetRequired'],
  },
  CreateVirtualMFADevice: { member: 'VirtualMFADevice', fields: ['SerialNumber'] },
};

const lowerCamel = (s: string) => s[0].toLowerCase() + s.slice(1);
const DATES = new Set(['CreateDate', 'UpdateDate']);
const NUMBERS = new Set(['AttachmentCount', 'PermissionsBoundaryUsageCount']);
const BOOLEANS = new Set(['IsAttachable', 'PasswordResetRequired']);

/** The IAM creations whose answer CloudTrail records in part. */
export const IAM_CREATIONS = new Set(Object.keys(SHAPES));

/** responseElements for a successful IAM creation `action`, from its XML answer. */
export function iamResponseElements(
  action: string,
  body: string,
): Record<string, unknown> | undefined {
  const shape = SHAPES[action];
  if (!shape) return undefined;
  const inner = new RegExp(`<${shape.member}>([\\s\\S]*?)</${shape.member}>`).exec(body)?.[1];
  if (!inner) return undefined;
  const out: Record<string, unknown> = {};
  for (const field of shape.fields) {
    const m = new RegExp(`<${field}>([^<]*)</${field}>`).exec(inner);
    if (!m) continue;
    const v = m[1];
    out[lowerCamel(field)] = DATES.has(field)
      ? javaDate(v)
      : NUMBERS.has(field)
        ? Number(v)
        : BOOLEANS.has(field)
          ? v === 'true'
          : v;
  }
  return Object.keys(out).length ? { [lowerCamel(shape.member)]: out } : undefined;
}

/** The same, keyed by action, for the gateway's table of recorded answers. */
export const IAM_RESPONSE_ELEMENTS = Object.fromEntries(
  [...IAM_CREATIONS].map((a) => [a, (body: string) => iamResponseElements(a, body)]),
) as Record<string, (body: string) => Record<string, unknown> | undefined>;
