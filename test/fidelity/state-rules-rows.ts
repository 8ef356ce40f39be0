// Fidelity rows for AWS's state rules, error texts and event records of issue 18 (items 1, 2,
// 4-9): the EC2 instance life cycle, security-group dependencies, CreateBucket on an own bucket
// after a restart, anonymous reads under Block Public Access, DeletePolicy conflicts, trust
// principals, GetAccessKeyInfo, S3's clock window and IAM/EC2 error texts. Values in {BRACES}
// come from test/fidelity/state-rules-setup.ts; the sandbox is restarted once before the rows
// run (fidelity.test.ts), as a learner's machine is between sessions.
import type { Row } from './table.ts';

const SERVICE_EXIT = { v1: 255, v2: 254 };
const S3_COMMAND_EXIT = { v1: 1, v2: 1 }; // `aws s3 …` (high-level) exits 1 on a failed transfer
const EAST = 'us-east-1';
const SYDNEY = 'ap-southeast-2';
const IAM = 'iam.amazonaws.com';
const EC2 = 'ec2.amazonaws.com';
const STOP_SOURCE =
  'EC2 User Guide, instance states ("terminated … cannot be started"); a captured CloudTrail record of aws-cli 2.17\'s stop-instances on a terminated instance: errorCode Client.IncorrectInstanceState, errorMessage "This instance \'i-0bb0ccfd03ce061a4\' is not in a state from which it can be stopped." (a stratus-red-team run quoted in a public repository)';

export const STATE_RULE_ROWS: Row[] = [
  // ── item 1: the instance life cycle ───────────────────────────────────────────────────────
  {
    id: 'ec2-stop-terminated',
    lab: 'ec2-first-instance',
    step: 'terminate',
    mistake: 'stopping an instance that is already terminated',
    command: ['ec2', 'stop-instances', '--instance-ids', '{TERMINATED_ID}'],
    as: 'sandbox-admin',
    aws: {
      exit: SERVICE_EXIT,
      code: 'IncorrectInstanceState',
      message:
        "/^This instance 'i-[0-9a-f]{17}' is not in a state from which it can be stopped\\.$/",
      status: 400,
      event: {
        eventName: 'StopInstances',
        eventSource: EC2,
        region: EAST,
        errorCode: 'Client.IncorrectInstanceState',
      },
    },
    source: STOP_SOURCE,
    verdict: 'match',
  },
  {
    id: 'ec2-start-terminated',
    lab: 'ec2-first-instance',
    step: 'terminate',
    mistake: 'starting an instance that is already terminated',
    command: ['ec2', 'start-instances', '--instance-ids', '{TERMINATED_ID}'],
    as: 'sandbox-admin',
    aws: {
      exit: SERVICE_EXIT,
      code: 'IncorrectInstanceState',
      message:
        "/^The instance 'i-[0-9a-f]{17}' is not in a state from which it can be started\\.$/",
      status: 400,
    },
    source:
      'EC2 User Guide, instance states: terminated "has been permanently deleted and cannot be started"; the message as AWS answers StartInstances, quoted in burstable-ai/burst#42 ("The instance \'i-09f97fa254d707ed0\' is not in a state from which it can be started") and a public Flask script\'s captured botocore ClientError (with the final period)',
    verdict: 'match',
  },
  {
    id: 'ec2-terminate-twice',
    lab: 'ec2-first-instance',
    step: 'terminate',
    mistake: 'terminating the same instance again',
    command: ['ec2', 'terminate-instances', '--instance-ids', '{TERMINATED_ID}'],
    as: 'sandbox-admin',
    aws: {
      exit: { v1: 0, v2: 0 },
      json: {
        'TerminatingInstances[].CurrentState.Name': '/^terminated$/',
        'TerminatingInstances[].PreviousState.Name': '/^terminated$/',
      },
    },
    source:
      'EC2 API Reference, TerminateInstances: "This operation is idempotent; if you terminate an instance more than once, each call succeeds." A terminated instance stays terminated (EC2 User Guide, instance states)',
    verdict: 'match',
  },
  // ── item 2: security-group dependencies ───────────────────────────────────────────────────
  {
    id: 'ec2-delete-sg-in-use',
    lab: 'ec2-first-instance',
    step: 'clean-up',
    mistake: 'deleting the group before terminating the instance that uses it',
    command: ['ec2', 'delete-security-group', '--group-id', '{USED_SG}'],
    as: 'sandbox-admin',
    aws: {
      exit: SERVICE_EXIT,
      code: 'DependencyViolation',
      message: '/^resource sg-[0-9a-f]{17} has a dependent object$/',
      status: 400,
      event: {
        eventName: 'DeleteSecurityGroup',
        eventSource: EC2,
        region: EAST,
        errorCode: 'Client.DependencyViolation',
      },
    },
    source:
      'EC2 API Reference, DeleteSecurityGroup: "If you attempt to delete a security group that is associated with an instance or network interface … the operation fails with DependencyViolation"; the message as AWS words it in terraform-provider-aws#1671 ("DependencyViolation: resource sg-XXX has a dependent object") and an AWS SDK for Java capture ("resource sg-XXXXXXXX has a dependent object (Service: AmazonEC2; Status Code: 400; Error Code: DependencyViolation)")',
    verdict: 'match',
  },
  // ── item 4: CreateBucket on an own bucket, after a restart ────────────────────────────────
  {
    id: 's3-mb-own-bucket-after-restart',
    lab: 's3-basics',
    step: 'create-bucket',
    mistake: 'running `s3 mb` again for a bucket made before the sandbox restarted',
    command: ['s3', 'mb', 's3://{OWN_SYD_BUCKET}', '--region', SYDNEY],
    as: 'sandbox-admin',
    aws: {
      exit: S3_COMMAND_EXIT,
      code: 'BucketAlreadyOwnedByYou',
      message: 'Your previous request to create the named bucket succeeded and you already own it.',
    },
    source:
      'S3 API Reference, Error codes: BucketAlreadyOwnedByYou "returns this error in all AWS Regions except in the North Virginia Region. For legacy compatibility, if you re-create an existing bucket that you already own in the North Virginia Region, Amazon S3 returns 200 OK"; the message as S3 answers it, in a Terraform apply (status code 409, request id 6ZN4NK86409CNB2X, with a host id); the objects stay (test/sandbox/s3-rules.test.ts checks them after a real stop/start)',
    verdict: 'match',
  },
  // ── item 5: anonymous reads under Block Public Access ─────────────────────────────────────
  {
    id: 's3-anonymous-public-read',
    lab: 's3-basics',
    step: 'try-public',
    mistake: 'Block Public Access turned off and a public-read policy: anyone can read',
    command: ['s3', 'cp', 's3://{PUBLIC_BUCKET}/hello.txt', '-', '--no-sign-request'],
    as: 'sandbox-admin',
    aws: { exit: { v1: 0, v2: 0 } },
    source:
      'S3 User Guide, "Blocking public access to your Amazon S3 storage": Block Public Access settings override policies that grant public access; with them off, a bucket policy granting s3:GetObject to Principal "*" lets anonymous requests read the objects (S3 User Guide, bucket policy examples, "Granting read-only permission to public anonymous users")',
    verdict: 'match',
  },
  {
    id: 's3-anonymous-blocked',
    lab: 's3-basics',
    step: 'try-public',
    mistake: 'an anonymous read while Block Public Access is on',
    command: ['s3', 'cp', 's3://{FULL_BUCKET}/hello.txt', '-', '--no-sign-request'],
    as: 'sandbox-admin',
    aws: {
      exit: S3_COMMAND_EXIT,
      stderr: '/An error occurred \\(403\\) when calling the HeadObject operation: Forbidden/',
    },
    source:
      "S3 refuses an anonymous request to a bucket that is not public with 403 (S3 User Guide, Blocking public access: new buckets have all four settings on); `s3 cp` heads the object first and a HEAD answer has no body, so botocore names the error by its status and both CLIs print this line (the CLI's own wording, not AWS's)",
    verdict: 'match',
  },
  // ── item 6: DeletePolicy conflicts ────────────────────────────────────────────────────────
  {
    id: 'iam-delete-policy-attached',
    lab: 'iam-groups',
    step: 'tear-down',
    mistake: 'deleting a customer-managed policy that is still attached',
    command: ['iam', 'delete-policy', '--policy-arn', '{ATTACHED_POLICY}'],
    as: 'sandbox-admin',
    aws: {
      exit: SERVICE_EXIT,
      code: 'DeleteConflict',
      message: 'Cannot delete a policy attached to entities.',
      status: 409,
      event: {
        eventName: 'DeletePolicy',
        eventSource: IAM,
        region: EAST,
        errorCode: 'DeleteConflictException',
      },
    },
    source:
      'IAM API Reference, DeletePolicy ("you must first detach the policy from all users, groups, and roles"; Errors: DeleteConflict 409); the message as IAM answers it in public CloudFormation/CDK destroy output ("Resource handler returned message: \\"Cannot delete a policy attached to entities.\\"") and Terraform/Pulumi docs',
    verdict: 'match',
  },
  {
    id: 'iam-delete-policy-versions',
    lab: 'iam-groups',
    step: 'tear-down',
    mistake: 'deleting a policy that still has non-default versions',
    command: ['iam', 'delete-policy', '--policy-arn', '{VERSIONED_POLICY}'],
    as: 'sandbox-admin',
    aws: {
      exit: SERVICE_EXIT,
      code: 'DeleteConflict',
      message:
        "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.",
      status: 409,
    },
    source:
      'IAM API Reference, DeletePolicy ("In addition, you must delete all the policy\'s versions"); the message as AWS answers it, quoted from botocore\'s DeleteConflictException in aws-samples security-reference-architecture ("An error occurred (DeleteConflict) when calling the DeletePolicy operation: This policy has more than one version. …")',
    verdict: 'match',
  },
  // ── item 7: trust-policy principals ───────────────────────────────────────────────────────
  {
    id: 'roles-create-role-bad-principal',
    lab: 'iam-roles',
    step: 'create-role',
    mistake: 'an account principal with the account id left out (arn:aws:iam:::root)',
    command: [
      'iam',
      'create-role',
      '--role-name',
      '{BAD_TRUST_ROLE}',
      '--assume-role-policy-document',
      '{BAD_TRUST}',
    ],
    as: 'sandbox-admin',
    aws: {
      exit: SERVICE_EXIT,
      code: 'MalformedPolicyDocument',
      message: 'Invalid principal in policy: "AWS":"arn:aws:iam:::root"',
      status: 400,
    },
    source:
      'IAM User Guide, policy elements: Principal (an account principal names its 12-digit account id); the answer as IAM gives it to CreateRole, quoted in public captures: `MalformedPolicyDocument: Invalid principal in policy: "AWS":"arn:aws:iam::123456789012:root"` (an invalid placeholder account), `An error occurred (MalformedPolicyDocument) when calling the CreateRole operation: Invalid principal in policy: "AWS":"arn:aws:iam::033113129683:role/…"`',
    verdict: 'match',
  },
  // ── item 9: GetAccessKeyInfo, S3 clock window, error texts ────────────────────────────────
  {
    id: 'sts-access-key-info-stranger',
    lab: 'day42',
    step: 'create-key',
    mistake: "asking who owns a key id that is not the learner's",
    command: ['sts', 'get-access-key-info', '--access-key-id', 'ASIAY34FZKBOKMUTVV7A'],
    as: 'sandbox-admin',
    aws: { exit: { v1: 0, v2: 0 }, json: { Account: '/^609629065308$/' } },
    source:
      'STS API Reference, GetAccessKeyInfo ("returns the ID of the AWS account to which the keys belong"); Aidan Steele, "AWS Access Key ID formats" (2020): GetAccessKeyInfo answers 609629065308 for ASIAY34FZKBOKMUTVV7A, and the same with the last characters changed; Tal Be\'ery, "A short note on AWS KEY ID" (the account is encoded in the id)',
    verdict: 'match',
  },
  {
    id: 's3-skew-10',
    lab: 's3-basics',
    step: 'create-bucket',
    mistake: 'clock 10 minutes fast',
    command: ['s3api', 'list-buckets'],
    as: 'sandbox-admin',
    skewMinutes: 10,
    aws: { exit: { v1: 0, v2: 0 }, json: { 'Buckets[].Name': '/^\\S+$/' } },
    source:
      "S3 allows 15 minutes: S3 API Reference, Error codes: RequestTimeTooSkewed; a captured S3 answer carries <MaxAllowedSkewMilliseconds>900000</MaxAllowedSkewMilliseconds> (pgbackrest's S3 test harness, recorded from AWS)",
    verdict: 'match',
  },
  {
    id: 's3-skew-20',
    lab: 's3-basics',
    step: 'create-bucket',
    mistake: 'clock 20 minutes fast',
    command: ['s3api', 'list-buckets'],
    as: 'sandbox-admin',
    skewMinutes: 20,
    aws: {
      exit: SERVICE_EXIT,
      code: 'RequestTimeTooSkewed',
      message: 'The difference between the request time and the current time is too large.',
      status: 403,
    },
    source:
      "S3 API Reference, Error codes: RequestTimeTooSkewed (403); the message as S3 sends it in pgbackrest's recorded answer (<Code>RequestTimeTooSkewed</Code><Message>The difference between the request time and the current time is too large.</Message>, MaxAllowedSkewMilliseconds 900000)",
    verdict: 'match',
  },
  {
    id: 'iam-create-user-duplicate',
    lab: 'iam-groups',
    step: 'create-users',
    mistake: 'creating a user that already exists',
    command: ['iam', 'create-user', '--user-name', 'lab-reader'],
    as: 'sandbox-admin',
    aws: {
      exit: SERVICE_EXIT,
      code: 'EntityAlreadyExists',
      message: 'User with name lab-reader already exists.',
      status: 409,
    },
    source:
      'IAM API Reference, CreateUser, Errors: EntityAlreadyExists 409; the message as IAM answers it in Terraform output ("EntityAlreadyExists: User with name user-92-terraform already exists. status code: 409, request id: 3965715c-…")',
    verdict: 'match',
  },
  {
    id: 'iam-create-group-duplicate',
    lab: 'iam-groups',
    step: 'create-group',
    mistake: 'creating a group that already exists',
    command: ['iam', 'create-group', '--group-name', 'lab-readers'],
    as: 'sandbox-admin',
    aws: {
      exit: SERVICE_EXIT,
      code: 'EntityAlreadyExists',
      message: 'Group with name lab-readers already exists.',
      status: 409,
    },
    source:
      'IAM API Reference, CreateGroup, Errors: EntityAlreadyExists 409; the message as IAM answers it, quoted in a public lab write-up ("EntityAlreadyExists: Group with name WebAdmins already exists." beside the user\'s "User with name TestWebUser already exists.")',
    verdict: 'match',
  },
  {
    id: 'iam-attach-group-policy-typo',
    lab: 'iam-groups',
    step: 'attach-policy',
    mistake: 'a mistyped managed policy ARN',
    command: [
      'iam',
      'attach-group-policy',
      '--group-name',
      'lab-readers',
      '--policy-arn',
      'arn:aws:iam::aws:policy/ReadOnlyAcess',
    ],
    as: 'sandbox-admin',
    aws: {
      exit: SERVICE_EXIT,
      code: 'NoSuchEntity',
      message: 'Policy arn:aws:iam::aws:policy/ReadOnlyAcess does not exist or is not attachable.',
      status: 404,
    },
    source:
      'IAM API Reference, AttachGroupPolicy, Errors: NoSuchEntity 404; the message as IAM answers an unknown policy ARN in Terraform output ("StatusCode: 404, … NoSuchEntity: Policy arn:aws:iam::aws:policy/service-role/ConfigRole does not exist or is not attachable.")',
    verdict: 'match',
  },
  {
    id: 'iam-get-group-deleted',
    lab: 'iam-groups',
    step: 'tear-down',
    mistake: 'looking at a group after deleting it',
    command: ['iam', 'get-group', '--group-name', '{GONE_GROUP}'],
    as: 'sandbox-admin',
    aws: {
      exit: SERVICE_EXIT,
      code: 'NoSuchEntity',
      message: '/^The group with name fid-gone-group-v[12] cannot be found\\.$/',
      status: 404,
    },
    source:
      'IAM API Reference, GetGroup, Errors: NoSuchEntity 404; the message as IAM words a missing group, quoted from a PutGroupPolicy answer in a public guide ("An error occurred (NoSuchEntity) when calling the PutGroupPolicy operation: The group with name Operators cannot be found.")',
    verdict: 'match',
  },
  {
    id: 'ec2-instance-id-malformed',
    lab: 'ec2-first-instance',
    step: 'inspect',
    mistake: 'a truncated instance id',
    command: ['ec2', 'describe-instances', '--instance-ids', 'i-123'],
    as: 'sandbox-admin',
    aws: {
      exit: SERVICE_EXIT,
      code: 'InvalidInstanceID.Malformed',
      message: 'Invalid id: "i-123"',
      status: 400,
    },
    source:
      'EC2 API Reference, Error codes: InvalidInstanceID.Malformed ("The specified instance ID is malformed"); the message as EC2 answers it in public CLI captures ("when calling the DescribeInstances operation: Invalid id: \\"$i-06e179fe55853e04d\\"", "Invalid id: \\"10.10.1.202\\""); named since the audit of 2026-12-07: \"An error occurred (InvalidInstanceID.Malformed) when calling the DescribeInstances operation: Invalid id: \\"ma1\\"\" (ClusterLabs/cluster-glue#29), the same for \\"unknown\\" (aws-quickstart/quickstart-confluent-kafka#50)',
    verdict: 'match',
  },
  {
    id: 'ec2-describe-sg-unknown',
    lab: 'ec2-first-instance',
    step: 'ssh-group',
    mistake: 'a security group id that does not exist',
    command: ['ec2', 'describe-security-groups', '--group-ids', 'sg-0123456789abcdef0'],
    as: 'sandbox-admin',
    aws: {
      exit: SERVICE_EXIT,
      code: 'InvalidGroup.NotFound',
      message: "The security group 'sg-0123456789abcdef0' does not exist",
      status: 400,
    },
    source:
      'EC2 API Reference, Error codes: InvalidGroup.NotFound ("The specified security group does not exist"); the message as the CLI prints EC2\'s answer, in aws-cli\'s own examples and public captures ("The security group \'sg-903004f8\' does not exist"), never a Python set',
    verdict: 'match',
  },
  // ── item 8: event records ─────────────────────────────────────────────────────────────────
  {
    id: 'ec2-stop-instances-event',
    lab: 'ec2-first-instance',
    step: 'terminate',
    mistake: 'stopping before terminating (what event history records)',
    command: ['ec2', 'stop-instances', '--instance-ids', '{RUNNING_ID}'],
    as: 'sandbox-admin',
    aws: {
      exit: { v1: 0, v2: 0 },
      json: {
        'StoppingInstances[].CurrentState.Name': '/^stopping$/',
        'StoppingInstances[].PreviousState.Name': '/^running$/',
      },
      event: {
        eventName: 'StopInstances',
        eventSource: EC2,
        region: EAST,
        fields: { readOnly: false },
        paths: {
          'requestParameters.force': '/^false$/',
          'responseElements.instancesSet.items[].currentState.name': '/^stopping$/',
          'responseElements.instancesSet.items[].currentState.code': '/^64$/',
          'responseElements.instancesSet.items[].previousState.name': '/^running$/',
          'responseElements.instancesSet.items[].previousState.code': '/^16$/',
        },
      },
    },
    source:
      'CloudTrail User Guide, "CloudTrail log file examples", Amazon EC2: the StopInstances record ("requestParameters": {"instancesSet": …, "force": false}, "responseElements": {"instancesSet": {"items": [{"instanceId": …, "currentState": {"code": 64, "name": "stopping"}, "previousState": {"code": 16, "name": "running"}}]}})',
    verdict: 'match',
  },
];
