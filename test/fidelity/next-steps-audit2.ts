// Rows from the second independent audit (docs/fidelity.md, audit of 2026-12-07, seed 20261208):
// behaviours a learner meets after the lab steps that the table did not cover, each with the
// AWS answer a named source gives. The ones the audit found different were fixed in the engine
// (sandbox/engine/sts_assume_role.py, ec2_ids.py, s3_policy_status.py) and fail on the main
// before them.
import { EXAMPLES, READ_ONLY, err, ok } from './next-steps-common.ts';
import type { Row } from './table.ts';

export const AUDIT2_ROWS: Row[] = [
  err(
    {
      id: 'roles-assume-role-too-long',
      lab: 'iam-roles',
      step: 'assume-role',
      mistake: 'a 12-hour session on a role that allows one hour',
      command: [
        'sts',
        'assume-role',
        '--role-arn',
        'arn:aws:iam::123456789012:role/lab-viewer',
        '--role-session-name',
        'lab-check',
        '--duration-seconds',
        '43200',
      ],
      source:
        'STS API Reference, AssumeRole, DurationSeconds ("If you specify a value higher than this setting or the administrator setting (whichever is lower), the operation fails"; a role\'s maximum is one hour unless set); the text as STS sends it: "ValidationError: The requested DurationSeconds exceeds the MaxSessionDuration set for this role. status code: 400" (kreuzwerker/awsu#27; aws-azure-login/aws-azure-login#93)',
    },
    'ValidationError',
    400,
    'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
  ),
  err(
    {
      id: 'ec2-describe-sg-name-typo',
      lab: 'ec2-first-instance',
      step: 'ssh-group',
      mistake: 'a mistyped group name (--group-names)',
      command: ['ec2', 'describe-security-groups', '--group-names', 'lab-ec2-shh'],
      source:
        "A name is looked up in the default VPC, which EC2 names: \"An error occurred (InvalidGroup.NotFound) when calling the DescribeSecurityGroups operation: The security group 'gateway' does not exist in default VPC 'vpc-91bbv6f3'\" (aws/aws-cli#612), the same for DescribeSecurityGroups in onnela-lab/beiwe-backend#113; EC2 API Reference, Error codes: InvalidGroup.NotFound (400)",
    },
    'InvalidGroup.NotFound',
    400,
    "/^The security group 'lab-ec2-shh' does not exist in default VPC 'vpc-[0-9a-f]+'$/",
  ),
  err(
    {
      id: 's3-get-policy-status-none',
      lab: 's3-basics',
      step: 'public-read',
      mistake: 'asking whether a bucket without a policy is public',
      command: ['s3api', 'get-bucket-policy-status', '--bucket', '{FULL_BUCKET}'],
      source:
        'S3 API Reference, Error responses: NoSuchBucketPolicy 404; a GetBucketPolicyStatus record with errorCode NoSuchBucketPolicy and "The bucket policy do[es not exist]" (turbot/steampipe-plugin-aws#1136); getmoto/moto#10214 ("NoSuchBucketPolicy when the bucket has no policy (matches AWS)"); the text as S3 sends it for the policy: "An error occurred (NoSuchBucketPolicy) when called the GetBucketPolicy operation: The bucket policy does not exist" (prowler-cloud/prowler#604)',
    },
    'NoSuchBucketPolicy',
    404,
    'The bucket policy does not exist',
  ),
  ok(
    {
      id: 's3-get-policy-status-public',
      lab: 's3-basics',
      step: 'public-read',
      command: ['s3api', 'get-bucket-policy-status', '--bucket', '{PUBLIC_BUCKET}'],
      source: `${EXAMPLES}/s3api/get-bucket-policy-status.rst ("PolicyStatus": {"IsPublic": …}); S3 User Guide, "The meaning of public" (a policy granting access to Principal "*" without fixed values is public)`,
    },
    { json: { 'PolicyStatus.IsPublic': '/^true$/' } },
  ),
  ok(
    {
      id: 'groups-list-groups',
      lab: 'iam-groups',
      step: 'create-group',
      command: ['iam', 'list-groups'],
      source: `${EXAMPLES}/iam/list-groups.rst (Groups[] with GroupName, GroupId, Arn); IAM User Guide, reference_identifiers, unique ID prefixes: AGPA for a user group`,
    },
    { json: { 'Groups[].GroupId': '/^AGPA[A-Z2-7]{17}$/' } },
  ),
  ok(
    {
      id: 'roles-get-trust-policy',
      lab: 'iam-roles',
      step: 'create-role',
      command: ['iam', 'get-role', '--role-name', 'lab-viewer'],
      source: `${EXAMPLES}/iam/get-role.rst (AssumeRolePolicyDocument printed as JSON, not URL-encoded)`,
    },
    {
      json: {
        'Role.AssumeRolePolicyDocument.Statement[].Principal.AWS': '/^arn:aws:iam::\\d{12}:root$/',
      },
    },
  ),
  ok(
    {
      id: 'd42-key-last-used-new',
      lab: 'day42',
      step: 'create-key',
      mistake: 'checking a key that has never been used',
      command: ['iam', 'get-access-key-last-used', '--access-key-id', '{KEY_TO_DEACTIVATE}'],
      source:
        'IAM API Reference, AccessKeyLastUsed: ServiceName and Region are "N/A" when "an access key exists but has not been used since IAM started tracking this information", and LastUsedDate is absent then; /work/shared/reference/aws-wire.md ("GetAccessKeyLastUsed for a never-used key: ServiceName and Region are N/A, no LastUsedDate")',
    },
    {
      json: {
        'AccessKeyLastUsed.ServiceName': '/^N\\/A$/',
        'AccessKeyLastUsed.Region': '/^N\\/A$/',
      },
    },
  ),
  ok(
    {
      id: 'groups-list-group-policies',
      lab: 'iam-groups',
      step: 'attach-policy',
      mistake: 'looking for the managed policy among inline ones',
      command: ['iam', 'list-group-policies', '--group-name', 'lab-readers'],
      source: `${EXAMPLES}/iam/list-group-policies.rst (PolicyNames: inline policies only; a managed policy such as ${READ_ONLY} is listed by list-attached-group-policies)`,
    },
    { json: { PolicyNames: '/^$/' } },
  ),
];
