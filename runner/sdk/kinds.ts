// The kinds a lab may declare in `creates` (one per file in runner/resources/kinds/). A literal
// union so that a typo in `creates` is a type error in lab.ts; S3/EC2 kinds are added here too.
export const RESOURCE_KINDS = [
  'iam-user',
  'access-key',
  'profile-section',
  'iam-group',
  'group-membership',
  'iam-role',
  'instance-profile',
  'managed-policy',
  'inline-policy',
  'policy-attachment',
  'login-profile',
  'mfa-device',
  'ec2-instance',
  'security-group',
  'key-pair',
  's3-bucket',
] as const;

export type ResourceKindName = (typeof RESOURCE_KINDS)[number];
