// Every kind of resource labrunner knows, one file each under kinds/. Cleanup, verify and
// `lab test`'s account diff iterate over this list: add a kind here and every path covers it.
// S3 and EC2 kinds (issue 11) are added the same way, one file and one line each.
import { accessKey } from './kinds/access-key.ts';
import { groupMembership } from './kinds/group-membership.ts';
import { iamGroup } from './kinds/iam-group.ts';
import { iamRole } from './kinds/iam-role.ts';
import { iamUser } from './kinds/iam-user.ts';
import { inlinePolicy } from './kinds/inline-policy.ts';
import { instanceProfile } from './kinds/instance-profile.ts';
import { loginProfile } from './kinds/login-profile.ts';
import { managedPolicy } from './kinds/managed-policy.ts';
import { mfaDevice } from './kinds/mfa-device.ts';
import { policyAttachment } from './kinds/policy-attachment.ts';
import { profileSection } from './kinds/profile-section.ts';
import { ec2Instance } from './kinds/ec2-instance.ts';
import { keyPair } from './kinds/key-pair.ts';
import { s3Bucket } from './kinds/s3-bucket.ts';
import { securityGroup } from './kinds/security-group.ts';
import type { ResourceKind } from './types.ts';

export const KINDS: readonly ResourceKind[] = [
  iamUser,
  accessKey,
  profileSection,
  iamGroup,
  groupMembership,
  iamRole,
  instanceProfile,
  managedPolicy,
  inlinePolicy,
  policyAttachment,
  loginProfile,
  mfaDevice,
  ec2Instance,
  securityGroup,
  keyPair,
  s3Bucket,
];

export type KindName = string;

export function kindOf(name: string): ResourceKind | undefined {
  return KINDS.find((k) => k.kind === name);
}

/** Kind names, for error messages and the lab schema. */
export const KIND_NAMES = KINDS.map((k) => k.kind);
