// Next-step rows for day42, iam-groups and iam-roles: what a learner types after each step (look
// at the result, retry, the typo'd name, another profile, the tear-down in the wrong or right
// order). Values in {BRACES}: fidelity.test.ts and next-steps-setup.ts.
import type { Row } from './table.ts';
import {
  EAST,
  EXAMPLES,
  READ_ONLY,
  RETURN_CODES,
  STS,
  USER_ID,
  err,
  iamEvent,
  ok,
} from './next-steps-common.ts';

const MODEL = (op: string, code = 'NoSuchEntity', status = 404) =>
  `botocore iam model (data/iam/2010-05-08/service-2.json): ${op} lists ${code}Exception, error code ${code}, HTTP ${status}; ${RETURN_CODES}`;
const GROUP_TEXT =
  'the text as IAM words a missing group ("The group with name … cannot be found.", the wording sandbox/engine/iam_messages.py cites)';
const ROLE_TEXT =
  'IAM\'s text for a missing role as the CLI prints it: "An error occurred (NoSuchEntity) when calling the GetRole operation: The role with name k8sAdmin cannot be found." (aws-samples/amazon-eks-security-immersion-day#54; also jarpy/lambkin#3, aws/amazon-sagemaker-examples#2300)';
const ATTACH_TEXT =
  'the text for a mistyped policy ARN ("Policy … does not exist or is not attachable.", as Terraform prints IAM\'s answer to AttachRolePolicy; sandbox/engine/iam_messages.py)';
const GROUP_ID = '/^AGPA[A-Z2-7]{17}$/';
const ROLE_ID = '/^AROA[A-Z2-7]{17}$/';

export const IAM_NEXT_ROWS: Row[] = [
  // ── day42 ─────────────────────────────────────────────────────────────────────────────────
  ok(
    {
      id: 'd42-get-user',
      lab: 'day42',
      step: 'create-key',
      command: ['iam', 'get-user', '--user-name', 'iam-admin'],
      source: `${EXAMPLES}/iam/get-user.rst (User.UserId AIDA…, Arn arn:aws:iam::…:user/…)`,
    },
    {
      json: { 'User.UserId': USER_ID, 'User.Arn': '/^arn:aws:iam::\\d{12}:user\\/iam-admin$/' },
      event: iamEvent('GetUser'),
    },
  ),
  err(
    {
      id: 'd42-get-user-typo',
      lab: 'day42',
      step: 'create-key',
      mistake: 'mistyped user name',
      command: ['iam', 'get-user', '--user-name', 'iam-admn'],
      source: MODEL('GetUser'),
    },
    'NoSuchEntity',
    404,
    undefined,
    { event: iamEvent('GetUser', 'NoSuchEntityException') },
  ),
  err(
    {
      id: 'd42-list-keys-typo',
      lab: 'day42',
      step: 'cleanup',
      mistake: 'mistyped user name',
      command: ['iam', 'list-access-keys', '--user-name', 'iam-admn'],
      source: MODEL('ListAccessKeys'),
    },
    'NoSuchEntity',
    404,
  ),
  ok(
    {
      id: 'd42-list-own-keys',
      lab: 'day42',
      step: 'cleanup',
      mistake: 'no --user-name (the caller’s own keys)',
      command: ['iam', 'list-access-keys', '--profile', 'iam-admin'],
      as: 'iam-admin',
      source:
        'IAM API Reference ListAccessKeys: "If the UserName is not specified, the user name is determined implicitly based on the AWS access key ID used to sign the request"; aws-cli awscli/examples/iam/list-access-keys.rst',
    },
    { json: { 'AccessKeyMetadata[].UserName': '/^iam-admin$/' } },
  ),
  err(
    {
      id: 'd42-own-third-key',
      lab: 'day42',
      step: 'create-key',
      mistake: 'iam-admin makes itself a third key (no --user-name)',
      command: ['iam', 'create-access-key', '--profile', 'iam-admin'],
      as: 'iam-admin',
      source:
        'IAM API Reference CreateAccessKey ("If you do not specify a user name, IAM determines the user name implicitly based on the AWS access key ID signing the request"); the quota text as in row create-key-third (simonw/s3-credentials#64)',
    },
    'LimitExceeded',
    409,
    'Cannot exceed quota for AccessKeysPerUser: 2',
  ),
  ok(
    {
      id: 'd42-whoami-admin',
      lab: 'day42',
      step: 'configure',
      mistake: 'forgetting --profile (the default profile answers)',
      command: ['sts', 'get-caller-identity'],
      source: `${EXAMPLES}/sts/get-caller-identity.rst; the default profile is the sandbox's admin (lab shell)`,
    },
    {
      json: { UserId: USER_ID, Arn: '/^arn:aws:iam::\\d{12}:user\\/(?!iam-admin$)\\S+$/' },
      event: { eventName: 'GetCallerIdentity', eventSource: STS, region: EAST },
    },
  ),
  ok(
    {
      id: 'd42-whoami-no-rights',
      lab: 'ec2-first-instance',
      step: 'denied-launch',
      mistake: 'checking who you are as a user with no policies',
      command: ['sts', 'get-caller-identity', '--profile', 'lab-ec2-intern'],
      as: 'no-rights',
      source:
        'STS API Reference GetCallerIdentity: "No permissions are required to perform this operation. If an administrator attaches a policy to your identity that explicitly denies access to the sts:GetCallerIdentity action, you can still perform this operation."',
    },
    { json: { Arn: '/^arn:aws:iam::\\d{12}:user\\/lab-ec2-intern$/' } },
  ),
  err(
    {
      id: 'd42-update-key-lowercase',
      lab: 'day42',
      step: 'cleanup',
      mistake: '--status inactive (lower case)',
      command: [
        'iam',
        'update-access-key',
        '--user-name',
        '{CLEANUP_USER}',
        '--access-key-id',
        '{GONE_KEY}',
        '--status',
        'inactive',
      ],
      source:
        "issue 18 item 3 (AWS's answer recorded with both CLIs: ValidationError … Member must satisfy enum value set: [Active, Inactive]); the common-validation wording \"1 validation error detected: Value '…' at '…' failed to satisfy constraint: …\" quoted in sandbox/gateway/validate/answer.ts (newscorpaus/consigliere#18, aws/aws-sdk-js#2193); IAM API Reference UpdateAccessKey Status: Valid Values: Active | Inactive",
    },
    'ValidationError',
    400,
    "1 validation error detected: Value 'inactive' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Active, Inactive]",
  ),
  err(
    {
      id: 'd42-update-deleted-key',
      lab: 'day42',
      step: 'cleanup',
      mistake: 'deactivating a key that was already deleted',
      command: [
        'iam',
        'update-access-key',
        '--user-name',
        '{CLEANUP_USER}',
        '--access-key-id',
        '{GONE_KEY}',
        '--status',
        'Inactive',
      ],
      source: MODEL('UpdateAccessKey'),
    },
    'NoSuchEntity',
    404,
    undefined,
    { event: iamEvent('UpdateAccessKey', 'NoSuchEntityException') },
  ),
  ok(
    {
      id: 'd42-attach-user-policy',
      lab: 'day42',
      step: 'denied-ec2',
      command: [
        'iam',
        'attach-user-policy',
        '--user-name',
        '{NEW_KEY_USER}',
        '--policy-arn',
        'arn:aws:iam::aws:policy/AmazonEC2ReadOnlyAccess',
      ],
      source: `${EXAMPLES}/iam/attach-user-policy.rst ("This command produces no output")`,
    },
    { event: { ...iamEvent('AttachUserPolicy'), fields: { readOnly: false } } },
  ),
  err(
    {
      id: 'd42-attach-user-policy-typo',
      lab: 'day42',
      step: 'denied-ec2',
      mistake: 'mistyped policy ARN',
      command: [
        'iam',
        'attach-user-policy',
        '--user-name',
        '{NEW_KEY_USER}',
        '--policy-arn',
        'arn:aws:iam::aws:policy/AmazonEC2ReadOnlyAcess',
      ],
      source: `${MODEL('AttachUserPolicy')}; ${ATTACH_TEXT}`,
    },
    'NoSuchEntity',
    404,
    'Policy arn:aws:iam::aws:policy/AmazonEC2ReadOnlyAcess does not exist or is not attachable.',
  ),
  ok(
    {
      id: 'd42-list-attached-user-policies',
      lab: 'day42',
      step: 'list-users',
      command: ['iam', 'list-attached-user-policies', '--user-name', 'iam-admin'],
      source: `${EXAMPLES}/iam/list-attached-user-policies.rst (AttachedPolicies: PolicyName, PolicyArn)`,
    },
    { json: { 'AttachedPolicies[].PolicyName': '/^IAMFullAccess$/' } },
  ),
  err(
    {
      id: 'd42-describe-regions-denied',
      lab: 'day42',
      step: 'denied-ec2',
      mistake: 'another EC2 read as iam-admin',
      command: ['ec2', 'describe-regions', '--profile', 'iam-admin'],
      as: 'iam-admin',
      source:
        'the UnauthorizedOperation form of row describe-denied (repost.aws knowledge-center ec2-not-auth-launch); real DescribeRegions denials quoted in public repositories (shared/reference/aws-fidelity-2026-11-29.md row 5)',
    },
    'UnauthorizedOperation',
    403,
    'You are not authorized to perform this operation. User: arn:aws:iam::123456789012:user/iam-admin is not authorized to perform: ec2:DescribeRegions because no identity-based policy allows the ec2:DescribeRegions action',
  ),
  // ── iam-groups ────────────────────────────────────────────────────────────────────────────
  ok(
    {
      id: 'groups-list-attached',
      lab: 'iam-groups',
      step: 'attach-policy',
      command: ['iam', 'list-attached-group-policies', '--group-name', 'lab-readers'],
      source: `${EXAMPLES}/iam/list-attached-group-policies.rst`,
    },
    { json: { 'AttachedPolicies[].PolicyArn': `/^${READ_ONLY.replace(/\//g, '\\/')}$/` } },
  ),
  ok(
    {
      id: 'groups-get-group',
      lab: 'iam-groups',
      step: 'add-user',
      command: ['iam', 'get-group', '--group-name', 'lab-readers'],
      source: `${EXAMPLES}/iam/get-group.rst (Group with GroupId, Users); IAM User Guide reference_identifiers (AGPA: user group)`,
    },
    { json: { 'Group.GroupId': GROUP_ID, 'Users[].UserName': '/^lab-reader$/' } },
  ),
  err(
    {
      id: 'groups-get-group-typo',
      lab: 'iam-groups',
      step: 'add-user',
      mistake: 'mistyped group name',
      command: ['iam', 'get-group', '--group-name', 'lab-reeders'],
      source: `${MODEL('GetGroup')}; ${GROUP_TEXT}`,
    },
    'NoSuchEntity',
    404,
    'The group with name lab-reeders cannot be found.',
  ),
  ok(
    {
      id: 'groups-list-groups-for-user',
      lab: 'iam-groups',
      step: 'add-user',
      command: ['iam', 'list-groups-for-user', '--user-name', 'lab-reader'],
      source: `${EXAMPLES}/iam/list-groups-for-user.rst`,
    },
    { json: { 'Groups[].GroupName': '/^lab-readers$/', 'Groups[].GroupId': GROUP_ID } },
  ),
  err(
    {
      id: 'groups-add-user-typo-user',
      lab: 'iam-groups',
      step: 'add-user',
      mistake: 'mistyped user name',
      command: [
        'iam',
        'add-user-to-group',
        '--group-name',
        'lab-readers',
        '--user-name',
        'lab-reder',
      ],
      source: MODEL('AddUserToGroup'),
    },
    'NoSuchEntity',
    404,
  ),
  err(
    {
      id: 'groups-add-user-typo-group',
      lab: 'iam-groups',
      step: 'add-user',
      mistake: 'mistyped group name',
      command: [
        'iam',
        'add-user-to-group',
        '--group-name',
        'lab-reeders',
        '--user-name',
        'lab-reader',
      ],
      source: `${MODEL('AddUserToGroup')}; ${GROUP_TEXT}`,
    },
    'NoSuchEntity',
    404,
    'The group with name lab-reeders cannot be found.',
    { event: iamEvent('AddUserToGroup', 'NoSuchEntityException') },
  ),
  err(
    {
      id: 'groups-detach-not-attached',
      lab: 'iam-groups',
      step: 'tear-down',
      mistake: 'detaching a policy the group does not have',
      command: [
        'iam',
        'detach-group-policy',
        '--group-name',
        'lab-readers',
        '--policy-arn',
        'arn:aws:iam::aws:policy/IAMFullAccess',
      ],
      source: MODEL('DetachGroupPolicy'),
    },
    'NoSuchEntity',
    404,
  ),
  ok(
    {
      id: 'groups-member-whoami',
      lab: 'iam-groups',
      step: 'prove-rights',
      command: ['sts', 'get-caller-identity', '--profile', 'lab-reader'],
      as: 'group-member',
      source: `${EXAMPLES}/sts/get-caller-identity.rst; STS API Reference GetCallerIdentity (no permissions required)`,
    },
    { json: { UserId: USER_ID, Arn: '/^arn:aws:iam::\\d{12}:user\\/lab-reader$/' } },
  ),
  ok(
    {
      id: 'groups-member-ec2-read',
      lab: 'iam-groups',
      step: 'prove-rights',
      mistake: 'a read in another service (the group policy is ReadOnlyAccess)',
      command: ['ec2', 'describe-key-pairs', '--profile', 'lab-reader'],
      as: 'group-member',
      source:
        'AWS managed policy reference, ReadOnlyAccess (allows "ec2:Describe*"); IAM User Guide id_groups ("users in the group automatically have the permissions that are assigned to the group")',
    },
    { json: { 'KeyPairs[].KeyPairId': '/^key-[0-9a-f]{17}$/' } },
  ),
  err(
    {
      id: 'groups-member-create-key',
      lab: 'iam-groups',
      step: 'prove-rights',
      mistake: 'the read-only member makes itself a key',
      command: ['iam', 'create-access-key', '--user-name', 'lab-reader', '--profile', 'lab-reader'],
      as: 'group-member',
      source:
        'aws-wire.md (IAM AccessDenied: the caller, the action, the resource ARN, "because no identity-based policy allows"); ReadOnlyAccess grants no iam:Create*',
    },
    'AccessDenied',
    403,
    '/^User: arn:aws:iam::\\d{12}:user\\/lab-reader is not authorized to perform: iam:CreateAccessKey on resource: arn:aws:iam::\\d{12}:user\\/lab-reader because no identity-based policy allows the iam:CreateAccessKey action$/',
  ),
  ok(
    {
      id: 'groups-remove-user',
      lab: 'iam-groups',
      step: 'tear-down',
      command: [
        'iam',
        'remove-user-from-group',
        '--group-name',
        '{RM_GROUP}',
        '--user-name',
        '{RM_USER}',
      ],
      source: `${EXAMPLES}/iam/remove-user-from-group.rst ("This command produces no output")`,
    },
    { event: iamEvent('RemoveUserFromGroup') },
  ),
  ok(
    {
      id: 'groups-delete-user-clean',
      lab: 'iam-groups',
      step: 'tear-down',
      mistake: 'deleting the user once its key and group are gone (the right order)',
      command: ['iam', 'delete-user', '--user-name', '{BARE_USER}'],
      source: `${EXAMPLES}/iam/delete-user.rst (no output); IAM User Guide id_users_remove`,
    },
    { event: iamEvent('DeleteUser') },
  ),
  ok(
    {
      id: 'groups-detach-policy',
      lab: 'iam-groups',
      step: 'tear-down',
      command: [
        'iam',
        'detach-group-policy',
        '--group-name',
        '{DETACH_GROUP}',
        '--policy-arn',
        READ_ONLY,
      ],
      source: `${EXAMPLES}/iam/detach-group-policy.rst (no output)`,
    },
    { event: iamEvent('DetachGroupPolicy') },
  ),
  ok(
    {
      id: 'groups-delete-empty-group',
      lab: 'iam-groups',
      step: 'tear-down',
      command: ['iam', 'delete-group', '--group-name', '{EMPTY_GROUP}'],
      source: `${EXAMPLES}/iam/delete-group.rst (no output)`,
    },
    { event: iamEvent('DeleteGroup') },
  ),
  err(
    {
      id: 'groups-delete-group-typo',
      lab: 'iam-groups',
      step: 'tear-down',
      mistake: 'mistyped group name',
      command: ['iam', 'delete-group', '--group-name', 'lab-reeders'],
      source: `${MODEL('DeleteGroup')}; ${GROUP_TEXT}`,
    },
    'NoSuchEntity',
    404,
    'The group with name lab-reeders cannot be found.',
  ),
  err(
    {
      id: 'groups-delete-user-typo',
      lab: 'iam-groups',
      step: 'tear-down',
      mistake: 'mistyped user name',
      command: ['iam', 'delete-user', '--user-name', 'lab-reder'],
      source: MODEL('DeleteUser'),
    },
    'NoSuchEntity',
    404,
    undefined,
    { event: iamEvent('DeleteUser', 'NoSuchEntityException') },
  ),
  // ── iam-roles ─────────────────────────────────────────────────────────────────────────────
  ok(
    {
      id: 'roles-get-role',
      lab: 'iam-roles',
      step: 'create-role',
      command: ['iam', 'get-role', '--role-name', 'lab-viewer'],
      source: `${EXAMPLES}/iam/get-role.rst (Role: RoleId AROA…, Arn arn:aws:iam::…:role/…); IAM identifiers (AROA)`,
    },
    {
      json: { 'Role.RoleId': ROLE_ID, 'Role.Arn': '/^arn:aws:iam::\\d{12}:role\\/lab-viewer$/' },
      event: iamEvent('GetRole'),
    },
  ),
  err(
    {
      id: 'roles-get-role-typo',
      lab: 'iam-roles',
      step: 'create-role',
      mistake: 'mistyped role name',
      command: ['iam', 'get-role', '--role-name', 'lab-veiwer'],
      source: `${MODEL('GetRole')}; ${ROLE_TEXT}`,
    },
    'NoSuchEntity',
    404,
    'The role with name lab-veiwer cannot be found.',
    { event: iamEvent('GetRole', 'NoSuchEntityException') },
  ),
  err(
    {
      id: 'roles-create-role-again',
      lab: 'iam-roles',
      step: 'create-role',
      mistake: 'running create-role again',
      command: [
        'iam',
        'create-role',
        '--role-name',
        'lab-viewer',
        '--assume-role-policy-document',
        '{TRUST}',
      ],
      source:
        'botocore iam model CreateRole: EntityAlreadyExistsException (EntityAlreadyExists, 409); the text as the CLI prints it: "An error occurred (EntityAlreadyExists) when calling the CreateRole operation: Role with name lambda_exec_role already exists." (garnaat/kappa#17; Hassassistant/Haaska#5; status 409 in terraform-community-modules/tf_aws_nat#13)',
    },
    'EntityAlreadyExists',
    409,
    'Role with name lab-viewer already exists.',
    { event: iamEvent('CreateRole', 'EntityAlreadyExistsException') },
  ),
  err(
    {
      id: 'roles-attach-policy-typo-role',
      lab: 'iam-roles',
      step: 'attach-policy',
      mistake: 'mistyped role name',
      command: [
        'iam',
        'attach-role-policy',
        '--role-name',
        'lab-veiwer',
        '--policy-arn',
        READ_ONLY,
      ],
      source: `${MODEL('AttachRolePolicy')}; ${ROLE_TEXT}`,
    },
    'NoSuchEntity',
    404,
    'The role with name lab-veiwer cannot be found.',
  ),
  ok(
    {
      id: 'roles-list-attached',
      lab: 'iam-roles',
      step: 'attach-policy',
      command: ['iam', 'list-attached-role-policies', '--role-name', 'lab-viewer'],
      source: `${EXAMPLES}/iam/list-attached-role-policies.rst`,
    },
    { json: { 'AttachedPolicies[].PolicyName': '/^ReadOnlyAccess$/' } },
  ),
  ok(
    {
      id: 'roles-assume-role',
      lab: 'iam-roles',
      step: 'assume-role',
      mistake: 'assuming the role by hand instead of through the profile',
      command: [
        'sts',
        'assume-role',
        '--role-arn',
        'arn:aws:iam::123456789012:role/lab-viewer',
        '--role-session-name',
        'lab-check',
      ],
      source: `${EXAMPLES}/sts/assume-role.rst (Credentials.AccessKeyId ASIA…, AssumedRoleUser.Arn arn:aws:sts::…:assumed-role/<role>/<session>); IAM identifiers (ASIA: temporary keys)`,
    },
    {
      json: {
        'Credentials.AccessKeyId': '/^ASIA[A-Z0-9]{16}$/',
        'AssumedRoleUser.Arn': '/^arn:aws:sts::\\d{12}:assumed-role\\/lab-viewer\\/lab-check$/',
        'AssumedRoleUser.AssumedRoleId': '/^AROA[A-Z2-7]{17}:lab-check$/',
      },
      event: { eventName: 'AssumeRole', eventSource: STS, region: EAST },
    },
  ),
  ok(
    {
      id: 'roles-session-ec2-read',
      lab: 'iam-roles',
      step: 'session-limits',
      mistake: 'a read in another service through the role',
      command: ['ec2', 'describe-key-pairs', '--profile', 'lab-viewer'],
      as: 'role-session',
      source: 'AWS managed policy reference, ReadOnlyAccess (allows "ec2:Describe*")',
    },
    { json: { 'KeyPairs[].KeyPairId': '/^key-[0-9a-f]{17}$/' } },
  ),
  ok(
    {
      id: 'roles-detach-policy',
      lab: 'iam-roles',
      step: 'remove-role',
      command: [
        'iam',
        'detach-role-policy',
        '--role-name',
        '{DETACH_ROLE}',
        '--policy-arn',
        READ_ONLY,
      ],
      source: `${EXAMPLES}/iam/detach-role-policy.rst (no output)`,
    },
    { event: iamEvent('DetachRolePolicy') },
  ),
  err(
    {
      id: 'roles-detach-not-attached',
      lab: 'iam-roles',
      step: 'remove-role',
      mistake: 'detaching twice',
      command: [
        'iam',
        'detach-role-policy',
        '--role-name',
        '{BARE_ROLE}',
        '--policy-arn',
        READ_ONLY,
      ],
      source: MODEL('DetachRolePolicy'),
    },
    'NoSuchEntity',
    404,
  ),
  ok(
    {
      id: 'roles-delete-role',
      lab: 'iam-roles',
      step: 'remove-role',
      mistake: 'deleting the role after detaching (the right order)',
      command: ['iam', 'delete-role', '--role-name', '{DEL_ROLE}'],
      source: `${EXAMPLES}/iam/delete-role.rst (no output)`,
    },
    { event: iamEvent('DeleteRole') },
  ),
  err(
    {
      id: 'roles-delete-role-typo',
      lab: 'iam-roles',
      step: 'remove-role',
      mistake: 'mistyped role name',
      command: ['iam', 'delete-role', '--role-name', 'lab-veiwer'],
      source: `${MODEL('DeleteRole')}; ${ROLE_TEXT}`,
    },
    'NoSuchEntity',
    404,
    'The role with name lab-veiwer cannot be found.',
  ),
  ok(
    {
      id: 'd42-lookup-create-key',
      lab: 'day42',
      step: 'create-key',
      mistake: 'looking up the key creation in event history',
      command: [
        'cloudtrail',
        'lookup-events',
        '--lookup-attributes',
        'AttributeKey=EventName,AttributeValue=CreateAccessKey',
      ],
      source: `${EXAMPLES}/cloudtrail/lookup-events.rst (Events[] with EventName, EventSource, Username, CloudTrailEvent); IAM events are in us-east-1 (row lookup-events-regional)`,
    },
    {
      json: {
        'Events[].EventName': '/^CreateAccessKey$/',
        'Events[].EventSource': '/^iam\\.amazonaws\\.com$/',
      },
    },
  ),
  {
    ...ok(
      {
        id: 'groups-add-user-again',
        lab: 'iam-groups',
        step: 'add-user',
        mistake: 'adding the member again (retry)',
        command: [
          'iam',
          'add-user-to-group',
          '--group-name',
          'lab-readers',
          '--user-name',
          'lab-reader',
        ],
        source: `${EXAMPLES}/iam/add-user-to-group.rst (no output); IAM API Reference AddUserToGroup (no error listed for a user already in the group)`,
      },
      { event: iamEvent('AddUserToGroup') },
    ),
    verdict: 'unverified',
    why: 'No AWS page or captured output says what IAM answers for a user already in the group; the API reference lists no error for it, and the sandbox succeeds silently.',
  },
  {
    ...err(
      {
        id: 'roles-assume-role-typo',
        lab: 'iam-roles',
        step: 'assume-role',
        mistake: 'a mistyped role ARN',
        command: [
          'sts',
          'assume-role',
          '--role-arn',
          'arn:aws:iam::123456789012:role/lab-veiwer',
          '--role-session-name',
          'lab-check',
        ],
        source:
          'AssumeRole on a role that does not exist is denied like one the caller may not assume: "Since an sts:AssumeRole on a non-existing role yields an AccessDenied" (getmoto/moto#6793), "AssumeRole on a non-existent role is denied … returning AccessDenied, matching AWS" (faiscadev/fakecloud#1579), the kiam report "Misleading error message when role doesn\'t exist" (uswitch/kiam#33); the text names the caller and the role, no reason after it: "User: arn:aws:iam::…:user/gudsen is not authorized to perform: sts:AssumeRole on resource: aws:iam::…:role/gudsen_role (Service: AWSSecurityTokenService; Status Code: 403; Error Code: AccessDenied" (amzn/selling-partner-api-models#891), "An error occurred (AccessDenied) when calling the AssumeRole operation: User: arn:aws:sts::629146268066:assumed-role/… is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::629146268066:role/EksAdminRole-mycluster" (aws/karpenter-provider-aws#4680)',
      },
      'AccessDenied',
      403,
      '/^User: arn:aws:iam::\\d{12}:user\\/\\S+ is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::\\d{12}:role\\/lab-veiwer$/',
    ),
    verdict: 'match',
  },
  err(
    {
      id: 'roles-create-role-bad-json',
      lab: 'iam-roles',
      step: 'create-role',
      mistake: 'a trust policy that is not JSON',
      command: [
        'iam',
        'create-role',
        '--role-name',
        '{NEW_ROLE}-json',
        '--assume-role-policy-document',
        '{bad',
      ],
      source:
        'botocore iam model CreateRole: MalformedPolicyDocumentException (MalformedPolicyDocument, 400); IAM API Reference CreateRole, Errors: MalformedPolicyDocument "The request was rejected because the policy document was malformed"',
    },
    'MalformedPolicyDocument',
    400,
  ),
];
