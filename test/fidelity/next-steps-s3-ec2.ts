// Next-step rows for s3-basics and ec2-first-instance: what a learner types after each step (look
// at the result, retry, the typo'd name or id, the wrong region, the tear-down in either order).
// Values in {BRACES}: fidelity.test.ts, state-rules-setup.ts and next-steps-setup.ts.
import type { Row } from './table.ts';
import {
  AL2023,
  DATA_EVENT,
  EAST,
  EC2,
  EXAMPLES,
  NO_BUCKET,
  NO_GROUP,
  NO_INSTANCE,
  RETURN_CODES,
  S3,
  S3_COMMAND_EXIT,
  SYDNEY,
  err,
  ok,
} from './next-steps-common.ts';

const NO_SUCH_BUCKET =
  'S3 API Reference, Error responses: NoSuchBucket "The specified bucket does not exist." 404 Not Found (the CLI prints the message without the final period, as S3 sends it in the XML body, e.g. "An error occurred (NoSuchBucket) when calling the ListObjects operation: The specified bucket does not exist" in aws/aws-cli issues)';
const S3_ERROR_TEXT = '/^The specified bucket does not exist\\.?$/';
const HEAD_404 =
  'HEAD answers carry no body, so botocore names the error by its status: "An error occurred (404) when calling the HeadObject operation: Not Found" (boto/boto3#2452, sibtc/simple-s3-setup#1); S3 API Reference HeadObject / HeadBucket ("404 Not Found" when the object or bucket does not exist)';
const INSTANCE_NOT_FOUND =
  'EC2 API Reference, Error codes: InvalidInstanceID.NotFound; the text as EC2 sends it: "The instance ID \'i-c6464a3f \' does not exist" (boto/boto3#567, StopInstances), "The instance ID \'i-6381a3fa\' does not exist (Service: AmazonEC2; Status Code: 400 …)" (aws/aws-sdk-java#911)';
const STATE_SOURCE = (file: string) =>
  `${EXAMPLES}/ec2/${file} (CurrentState / PreviousState with their codes); EC2 User Guide, instance life cycle`;

export const S3_EC2_NEXT_ROWS: Row[] = [
  // ── s3-basics ─────────────────────────────────────────────────────────────────────────────
  ok(
    {
      id: 's3-get-location-sydney',
      lab: 's3-basics',
      step: 'create-bucket',
      command: ['s3api', 'get-bucket-location', '--bucket', '{SYD_BUCKET}'],
      source: `${EXAMPLES}/s3api/get-bucket-location.rst ("LocationConstraint": "us-west-2" for a bucket there)`,
    },
    { json: { LocationConstraint: `/^${SYDNEY}$/` } },
  ),
  ok(
    {
      id: 's3-get-location-east',
      lab: 's3-basics',
      step: 'create-bucket',
      mistake: 'forgot --region on s3 mb (the bucket went to us-east-1)',
      command: ['s3api', 'get-bucket-location', '--bucket', '{FULL_BUCKET}'],
      source:
        'S3 API Reference GetBucketLocation: "Buckets in Region us-east-1 have a LocationConstraint of null"',
    },
    { json: { LocationConstraint: '/^null$/' } },
  ),
  err(
    {
      id: 's3-get-location-typo',
      lab: 's3-basics',
      step: 'create-bucket',
      mistake: 'mistyped bucket name',
      command: ['s3api', 'get-bucket-location', '--bucket', NO_BUCKET],
      source: NO_SUCH_BUCKET,
    },
    'NoSuchBucket',
    404,
    S3_ERROR_TEXT,
  ),
  ok(
    {
      id: 's3-mb-own-bucket-east',
      lab: 's3-basics',
      step: 'create-bucket',
      mistake: 'running s3 mb again for an own bucket in us-east-1',
      command: ['s3', 'mb', 's3://{FULL_BUCKET}'],
      source:
        'S3 API Reference, BucketAlreadyOwnedByYou: "Amazon S3 returns this error in all Amazon Web Services Regions except in the North Virginia Region. For legacy compatibility, if you re-create an existing bucket that you already own in the North Virginia Region, Amazon S3 returns 200 OK and resets the bucket access control lists (ACLs)." (the same text in every SDK\'s reference, e.g. the AWS SDK for .NET BucketAlreadyOwnedByYouException)',
    },
    {},
  ),
  ok(
    {
      id: 's3-ls-bucket',
      lab: 's3-basics',
      step: 'upload',
      command: ['s3', 'ls', 's3://{FULL_BUCKET}/'],
      source: `${EXAMPLES}/s3/ls.rst; the listing is a data event: ${DATA_EVENT}`,
    },
    { event: null },
  ),
  err(
    {
      id: 's3-ls-typo',
      lab: 's3-basics',
      step: 'upload',
      mistake: 'mistyped bucket name',
      command: ['s3', 'ls', `s3://${NO_BUCKET}`],
      source: `${NO_SUCH_BUCKET}; ${RETURN_CODES} (s3 ls is not a transfer: a service error)`,
    },
    'NoSuchBucket',
    404,
    S3_ERROR_TEXT,
  ),
  ok(
    {
      id: 's3-cp-upload',
      lab: 's3-basics',
      step: 'upload',
      command: ['s3', 'cp', '{LOCAL_FILE}', 's3://{CP_BUCKET}/hello.txt'],
      source: `${EXAMPLES}/s3/cp.rst; PutObject is a data event: ${DATA_EVENT}`,
    },
    { event: null },
  ),
  {
    id: 's3-cp-typo',
    lab: 's3-basics',
    step: 'upload',
    mistake: 'mistyped bucket name',
    command: ['s3', 'cp', '{LOCAL_FILE}', `s3://${NO_BUCKET}/hello.txt`],
    as: 'sandbox-admin',
    aws: {
      exit: S3_COMMAND_EXIT,
      stderr: `/upload failed: \\S+ to s3:\\/\\/${NO_BUCKET}\\/hello\\.txt An error occurred \\(NoSuchBucket\\) when calling the PutObject operation: The specified bucket does not exist/`,
    },
    source: `${NO_SUCH_BUCKET}; ${RETURN_CODES} (1: a failed s3 transfer)`,
    verdict: 'match',
  },
  err(
    {
      id: 's3-get-object-missing-key',
      lab: 's3-basics',
      step: 'upload',
      mistake: 'a key that is not there',
      command: [
        's3api',
        'get-object',
        '--bucket',
        '{FULL_BUCKET}',
        '--key',
        'helo.txt',
        '{OUT_FILE}',
      ],
      source:
        'S3 API Reference, Error responses: NoSuchKey "The specified key does not exist." 404; as the CLI prints it: "An error occurred (NoSuchKey) when calling the GetObject operation: The specified key does not exist." (carloscarcamo/aws-lambda-unzip-py#2)',
    },
    'NoSuchKey',
    404,
    'The specified key does not exist.',
    { event: null },
  ),
  err(
    {
      id: 's3-head-object-missing',
      lab: 's3-basics',
      step: 'upload',
      mistake: 'a key that is not there (head-object)',
      command: ['s3api', 'head-object', '--bucket', '{FULL_BUCKET}', '--key', 'helo.txt'],
      source: HEAD_404,
    },
    '404',
    404,
    'Not Found',
  ),
  err(
    {
      id: 's3-head-bucket-missing',
      lab: 's3-basics',
      step: 'create-bucket',
      mistake: 'a bucket that is not there (head-bucket)',
      command: ['s3api', 'head-bucket', '--bucket', NO_BUCKET],
      source: HEAD_404,
    },
    '404',
    404,
    'Not Found',
  ),
  ok(
    {
      id: 's3-presign',
      lab: 's3-basics',
      step: 'share-link',
      command: ['s3', 'presign', 's3://{FULL_BUCKET}/hello.txt', '--expires-in', '600'],
      source: `${EXAMPLES}/s3/presign.rst (the URL is computed locally; nothing is sent, so nothing is recorded)`,
    },
    { event: null },
  ),
  err(
    {
      id: 's3-get-policy-none',
      lab: 's3-basics',
      step: 'try-public',
      mistake: 'reading a policy that was refused (none was set)',
      command: ['s3api', 'get-bucket-policy', '--bucket', '{FULL_BUCKET}'],
      source:
        'S3 API Reference, Error responses: NoSuchBucketPolicy "The specified bucket does not have a bucket policy." 404',
    },
    'NoSuchBucketPolicy',
    404,
  ),
  ok(
    {
      id: 's3-get-policy',
      lab: 's3-basics',
      step: 'try-public',
      command: ['s3api', 'get-bucket-policy', '--bucket', '{PUBLIC_BUCKET}'],
      source: `${EXAMPLES}/s3api/get-bucket-policy.rst (Policy: the document as a string)`,
    },
    { json: { Policy: '/"Principal":\\s*"\\*"/' } },
  ),
  ok(
    {
      id: 's3-rm-recursive',
      lab: 's3-basics',
      step: 'delete-bucket',
      command: ['s3', 'rm', 's3://{RM_BUCKET}', '--recursive'],
      source: `${EXAMPLES}/s3/rm.rst; DeleteObject(s) are data events: ${DATA_EVENT}`,
    },
    { event: null },
  ),
  ok(
    {
      id: 's3-rb-empty',
      lab: 's3-basics',
      step: 'delete-bucket',
      mistake: 'rb after emptying (the right order)',
      command: ['s3', 'rb', 's3://{EMPTY_BUCKET}'],
      source: `${EXAMPLES}/s3/rb.rst; DeleteBucket is a management event (S3 User Guide, CloudTrail logging)`,
    },
    { event: { eventName: 'DeleteBucket', eventSource: S3, region: EAST } },
  ),
  {
    id: 's3-rb-typo',
    lab: 's3-basics',
    step: 'delete-bucket',
    mistake: 'mistyped bucket name',
    command: ['s3', 'rb', `s3://${NO_BUCKET}`],
    as: 'sandbox-admin',
    aws: {
      exit: S3_COMMAND_EXIT,
      stderr: `/remove_bucket failed: s3:\\/\\/${NO_BUCKET} An error occurred \\(NoSuchBucket\\) when calling the DeleteBucket operation: The specified bucket does not exist/`,
    },
    source: `${NO_SUCH_BUCKET}; ${RETURN_CODES}`,
    verdict: 'match',
  },
  {
    id: 's3-mb-invalid-name',
    lab: 's3-basics',
    step: 'create-bucket',
    mistake: 'capitals and an underscore in the bucket name',
    command: ['s3', 'mb', 's3://Lab_Bucket-{NEW_BUCKET}'],
    as: 'sandbox-admin',
    aws: {
      exit: S3_COMMAND_EXIT,
      stderr:
        '/make_bucket failed: \\S+ An error occurred \\(InvalidBucketName\\) when calling the CreateBucket operation: The specified bucket is not valid/',
    },
    source:
      'S3 User Guide, "General purpose bucket naming rules" ("Bucket names can consist only of lowercase letters, numbers, periods (.), and hyphens (-)"); S3 API Reference, Error responses: InvalidBucketName "The specified bucket is not valid." 400; the CLI\'s line for `aws s3 mb` with a capital: "make_bucket failed: s3://SAM-tutorial-test-12345 An error occurred (InvalidBucketName) when calling the CreateBucket operation: The specified bucket is not valid." (chenr2/AWS-SAM-Tutorial#2)',
    verdict: 'match',
  },
  err(
    {
      id: 's3-create-bucket-uppercase',
      lab: 's3-basics',
      step: 'create-bucket',
      mistake: 'a capital letter in the bucket name (s3api)',
      command: ['s3api', 'create-bucket', '--bucket', 'Fid-Upper-{NEW_BUCKET}'],
      source:
        'S3 User Guide, "General purpose bucket naming rules" ("Bucket names can consist only of lowercase letters, numbers, periods (.), and hyphens (-)"); S3 API Reference, Error responses: InvalidBucketName "The specified bucket is not valid." 400 Bad Request; as the CLI prints it: "An error occurred (InvalidBucketName) when calling the CreateBucket operation: The specified bucket is not valid." (chenr2/AWS-SAM-Tutorial#2)',
    },
    'InvalidBucketName',
    400,
    'The specified bucket is not valid.',
  ),
  // ── ec2-first-instance ────────────────────────────────────────────────────────────────────
  ok(
    {
      id: 'ec2-describe-key-pairs',
      lab: 'ec2-first-instance',
      step: 'create-key-pair',
      command: ['ec2', 'describe-key-pairs', '--key-names', '{KP}'],
      source: `${EXAMPLES}/ec2/describe-key-pairs.rst (KeyPairs: KeyPairId key-…, KeyName, KeyFingerprint)`,
    },
    {
      json: {
        'KeyPairs[].KeyName': '/^fid-kp-made-v[12]$/',
        'KeyPairs[].KeyPairId': '/^key-[0-9a-f]{17}$/',
      },
      event: { eventName: 'DescribeKeyPairs', eventSource: EC2, region: EAST },
    },
  ),
  err(
    {
      id: 'ec2-describe-key-pairs-typo',
      lab: 'ec2-first-instance',
      step: 'create-key-pair',
      mistake: 'mistyped key name',
      command: ['ec2', 'describe-key-pairs', '--key-names', 'lab-ec2-kee'],
      source:
        "EC2 API Reference, Error codes: InvalidKeyPair.NotFound; AWS's XML answer quoted in ttlequals0/autovpn#21 (<Code>InvalidKeyPair.NotFound</Code><Message>The key pair 'ap-southeast-2_vpnkey.pem' does not exist</Message>); hashicorp/vault-guides#260",
    },
    'InvalidKeyPair.NotFound',
    400,
    "The key pair 'lab-ec2-kee' does not exist",
  ),
  err(
    {
      id: 'ec2-create-key-pair-again',
      lab: 'ec2-first-instance',
      step: 'create-key-pair',
      mistake: 'running create-key-pair again',
      command: ['ec2', 'create-key-pair', '--key-name', '{KP}'],
      source:
        'EC2 API Reference, Error codes: InvalidKeyPair.Duplicate; the text as EC2 sends it: "InvalidKeyPair.Duplicate: The keypair \'sdcs-rancher\' already exists. status code: 400" (drpebcak/rancher-as-code#1), "The keypair \'machine\' already exists" (iterative/terraform-provider-iterative#14)',
    },
    'InvalidKeyPair.Duplicate',
    400,
    "/^The keypair 'fid-kp-made-v[12]' already exists\\.$/",
  ),
  ok(
    {
      id: 'ec2-describe-security-group',
      lab: 'ec2-first-instance',
      step: 'ssh-group',
      command: ['ec2', 'describe-security-groups', '--group-ids', '{RULE_SG}'],
      source: `${EXAMPLES}/ec2/describe-security-groups.rst (IpPermissions with IpProtocol, FromPort, ToPort, IpRanges[].CidrIp)`,
    },
    {
      json: {
        'SecurityGroups[].IpPermissions[].FromPort': '/^22$/',
        'SecurityGroups[].IpPermissions[].IpRanges[].CidrIp': '/^203\\.0\\.113\\.10\\/32$/',
      },
    },
  ),
  {
    ...err(
      {
        id: 'ec2-authorize-ssh-again',
        lab: 'ec2-first-instance',
        step: 'ssh-group',
        mistake: 'adding the same rule again',
        command: [
          'ec2',
          'authorize-security-group-ingress',
          '--group-id',
          '{RULE_SG}',
          '--protocol',
          'tcp',
          '--port',
          '22',
          '--cidr',
          '203.0.113.10/32',
        ],
        source:
          'EC2 API Reference, Error codes: InvalidPermission.Duplicate; the text as EC2 sends it, naming the rule: "InvalidPermission.Duplicate: the specified rule \"peer: sg-xxxxxxxx, TCP, from port: 80, to port: 80, ALLOW\" already exists" (hashicorp/terraform#1874), "the specified rule \"peer: 0.0.0.0/0, UDP, from port: 50000, to port: 60000, ALLOW\" already exists" with StatusCode 400 (terraform-aws-modules/terraform-aws-security-group#351)',
      },
      'InvalidPermission.Duplicate',
      400,
      'the specified rule "peer: 203.0.113.10/32, TCP, from port: 22, to port: 22, ALLOW" already exists',
    ),
    verdict: 'match',
  },
  err(
    {
      id: 'ec2-create-security-group-again',
      lab: 'ec2-first-instance',
      step: 'ssh-group',
      mistake: 'running create-security-group again',
      command: [
        'ec2',
        'create-security-group',
        '--group-name',
        '{RULE_SG_NAME}',
        '--description',
        'SSH',
      ],
      source:
        'EC2 API Reference, Error codes: InvalidGroup.Duplicate ("The security group name is already in use")',
    },
    'InvalidGroup.Duplicate',
    400,
  ),
  err(
    {
      id: 'ec2-describe-instance-typo',
      lab: 'ec2-first-instance',
      step: 'inspect',
      mistake: 'an instance id that does not exist',
      command: ['ec2', 'describe-instances', '--instance-ids', NO_INSTANCE],
      source: INSTANCE_NOT_FOUND,
    },
    'InvalidInstanceID.NotFound',
    400,
    `The instance ID '${NO_INSTANCE}' does not exist`,
    {
      event: {
        eventName: 'DescribeInstances',
        eventSource: EC2,
        region: EAST,
        errorCode: 'Client.InvalidInstanceID.NotFound',
      },
    },
  ),
  err(
    {
      id: 'ec2-describe-instance-wrong-region',
      lab: 'ec2-first-instance',
      step: 'inspect',
      mistake: 'the instance’s id asked for in another region',
      command: ['ec2', 'describe-instances', '--instance-ids', '{LIVE_ID}', '--region', SYDNEY],
      source: `${INSTANCE_NOT_FOUND}; EC2 User Guide, Regions ("resources … are tied to the Region")`,
    },
    'InvalidInstanceID.NotFound',
    400,
    "/^The instance ID 'i-[0-9a-f]{17}' does not exist$/",
  ),
  err(
    {
      id: 'ec2-describe-filter-unknown',
      lab: 'ec2-first-instance',
      step: 'inspect',
      mistake: 'an unknown filter name',
      command: ['ec2', 'describe-instances', '--filters', 'Name=nonsense,Values=x'],
      source:
        'boto/boto3#1299: "An error occurred (InvalidParameterValue) when calling the DescribeInstances operation: The filter \'public-ip\' is invalid"; aws/aws-cli#7225 (the same for DescribeInstanceStatus)',
    },
    'InvalidParameterValue',
    400,
    "The filter 'nonsense' is invalid",
  ),
  err(
    {
      id: 'ec2-describe-max-results-2',
      lab: 'ec2-first-instance',
      step: 'inspect',
      mistake: '--max-results below the minimum',
      command: ['ec2', 'describe-instances', '--max-results', '2'],
      source:
        'aws/aws-sdk-ruby#2575 ("Value ( 1 ) for parameter maxResults is invalid. Expecting a value greater than 5.", quoted in sandbox/gateway/validate/answer.ts); EC2 API Reference DescribeInstances MaxResults (5-1000)',
    },
    'InvalidParameterValue',
    400,
    'Value ( 2 ) for parameter maxResults is invalid. Expecting a value greater than 5.',
  ),
  ok(
    {
      id: 'ec2-describe-running',
      lab: 'ec2-first-instance',
      step: 'inspect',
      command: ['ec2', 'describe-instances', '--instance-ids', '{LIVE_ID}'],
      source: `${EXAMPLES}/ec2/describe-instances.rst (Reservations[].Instances[] with State.Name)`,
    },
    {
      json: { 'Reservations[].Instances[].State.Name': '/^(pending|running)$/' },
      event: {
        eventName: 'DescribeInstances',
        eventSource: EC2,
        region: EAST,
        fields: { readOnly: true },
      },
    },
  ),
  err(
    {
      id: 'ec2-run-instances-bad-ami',
      lab: 'ec2-first-instance',
      step: 'launch',
      mistake: 'an AMI id copied from another region / tutorial',
      command: [
        'ec2',
        'run-instances',
        '--image-id',
        'ami-12345678',
        '--instance-type',
        't3.micro',
      ],
      source:
        'EC2 API Reference, Error codes: InvalidAMIID.NotFound; as EC2 sends it: "An error occurred (InvalidAMIID.NotFound) when calling the RunInstances operation: The image id \'[ami-26fc345b]\' does not exist" (ambrosejcarr/seqc#324; brikis98/terraform-up-and-running-code#65, status 400)',
    },
    'InvalidAMIID.NotFound',
    400,
    "The image id '[ami-12345678]' does not exist",
  ),
  err(
    {
      id: 'ec2-run-instances-bad-type',
      lab: 'ec2-first-instance',
      step: 'launch',
      mistake: 'mistyped instance type',
      command: ['ec2', 'run-instances', '--image-id', AL2023, '--instance-type', 't3.mirco'],
      source:
        '"Invalid value \'t3.nano\' for InstanceType." (getmoto/moto#1695 and CloudSlang/cs-actions#308 quoting AWS, cited in sandbox/gateway/validate/answer.ts); EC2 API Reference, Error codes: InvalidParameterValue',
    },
    'InvalidParameterValue',
    400,
    "Invalid value 't3.mirco' for InstanceType.",
  ),
  err(
    {
      id: 'ec2-run-instances-bad-group',
      lab: 'ec2-first-instance',
      step: 'launch',
      mistake: 'a security group id that does not exist',
      command: [
        'ec2',
        'run-instances',
        '--image-id',
        AL2023,
        '--instance-type',
        't3.micro',
        '--security-group-ids',
        NO_GROUP,
      ],
      source:
        'EC2 API Reference, Error codes: InvalidGroup.NotFound ("The specified security group does not exist")',
    },
    'InvalidGroup.NotFound',
    400,
  ),
  ok(
    {
      id: 'ec2-stop-running',
      lab: 'ec2-first-instance',
      step: 'stop',
      command: ['ec2', 'stop-instances', '--instance-ids', '{STOP_ID}'],
      source: STATE_SOURCE('stop-instances.rst'),
    },
    {
      json: {
        'StoppingInstances[].CurrentState.Name': '/^stopping$/',
        'StoppingInstances[].PreviousState.Name': '/^running$/',
      },
    },
  ),
  ok(
    {
      id: 'ec2-start-stopped',
      lab: 'ec2-first-instance',
      step: 'stop',
      mistake: 'starting it again after the stop',
      command: ['ec2', 'start-instances', '--instance-ids', '{START_ID}'],
      source: STATE_SOURCE('start-instances.rst'),
    },
    {
      json: {
        'StartingInstances[].CurrentState.Name': '/^pending$/',
        'StartingInstances[].PreviousState.Name': '/^stopped$/',
      },
      event: { eventName: 'StartInstances', eventSource: EC2, region: EAST },
    },
  ),
  ok(
    {
      id: 'ec2-terminate-running',
      lab: 'ec2-first-instance',
      step: 'terminate',
      command: ['ec2', 'terminate-instances', '--instance-ids', '{TERM_ID}'],
      source: STATE_SOURCE('terminate-instances.rst'),
    },
    {
      json: {
        'TerminatingInstances[].CurrentState.Name': '/^shutting-down$/',
        'TerminatingInstances[].PreviousState.Name': '/^running$/',
      },
      event: { eventName: 'TerminateInstances', eventSource: EC2, region: EAST },
    },
  ),
  err(
    {
      id: 'ec2-stop-typo',
      lab: 'ec2-first-instance',
      step: 'stop',
      mistake: 'an instance id that does not exist',
      command: ['ec2', 'stop-instances', '--instance-ids', NO_INSTANCE],
      source: INSTANCE_NOT_FOUND,
    },
    'InvalidInstanceID.NotFound',
    400,
    `The instance ID '${NO_INSTANCE}' does not exist`,
  ),
  err(
    {
      id: 'ec2-terminate-wrong-region',
      lab: 'ec2-first-instance',
      step: 'terminate',
      mistake: 'terminating in another region',
      command: ['ec2', 'terminate-instances', '--instance-ids', '{LIVE_ID}', '--region', SYDNEY],
      source: `${INSTANCE_NOT_FOUND}; EC2 resources are regional`,
    },
    'InvalidInstanceID.NotFound',
    400,
    "/^The instance ID 'i-[0-9a-f]{17}' does not exist$/",
  ),
  ok(
    {
      id: 'ec2-delete-security-group',
      lab: 'ec2-first-instance',
      step: 'clean-up',
      mistake: 'deleting the group once nothing uses it (the right order)',
      command: ['ec2', 'delete-security-group', '--group-id', '{UNUSED_SG}'],
      source: `${EXAMPLES}/ec2/delete-security-group.rst`,
    },
    { event: { eventName: 'DeleteSecurityGroup', eventSource: EC2, region: EAST } },
  ),
  err(
    {
      id: 'ec2-delete-security-group-typo',
      lab: 'ec2-first-instance',
      step: 'clean-up',
      mistake: 'a group id that does not exist',
      command: ['ec2', 'delete-security-group', '--group-id', NO_GROUP],
      source:
        'EC2 API Reference, Error codes: InvalidGroup.NotFound ("The specified security group does not exist")',
    },
    'InvalidGroup.NotFound',
    400,
  ),
  ok(
    {
      id: 'ec2-delete-key-pair',
      lab: 'ec2-first-instance',
      step: 'clean-up',
      command: ['ec2', 'delete-key-pair', '--key-name', '{DEL_KP}'],
      source: `${EXAMPLES}/ec2/delete-key-pair.rst`,
    },
    { event: { eventName: 'DeleteKeyPair', eventSource: EC2, region: EAST } },
  ),
  err(
    {
      id: 'ec2-describe-no-rights',
      lab: 'ec2-first-instance',
      step: 'denied-launch',
      mistake: 'a read as the user with no policies',
      command: ['ec2', 'describe-instances', '--profile', 'lab-ec2-intern'],
      as: 'no-rights',
      source:
        'the UnauthorizedOperation form of row describe-denied (repost.aws knowledge-center ec2-not-auth-launch)',
    },
    'UnauthorizedOperation',
    403,
    'You are not authorized to perform this operation. User: arn:aws:iam::123456789012:user/lab-ec2-intern is not authorized to perform: ec2:DescribeInstances because no identity-based policy allows the ec2:DescribeInstances action',
  ),
  ok(
    {
      id: 's3-ls-buckets',
      lab: 's3-basics',
      step: 'delete-bucket',
      command: ['s3', 'ls'],
      source: `${EXAMPLES}/s3/ls.rst; ListBuckets is a management event recorded in us-east-1 for a call to the us-east-1 endpoint (S3 User Guide, "Logging Amazon S3 API calls using AWS CloudTrail")`,
    },
    { event: { eventName: 'ListBuckets', eventSource: S3, region: EAST } },
  ),
  ok(
    {
      id: 's3-ls-group-member',
      lab: 'iam-groups',
      step: 'prove-rights',
      mistake: 'an S3 read as the read-only group member',
      command: ['s3', 'ls', '--profile', 'lab-reader'],
      as: 'group-member',
      source:
        'AWS managed policy reference, ReadOnlyAccess (allows "s3:List*", "s3:Get*"); aws-cli awscli/examples/s3/ls.rst',
    },
    {},
  ),
  err(
    {
      id: 'ec2-authorize-no-mask',
      lab: 'ec2-first-instance',
      step: 'ssh-group',
      mistake: 'an address without /32',
      command: [
        'ec2',
        'authorize-security-group-ingress',
        '--group-id',
        '{RULE_SG}',
        '--protocol',
        'tcp',
        '--port',
        '22',
        '--cidr',
        '203.0.113.10',
      ],
      source:
        'EC2\'s text for a --cidr value that is not a CIDR block: "An error occurred (InvalidParameterValue) when calling the RevokeSecurityGroupIngress operation: CIDR block ::/0 is malformed" (aws/aws-cli#2428), "CIDR block 208.157.160.147\\n/32 is malformed (Service: AmazonEC2; Status Code: 400; Error Code: InvalidParameterValue" (smoketurner/serverless-vpc-plugin#318); IpRange.CidrIp is "The IPv4 address range, in CIDR format" (EC2 API Reference, IpRange), so an address without its prefix length is not one. No capture of this very input (an address without /32) was found: the text is EC2\'s for a malformed CIDR block',
    },
    'InvalidParameterValue',
    400,
    'CIDR block 203.0.113.10 is malformed',
  ),
  {
    ...ok(
      {
        id: 'ec2-delete-key-pair-missing',
        lab: 'ec2-first-instance',
        step: 'clean-up',
        mistake: 'deleting the key pair twice',
        command: ['ec2', 'delete-key-pair', '--key-name', 'lab-ec2-kee'],
        source: `${EXAMPLES}/ec2/delete-key-pair.rst; EC2 API Reference DeleteKeyPair (no NotFound listed)`,
      },
      {},
    ),
    verdict: 'unverified',
    why: 'No AWS page states the answer for a key name that does not exist; the sandbox succeeds (Return true), as public reports of EC2 describe it, but no captured AWS output was found.',
  },
];
