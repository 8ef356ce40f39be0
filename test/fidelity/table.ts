// The fidelity table: for every command a lab teaches and the mistakes a learner naturally makes,
// what AWS answers (code, message, HTTP status, CLI exit code, the event-history record) and
// where that is written down. test/fidelity/fidelity.test.ts runs every row through both AWS
// CLIs against the sandbox and compares; scripts/fidelity-doc.ts renders docs/fidelity.md.
//
// Adding a lab: add its rows here (one per command it teaches and per natural mistake), with a
// source for each AWS answer, then `node scripts/fidelity-doc.ts` (docs/fidelity.md must stay in
// step: the test checks). Profiles available to `as`: see PROFILES below (fidelity.test.ts sets
// them up); add one there if the lab needs another identity.

import { STATE_RULE_ROWS } from './state-rules-rows.ts';
import { IAM_NEXT_ROWS } from './next-steps-iam.ts';
import { S3_EC2_NEXT_ROWS } from './next-steps-s3-ec2.ts';
import { AUDIT2_ROWS } from './next-steps-audit2.ts';

/** The CLI profile a row runs with. */
export type Profile =
  /** The learner's sandbox admin (the default profile, region us-east-1), as in `lab shell`. */
  | 'sandbox-admin'
  /** The lab's user iam-admin (IAMFullAccess) with its working key, region ap-southeast-2. */
  | 'iam-admin'
  /** iam-admin's key id with a mistyped secret. */
  | 'wrong-secret'
  /** An iam-admin key that was deactivated (update-access-key --status Inactive). */
  | 'inactive-key'
  /** A key that was deleted. */
  | 'deleted-key'
  /** iam-admin's working key, but `aws configure` left the region empty. */
  | 'no-region'
  /** A profile name that is not in the files (a typo: iam_admin). */
  | 'unknown-profile'
  /** ec2-first-instance's lab-ec2-intern (no permissions at all), profile lab-ec2-intern. */
  | 'no-rights'
  /**
   * iam-roles' profile lab-viewer: role_arn of the role lab-viewer (ReadOnlyAccess, trusting the
   * account), source_profile default, region us-east-1; each run starts with no cached session.
   */
  | 'role-session'
  /** iam-groups' lab-reader: no policy of its own, ReadOnlyAccess through its group lab-readers. */
  | 'group-member';

export const PROFILES: Record<Profile, string> = {
  'sandbox-admin': 'the learner admin the sandbox gives (`lab shell`), region us-east-1',
  'iam-admin': "iam-admin's key, region ap-southeast-2 (as the lab configures it)",
  'wrong-secret': "iam-admin's key id with a wrong secret",
  'inactive-key': 'a key deactivated with update-access-key',
  'deleted-key': 'a key deleted with delete-access-key',
  'no-region': "iam-admin's key, no region configured",
  'unknown-profile': '`--profile iam_admin` (not configured)',
  'no-rights': "lab-ec2-intern's key (a user with no policies), region us-east-1",
  'group-member':
    "iam-groups' `lab-reader` profile: a user whose only policy is its group's ReadOnlyAccess, region us-east-1",
  'role-session':
    "iam-roles' `lab-viewer` profile (role_arn of a ReadOnlyAccess role, source_profile default, region us-east-1), no cached session; v2 2.9 runs through sandbox/lifecycle/aws-endpoint.py as `lab shell`'s aws wrapper runs it, so its own AssumeRole reaches the sandbox",
};

export interface AwsAnswer {
  /** CLI exit status: v1 (pyenv `aws`) and v2 (Debian's `/usr/bin/aws`). */
  exit: { v1: number; v2: number };
  /** Service error: `An error occurred (CODE) when calling the OP operation: MESSAGE`. */
  code?: string;
  /** The message exactly, or `/regex/` (written as a string starting and ending with /). */
  message?: string;
  /** HTTP status of the (last) answer; undefined when no request reaches AWS. */
  status?: number;
  /** A line the CLI itself prints on stderr (no request sent), as a /regex/ string. */
  stderr?: string;
  /** JSON output: path (`A.B`, `Users[].UserName`) → /regex/ every value there must match. */
  json?: Record<string, string>;
  /**
   * The event-history record: null when AWS records none, undefined when not verified.
   * `region` is the region whose history holds it.
   */
  event?: {
    eventName: string;
    eventSource: string;
    region: string;
    errorCode?: string;
    /** Top-level fields of the CloudTrailEvent document to compare (JSON-equal). */
    fields?: Record<string, unknown>;
    /** Values inside the document: path (`A.B`) → /regex/ (for ids that differ per call). */
    paths?: Record<string, string>;
  } | null;
}

export interface Row {
  id: string;
  lab: string;
  /** The lab step the command belongs to. */
  step: string;
  /** The command as the learner types it, after `aws` (no --endpoint-url). */
  command: string[];
  /** The mistake this row checks, if any. */
  mistake?: string;
  as: Profile;
  /** Minutes the learner's clock is ahead of AWS's (the gateway's clock is moved instead). */
  skewMinutes?: number;
  aws: AwsAnswer;
  /** Where the AWS answer comes from (docs, botocore model, captured output). */
  source: string;
  /**
   * `match`: the test requires the sandbox to answer exactly this. `differs` / `unverified`:
   * run and shown, not required, with `why`.
   */
  verdict: 'match' | 'differs' | 'unverified';
  why?: string;
  /** The CLIs the row runs with (default both), and why not the other. */
  clis?: { only: 'v1' | 'v2'; why: string };
}

const SERVICE_EXIT = { v1: 255, v2: 254 }; // cli-usage-returncodes: 255 (v1) / 254 (v2)
const USER_ID = '/^AIDA[A-Z2-7]{17}$/';
const WHOLE_SECONDS = '/^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(Z|\\+00:00)$/';
const INVALID_TOKEN = 'The security token included in the request is invalid.';
const SIG_MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
const EC2_AUTH = 'AWS was not able to validate the provided access credentials';
const IAM = 'iam.amazonaws.com';
const EAST = 'us-east-1';
const SYDNEY = 'ap-southeast-2';
const S3 = 's3.amazonaws.com';
const EC2 = 'ec2.amazonaws.com';
const SESSION_ID = '/^AROA[A-Z2-7]{17}:botocore-session-\\d+$/';
const SESSION_ARN = '/^arn:aws:sts::\\d{12}:assumed-role\\/lab-viewer\\/botocore-session-\\d+$/';
// IAM's Java date, as CloudTrail writes dates inside IAM/STS responseElements.
const JAVA_DATE = '/^[A-Z][a-z]{2} \\d{1,2}, \\d{4} \\d{1,2}:\\d\\d:\\d\\d [AP]M$/';
const ROLE_PROFILE_SOURCE =
  'AWS CLI User Guide "Use an IAM role in the AWS CLI" (role_arn + source_profile; the CLI names the session botocore-session-<epoch>); aws-cli awscli/examples/sts/get-caller-identity.rst';
const DELETE_CONFLICT_SOURCE =
  'IAM API Reference DeleteUser / DeleteGroup, Errors: DeleteConflict 409; IAM User Guide id_users_remove (delete attached items first); message text as AWS answers it: "failed to delete aws user "bob": DeleteConflict: Cannot delete entity, must remove users from group first." (mozilla-services/userplex#17, DeleteUser), the same for DeleteGroup with "Status Code: 409; Error Code: DeleteConflict" (go-to-k/delstack#40; hashicorp/terraform#29147). Was: "Terraform destroy output and n8n\'s AWS IAM node error mapping", which named nothing one could re-read (audit 2026-12-07)';
const AL2023 = 'resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64';

export const TABLE: Row[] = [
  // ── create-key ────────────────────────────────────────────────────────────────────────────
  {
    id: 'create-key',
    lab: 'day42',
    step: 'create-key',
    command: ['iam', 'create-access-key', '--user-name', '{NEW_KEY_USER}'],
    as: 'sandbox-admin',
    aws: {
      exit: { v1: 0, v2: 0 },
      json: {
        'AccessKey.AccessKeyId': '/^AKIA[A-Z0-9]{16}$/',
        'AccessKey.SecretAccessKey': '/^[A-Za-z0-9+/]{40}$/',
        'AccessKey.Status': '/^Active$/',
        'AccessKey.CreateDate': WHOLE_SECONDS,
      },
      event: { eventName: 'CreateAccessKey', eventSource: IAM, region: EAST },
    },
    source:
      'aws-cli awscli/examples/iam/create-access-key.rst; IAM User Guide, reference_identifiers (AKIA); CloudTrail: IAM events in us-east-1 (awsdocs/aws-cloudtrail-user-guide view-cloudtrail-events-cli.md)',
    verdict: 'match',
  },
  {
    id: 'create-key-typo',
    lab: 'day42',
    step: 'create-key',
    mistake: 'mistyped user name',
    command: ['iam', 'create-access-key', '--user-name', 'iam-admn'],
    as: 'sandbox-admin',
    aws: {
      exit: SERVICE_EXIT,
      code: 'NoSuchEntity',
      message: 'The user with name iam-admn cannot be found.',
      status: 404,
      event: {
        eventName: 'CreateAccessKey',
        eventSource: IAM,
        region: EAST,
        errorCode: 'NoSuchEntityException',
      },
    },
    source:
      'IAM API Reference CreateAccessKey, Errors: NoSuchEntity 404; the text IAM sends for a user that does not exist: {"code": "NoSuchEntity", "message": "The user with name ansible.creation2 cannot be found.", "type": "Sender"} (AddUserToGroup, ansible/ansible#45593); CloudTrail errorCode NoSuchEntityException (captured GetRole record in an access-analyzer trail)',
    verdict: 'match',
  },
  {
    id: 'create-key-third',
    lab: 'day42',
    step: 'create-key',
    mistake: 'a third key (two exist)',
    command: ['iam', 'create-access-key', '--user-name', 'iam-admin'],
    as: 'sandbox-admin',
    aws: {
      exit: SERVICE_EXIT,
      code: 'LimitExceeded',
      message: 'Cannot exceed quota for AccessKeysPerUser: 2',
      status: 409,
      event: {
        eventName: 'CreateAccessKey',
        eventSource: IAM,
        region: EAST,
        errorCode: 'LimitExceededException',
      },
    },
    source:
      'simonw/s3-credentials#64 (CLI output); botocore iam model LimitExceededException 409; panther-analysis CreateAccessKey test event (errorCode LimitExceededException)',
    verdict: 'match',
  },
  // ── configure ─────────────────────────────────────────────────────────────────────────────
  {
    id: 'whoami',
    lab: 'day42',
    step: 'configure',
    command: ['sts', 'get-caller-identity', '--profile', 'iam-admin'],
    as: 'iam-admin',
    aws: {
      exit: { v1: 0, v2: 0 },
      json: {
        UserId: USER_ID,
        Account: '/^\\d{12}$/',
        Arn: '/^arn:aws:iam::\\d{12}:user/iam-admin$/',
      },
      event: {
        eventName: 'GetCallerIdentity',
        eventSource: 'sts.amazonaws.com',
        region: SYDNEY,
        fields: { readOnly: true },
      },
    },
    source:
      'aws-cli awscli/examples/sts/get-caller-identity.rst (UserId AIDA…); IAM reference_identifiers (unique ID prefixes); the event region: both CLIs call the profile region\'s regional STS endpoint (botocore sts_regional_endpoints "regional"; CLI v2 always), and "CloudTrail writes calls to all Regional endpoints to their respective Regions … sts.ap-southeast-2.amazonaws.com … ap-southeast-2" (IAM User Guide, "Logging IAM and AWS STS API calls with AWS CloudTrail", STS endpoints table; awsdocs/iam-user-guide cloudtrail-integration.md)',
    verdict: 'match',
  },
  {
    id: 'whoami-unknown-profile',
    lab: 'day42',
    step: 'configure',
    mistake: 'unknown profile name',
    command: ['sts', 'get-caller-identity', '--profile', 'iam_admin'],
    as: 'unknown-profile',
    aws: {
      exit: { v1: 255, v2: 255 },
      stderr: '/The config profile \\(iam_admin\\) could not be found/',
      event: null,
    },
    source: 'printed by the CLI itself (botocore ProfileNotFound); cli-usage-returncodes',
    verdict: 'match',
  },
  {
    id: 'whoami-wrong-secret',
    lab: 'day42',
    step: 'configure',
    mistake: 'secret pasted wrong',
    command: ['sts', 'get-caller-identity', '--profile', 'iam-admin'],
    as: 'wrong-secret',
    aws: { exit: SERVICE_EXIT, code: 'SignatureDoesNotMatch', message: SIG_MISMATCH, status: 403 },
    source:
      'STS API Reference, Common errors: SignatureDoesNotMatch (403); the text as STS answers get-caller-identity with a wrong secret, in public CLI captures: "An error occurred (SignatureDoesNotMatch) when calling the GetCallerIdentity operation: The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details." (a bastion-account troubleshooting guide, `AWS_PROFILE=org-bastion aws sts get-caller-identity`; an EKS hands-on guide). Was: aws/aws-cli#1211 and #134, which are CloudFront and EC2',
    verdict: 'match',
  },
  {
    id: 'whoami-skew-10',
    lab: 'day42',
    step: 'configure',
    mistake: 'clock 10 minutes fast',
    command: ['sts', 'get-caller-identity', '--profile', 'iam-admin'],
    as: 'iam-admin',
    skewMinutes: 10,
    aws: { exit: { v1: 0, v2: 0 }, json: { UserId: USER_ID } },
    source:
      'STS allows 15 minutes: aws/aws-cli#6676 and EngineerBetter/control-tower#51 quote "(… - 15 min.)"',
    verdict: 'match',
  },
  {
    id: 'whoami-skew-20',
    lab: 'day42',
    step: 'configure',
    mistake: 'clock 20 minutes fast',
    command: ['sts', 'get-caller-identity', '--profile', 'iam-admin'],
    as: 'iam-admin',
    skewMinutes: 20,
    aws: {
      exit: SERVICE_EXIT,
      code: 'SignatureDoesNotMatch',
      message:
        '/^Signature not yet current: \\d{8}T\\d{6}Z is still later than \\d{8}T\\d{6}Z \\(\\d{8}T\\d{6}Z \\+ 15 min\\.\\)$/',
      status: 403,
    },
    source:
      'STS\'s answer to a clock more than 15 minutes fast, for sts:GetCallerIdentity: "SignatureDoesNotMatch: Signature not yet current: 20210112T194419Z is still later than 20210112T072625Z (20210112T071125Z + 15 min.) status code: 403" (QT-DevOps/DevOpsIssues#989); aws/aws-cli#6676 (the same 15-minute window, slow clock). Was: aws/aws-cli#6676 alone, which shows the other direction\'s wording (audit 2026-12-07)',
    verdict: 'match',
  },
  // ── list-users ────────────────────────────────────────────────────────────────────────────
  {
    id: 'list-users',
    lab: 'day42',
    step: 'list-users',
    command: ['iam', 'list-users', '--profile', 'iam-admin'],
    as: 'iam-admin',
    aws: {
      exit: { v1: 0, v2: 0 },
      json: {
        'Users[].UserName': '/^(?!labrunner$)/',
        'Users[].UserId': USER_ID,
        'Users[].CreateDate': WHOLE_SECONDS,
      },
      event: {
        eventName: 'ListUsers',
        eventSource: IAM,
        region: EAST,
        fields: { readOnly: true, requestParameters: null },
      },
    },
    source:
      'aws-cli awscli/examples/iam/list-users.rst (AIDA… ids, whole-second CreateDate); the account holds only the users the lab describes (the runner signs with its own hidden user: docs/gateway.md)',
    verdict: 'match',
  },
  {
    id: 'list-users-inactive',
    lab: 'day42',
    step: 'list-users',
    mistake: 'inactive key',
    command: ['iam', 'list-users', '--profile', 'iam-admin'],
    as: 'inactive-key',
    aws: { exit: SERVICE_EXIT, code: 'InvalidClientTokenId', message: INVALID_TOKEN, status: 403 },
    source: 'IAM API Reference, Common errors: InvalidClientTokenId 403; jrl84/amazon-sp-api#218',
    verdict: 'match',
  },
  {
    id: 'list-users-deleted',
    lab: 'day42',
    step: 'list-users',
    mistake: 'deleted key',
    command: ['iam', 'list-users', '--profile', 'iam-admin'],
    as: 'deleted-key',
    aws: { exit: SERVICE_EXIT, code: 'InvalidClientTokenId', message: INVALID_TOKEN, status: 403 },
    source:
      'IAM API Reference, Common errors: InvalidClientTokenId 403; the message as IAM/STS send it for a key they do not know, with the final period: jrl84/amazon-sp-api#218 (the same as row list-users-inactive; audit 2026-12-07 (second): the common-errors page alone gives no message)',
    verdict: 'match',
  },
  {
    id: 'list-users-wrong-secret',
    lab: 'day42',
    step: 'list-users',
    mistake: 'secret pasted wrong',
    command: ['iam', 'list-users', '--profile', 'iam-admin'],
    as: 'wrong-secret',
    aws: { exit: SERVICE_EXIT, code: 'SignatureDoesNotMatch', message: SIG_MISMATCH, status: 403 },
    source:
      'aws/aws-cli#5166: IAM answers a wrong secret with exactly this text ("An error occurred (SignatureDoesNotMatch) when calling the GetUser operation: The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."); IAM API Reference, Common errors (403). Was: aws/aws-cli#1211, which is CloudFront',
    verdict: 'match',
  },
  {
    id: 'list-users-skew-10',
    lab: 'day42',
    step: 'list-users',
    mistake: 'clock 10 minutes fast',
    command: ['iam', 'list-users', '--profile', 'iam-admin'],
    as: 'iam-admin',
    skewMinutes: 10,
    aws: {
      exit: SERVICE_EXIT,
      code: 'SignatureDoesNotMatch',
      message:
        '/^Signature not yet current: \\d{8}T\\d{6}Z is still later than \\d{8}T\\d{6}Z \\(\\d{8}T\\d{6}Z \\+ 5 min\\.\\)$/',
      status: 403,
    },
    source: "SigV4's 5-minute default (aws/aws-cli#6833, LilyBin#72 for other services)",
    verdict: 'unverified',
    why: "No public capture of IAM's own window; the sandbox keeps SigV4's 5-minute default (STS and EC2 are documented at 15).",
  },
  // ── denied-ec2 ────────────────────────────────────────────────────────────────────────────
  {
    id: 'describe-denied',
    lab: 'day42',
    step: 'denied-ec2',
    command: ['ec2', 'describe-instances', '--profile', 'iam-admin'],
    as: 'iam-admin',
    aws: {
      exit: SERVICE_EXIT,
      code: 'UnauthorizedOperation',
      message:
        'You are not authorized to perform this operation. User: arn:aws:iam::123456789012:user/iam-admin is not authorized to perform: ec2:DescribeInstances because no identity-based policy allows the ec2:DescribeInstances action',
      status: 403,
      event: {
        eventName: 'DescribeInstances',
        eventSource: 'ec2.amazonaws.com',
        region: SYDNEY,
        errorCode: 'Client.UnauthorizedOperation',
        fields: { requestParameters: { instancesSet: {}, filterSet: {} }, readOnly: true },
      },
    },
    source:
      'repost.aws knowledge-center ec2-not-auth-launch (message form); captured CloudTrail record in bluemountaincyber/building-detections-aws (Client.UnauthorizedOperation, instancesSet/filterSet); the profile region decides the event region',
    verdict: 'match',
  },
  {
    id: 'describe-inactive',
    lab: 'day42',
    step: 'denied-ec2',
    mistake: 'inactive key',
    command: ['ec2', 'describe-instances', '--profile', 'iam-admin'],
    as: 'inactive-key',
    aws: { exit: SERVICE_EXIT, code: 'AuthFailure', message: EC2_AUTH, status: 401 },
    source:
      'EC2 API Reference, Common client errors: AuthFailure; the XML EC2 sends: <Code>AuthFailure</Code><Message>AWS was not able to validate the provided access credentials</Message> (aws/aws-sdk-java-v2#2981), "AuthFailure: AWS was not able to validate the provided access credentials status code: 401" (hashicorp/terraform#17273); javaquery/Examples#4; HummerRisk#418 (401)',
    verdict: 'match',
  },
  {
    id: 'describe-wrong-secret',
    lab: 'day42',
    step: 'denied-ec2',
    mistake: 'secret pasted wrong',
    command: ['ec2', 'describe-instances', '--profile', 'iam-admin'],
    as: 'wrong-secret',
    aws: { exit: SERVICE_EXIT, code: 'AuthFailure', message: EC2_AUTH, status: 401 },
    source: 'EC2 Common client errors (AuthFailure covers invalid credentials)',
    verdict: 'unverified',
    why: 'Sources disagree: aws/aws-cli#134 (2013) shows EC2 answering SignatureDoesNotMatch; the sandbox answers AuthFailure as EC2 does for every other credential failure.',
  },
  {
    id: 'describe-no-region',
    lab: 'day42',
    step: 'denied-ec2',
    mistake: 'no region configured',
    command: ['ec2', 'describe-instances', '--profile', 'iam-admin'],
    as: 'no-region',
    aws: {
      exit: { v1: 255, v2: 253 },
      stderr:
        '/You must specify a region\\. You can also configure your region by running "aws configure"\\./',
      event: null,
    },
    source: 'aws/aws-cli#1194; cli-usage-returncodes (253: v2 configuration error)',
    verdict: 'match',
  },
  {
    id: 'describe-skew-20',
    lab: 'day42',
    step: 'denied-ec2',
    mistake: 'clock 20 minutes fast',
    command: ['ec2', 'describe-instances', '--profile', 'iam-admin'],
    as: 'iam-admin',
    skewMinutes: 20,
    aws: {
      exit: SERVICE_EXIT,
      code: 'RequestExpired',
      message: 'Request has expired.',
      status: 400,
    },
    source:
      'EC2 API Reference, Common client errors: RequestExpired (more than 15 minutes either way); hellofresh/eks-rolling-update#103',
    verdict: 'match',
  },
  {
    id: 'describe-mistyped-region',
    lab: 'day42',
    step: 'denied-ec2',
    mistake: 'mistyped region',
    command: ['ec2', 'describe-instances', '--profile', 'iam-admin', '--region', 'ap-southest-2'],
    as: 'iam-admin',
    aws: {
      exit: { v1: 255, v2: 255 },
      stderr:
        '/Could not connect to the endpoint URL: "https:\\/\\/ec2\\.ap-southest-2\\.amazonaws\\.com\\/"/',
      event: null,
    },
    source: 'cloudavail/aws-missing-tools#97 (the same failure for ap-southeast-1a)',
    verdict: 'differs',
    why: "With --endpoint-url (or AWS_ENDPOINT_URL) the CLI never resolves the regional host name, so every region reaches the sandbox; the sandbox answers an unknown region itself (issue 11, owned by the S3/EC2 work), not with the CLI's connection error.",
  },
  // ── cleanup ───────────────────────────────────────────────────────────────────────────────
  {
    id: 'list-keys',
    lab: 'day42',
    step: 'cleanup',
    command: ['iam', 'list-access-keys', '--user-name', 'iam-admin'],
    as: 'sandbox-admin',
    aws: {
      exit: { v1: 0, v2: 0 },
      json: {
        'AccessKeyMetadata[].AccessKeyId': '/^AKIA[A-Z0-9]{16}$/',
        'AccessKeyMetadata[].Status': '/^(Active|Inactive)$/',
        'AccessKeyMetadata[].CreateDate': WHOLE_SECONDS,
      },
      event: { eventName: 'ListAccessKeys', eventSource: IAM, region: EAST },
    },
    source: 'aws-cli awscli/examples/iam/list-access-keys.rst',
    verdict: 'match',
  },
  {
    id: 'deactivate-key',
    lab: 'day42',
    step: 'cleanup',
    command: [
      'iam',
      'update-access-key',
      '--user-name',
      '{CLEANUP_USER}',
      '--access-key-id',
      '{KEY_TO_DEACTIVATE}',
      '--status',
      'Inactive',
    ],
    as: 'sandbox-admin',
    aws: {
      exit: { v1: 0, v2: 0 },
      event: { eventName: 'UpdateAccessKey', eventSource: IAM, region: EAST },
    },
    source: 'aws-cli awscli/examples/iam/update-access-key.rst (no output)',
    verdict: 'match',
  },
  {
    id: 'delete-active-key',
    lab: 'day42',
    step: 'cleanup',
    mistake: 'deleting without deactivating first',
    command: [
      'iam',
      'delete-access-key',
      '--user-name',
      '{CLEANUP_USER}',
      '--access-key-id',
      '{KEY_TO_DELETE}',
    ],
    as: 'sandbox-admin',
    aws: {
      exit: { v1: 0, v2: 0 },
      event: { eventName: 'DeleteAccessKey', eventSource: IAM, region: EAST },
    },
    source:
      'IAM API Reference DeleteAccessKey (no status precondition); aws-cli examples/iam/delete-access-key.rst',
    verdict: 'match',
  },
  {
    id: 'delete-deleted-key',
    lab: 'day42',
    step: 'cleanup',
    mistake: 'deleting a key twice',
    command: [
      'iam',
      'delete-access-key',
      '--user-name',
      '{CLEANUP_USER}',
      '--access-key-id',
      '{GONE_KEY}',
    ],
    as: 'sandbox-admin',
    aws: {
      exit: SERVICE_EXIT,
      code: 'NoSuchEntity',
      message: '/^The Access Key with id AKIA[A-Z0-9]{16} cannot be found\\.?$/',
      status: 404,
      event: {
        eventName: 'DeleteAccessKey',
        eventSource: IAM,
        region: EAST,
        errorCode: 'NoSuchEntityException',
      },
    },
    source: 'IAM API Reference DeleteAccessKey, Errors: NoSuchEntity 404',
    verdict: 'unverified',
    why: 'Third-party quotes end the message with a period; moto (and so the sandbox) does not. The code, status and exit match.',
  },
  // ── anywhere ──────────────────────────────────────────────────────────────────────────────
  {
    id: 'no-sign-request',
    lab: 'day42',
    step: 'configure',
    mistake: 'no credentials (--no-sign-request)',
    command: ['sts', 'get-caller-identity', '--no-sign-request'],
    as: 'sandbox-admin',
    aws: {
      exit: SERVICE_EXIT,
      code: 'MissingAuthenticationToken',
      message: 'Request is missing Authentication Token',
      status: 403,
    },
    source:
      'aws/aws-sdk-php#3246 (STS GetCallerIdentity answers MissingAuthenticationToken without credentials); the body as STS sends it, recorded from https://sts.amazonaws.com in public test fixtures (<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>MissingAuthenticationToken</Code><Message>Request is missing Authentication Token</Message></Error>, HTTP 403), and a live recording of the same query-protocol answer from SNS ("Recorded live: … HTTP 403 … MissingAuthenticationToken … Request is missing Authentication Token"); named since the audit of 2026-12-07: the STS body with HTTP/1.1 403 Forbidden in amzn/selling-partner-api-docs#3081 (<Code>MissingAuthenticationToken</Code><Message>Request is missing Authentication Token</Message>)',
    verdict: 'match',
  },
  {
    id: 'lookup-events-regional',
    lab: 'day42',
    step: 'list-users',
    mistake: 'looking up IAM events outside us-east-1',
    command: [
      'cloudtrail',
      'lookup-events',
      '--region',
      SYDNEY,
      '--lookup-attributes',
      'AttributeKey=EventName,AttributeValue=CreateUser',
    ],
    as: 'sandbox-admin',
    aws: { exit: { v1: 0, v2: 0 }, json: { 'Events[].EventName': '/^(?!CreateUser$)/' } },
    source:
      'The AWS notice quoted in SummitRoute/aws_breaking_changes#51: "Beginning November 22, 2021 … CloudTrail\'s Lookup service within each region will only show global service events in us-east-1, as CloudFront, IAM, SignIn, and STS events occur in that region"; CloudTrail User Guide, update-trail ("events created by … IAM … are recorded in the Region in which they were created, the US East (N. Virginia) Region … the aws cloudtrail lookup-events command will show these events in the AWS Region where they occurred")',
    verdict: 'match',
  },
  // ── s3-basics ─────────────────────────────────────────────────────────────────────────────
  {
    id: 's3-mb-sydney',
    lab: 's3-basics',
    step: 'create-bucket',
    command: ['s3', 'mb', 's3://{NEW_BUCKET}', '--region', SYDNEY],
    as: 'sandbox-admin',
    aws: {
      exit: { v1: 0, v2: 0 },
      event: { eventName: 'CreateBucket', eventSource: S3, region: SYDNEY },
    },
    source:
      'The exit code: cli-usage-returncodes (0 on success); the event: CreateBucket is a management event (S3 User Guide, "Logging Amazon S3 API calls using AWS CloudTrail": bucket-level actions are management events) and "for most services, events are recorded in the region where the action occurred" (the AWS CloudTrail notice quoted in SummitRoute/aws_breaking_changes#51). Was: aws-cli examples/s3/mb.rst, whose output line (make_bucket: s3://mybucket) the CLI does not print',
    verdict: 'match',
  },
  {
    id: 's3-create-bucket-no-constraint',
    lab: 's3-basics',
    step: 'create-bucket',
    mistake: 's3api create-bucket in Sydney without LocationConstraint',
    command: ['s3api', 'create-bucket', '--bucket', '{NEW_BUCKET}-x', '--region', SYDNEY],
    as: 'sandbox-admin',
    aws: {
      exit: SERVICE_EXIT,
      code: 'IllegalLocationConstraintException',
      message:
        'The unspecified location constraint is incompatible for the region specific endpoint this request was sent to.',
      status: 400,
    },
    source:
      'ceph/s3-tests (a fails_on_aws note quoting the AWS answer); awsdocs/aws-doc-sdk-examples C++ create_bucket comment; S3 API Reference CreateBucket',
    verdict: 'match',
  },
  {
    id: 's3-get-public-access-block',
    lab: 's3-basics',
    step: 'try-public',
    command: ['s3api', 'get-public-access-block', '--bucket', '{FULL_BUCKET}'],
    as: 'sandbox-admin',
    aws: {
      exit: { v1: 0, v2: 0 },
      json: {
        'PublicAccessBlockConfiguration.BlockPublicAcls': '/^true$/',
        'PublicAccessBlockConfiguration.BlockPublicPolicy': '/^true$/',
        'PublicAccessBlockConfiguration.IgnorePublicAcls': '/^true$/',
        'PublicAccessBlockConfiguration.RestrictPublicBuckets': '/^true$/',
      },
    },
    source:
      'S3 User Guide "Blocking public access to your Amazon S3 storage": new buckets have Block Public Access on by default (since April 2023)',
    verdict: 'match',
  },
  {
    id: 's3-bucket-other-region',
    lab: 's3-basics',
    step: 'try-public',
    mistake: 'a Sydney bucket from a profile whose region is us-east-1 (no --region)',
    command: ['s3api', 'get-public-access-block', '--bucket', '{SYD_BUCKET}'],
    as: 'sandbox-admin',
    aws: {
      exit: { v1: 0, v2: 0 },
      json: { 'PublicAccessBlockConfiguration.BlockPublicPolicy': '/^true$/' },
      event: { eventName: 'GetPublicAccessBlock', eventSource: S3, region: SYDNEY },
    },
    source:
      'S3 answers a bucket of another region 301 PermanentRedirect with x-amz-bucket-region (captured in yanganto/s3rs#18); botocore\'s S3RegionRedirectorv2 (utils.py, both CLIs) re-signs the call for that region and sends it again, so it succeeds and its event is in the bucket\'s region (S3 User Guide, "Amazon S3 CloudTrail events")',
    verdict: 'match',
  },
  {
    id: 's3-public-policy-blocked',
    lab: 's3-basics',
    step: 'try-public',
    command: [
      's3api',
      'put-bucket-policy',
      '--bucket',
      '{FULL_BUCKET}',
      '--policy',
      '{PUBLIC_POLICY}',
    ],
    as: 'sandbox-admin',
    aws: {
      exit: SERVICE_EXIT,
      code: 'AccessDenied',
      message:
        '/^User: arn:aws:iam::\\d{12}:user/\\S+ is not authorized to perform: s3:PutBucketPolicy on resource: "arn:aws:s3:::fid-full-v[12]" because public policies are blocked by the BlockPublicPolicy block public access setting\\.$/',
      status: 403,
      event: {
        eventName: 'PutBucketPolicy',
        eventSource: S3,
        region: EAST,
        errorCode: 'AccessDenied',
      },
    },
    source:
      'CLI and Terraform captures in public repositories ("… because public policies are blocked by the BlockPublicPolicy block public access setting.")',
    verdict: 'match',
  },
  {
    id: 's3-rb-not-empty',
    lab: 's3-basics',
    step: 'delete-bucket',
    mistake: 'rb of a bucket that still has objects',
    command: ['s3', 'rb', 's3://{FULL_BUCKET}'],
    as: 'sandbox-admin',
    aws: {
      exit: { v1: 1, v2: 1 },
      stderr:
        '/remove_bucket failed: s3://fid-full-v[12] An error occurred \\(BucketNotEmpty\\) when calling the DeleteBucket operation: The bucket you tried to delete is not empty/',
    },
    source:
      'S3 API Reference, Error responses: BucketNotEmpty (409) "The bucket you tried to delete is not empty"; aws s3 commands exit 1 on a failed transfer/removal (cli-usage-returncodes)',
    verdict: 'match',
  },
  {
    id: 's3-ls-no-rights',
    lab: 's3-basics',
    step: 'create-bucket',
    mistake: 'an identity without S3 permissions',
    command: ['s3', 'ls', '--profile', 'lab-ec2-intern'],
    as: 'no-rights',
    aws: {
      exit: SERVICE_EXIT,
      code: 'AccessDenied',
      message:
        '/^User: arn:aws:iam::\\d{12}:user/lab-ec2-intern is not authorized to perform: s3:ListAllMyBuckets because no identity-based policy allows the s3:ListAllMyBuckets action$/',
      status: 403,
    },
    source:
      'S3 User Guide "Troubleshoot access denied (403 Forbidden) errors" (same-account context); captured `aws s3 ls` output in public repositories',
    verdict: 'match',
  },
  // ── ec2-first-instance ────────────────────────────────────────────────────────────────────
  {
    id: 'ec2-create-key-pair',
    lab: 'ec2-first-instance',
    step: 'create-key-pair',
    command: ['ec2', 'create-key-pair', '--key-name', '{NEW_KEY_PAIR}'],
    as: 'sandbox-admin',
    aws: {
      exit: { v1: 0, v2: 0 },
      json: {
        KeyName: '/^fid-kp-v[12]$/',
        KeyMaterial: '/^-----BEGIN RSA PRIVATE KEY-----/',
        KeyPairId: '/^key-[0-9a-f]{17}$/',
      },
      event: { eventName: 'CreateKeyPair', eventSource: EC2, region: EAST },
    },
    source: 'aws-cli awscli/examples/ec2/create-key-pair.rst; EC2 API Reference CreateKeyPair',
    verdict: 'match',
  },
  {
    id: 'ec2-create-security-group',
    lab: 'ec2-first-instance',
    step: 'ssh-group',
    command: [
      'ec2',
      'create-security-group',
      '--group-name',
      '{NEW_GROUP}',
      '--description',
      'SSH from one address',
    ],
    as: 'sandbox-admin',
    aws: {
      exit: { v1: 0, v2: 0 },
      json: { GroupId: '/^sg-[0-9a-f]{17}$/' },
      event: { eventName: 'CreateSecurityGroup', eventSource: EC2, region: EAST },
    },
    source: 'aws-cli awscli/examples/ec2/create-security-group.rst',
    verdict: 'match',
  },
  {
    id: 'ec2-authorize-ssh',
    lab: 'ec2-first-instance',
    step: 'ssh-group',
    command: [
      'ec2',
      'authorize-security-group-ingress',
      '--group-id',
      '{SSH_GROUP_ID}',
      '--protocol',
      'tcp',
      '--port',
      '22',
      '--cidr',
      '203.0.113.10/32',
    ],
    as: 'sandbox-admin',
    aws: {
      exit: { v1: 0, v2: 0 },
      json: {
        Return: '/^true$/',
        'SecurityGroupRules[].GroupOwnerId': '/^\\d{12}$/',
        'SecurityGroupRules[].IsEgress': '/^false$/',
        'SecurityGroupRules[].CidrIpv4': '/^203\\.0\\.113\\.10\\/32$/',
      },
      event: {
        eventName: 'AuthorizeSecurityGroupIngress',
        eventSource: EC2,
        region: EAST,
        paths: {
          'requestParameters.groupId': '/^sg-[0-9a-f]{17}$/',
        },
      },
    },
    source:
      'aws-cli awscli/examples/ec2/authorize-security-group-ingress.rst (Example 1: Return, SecurityGroupRules with GroupOwnerId and no Tags); the event: a captured AuthorizeSecurityGroupIngress record (DataDog/stratus-red-team, docs/attack-techniques/AWS/aws.exfiltration.ec2-security-group-open-port-22-ingress.md: eventSource ec2.amazonaws.com, requestParameters.groupId, readOnly false). How CloudTrail nests the CLI\'s --port/--cidr rule inside requestParameters.ipPermissions is not claimed here: that record was made with the rule as top-level parameters (cidrIp, fromPort), and no captured record of an IpPermissions call was found (the audit of 2026-12-07 found the previously cited "public alerting Lambda" named nothing); the sandbox records the rule nested, as CloudTrail nests EC2 lists (docs/gateway.md)',
    verdict: 'match',
  },
  {
    id: 'ec2-run-instances',
    lab: 'ec2-first-instance',
    step: 'launch',
    command: ['ec2', 'run-instances', '--image-id', AL2023, '--instance-type', 't3.micro'],
    as: 'sandbox-admin',
    aws: {
      exit: { v1: 0, v2: 0 },
      json: {
        'Instances[].InstanceId': '/^i-[0-9a-f]{17}$/',
        'Instances[].ImageId': '/^ami-[0-9a-f]{17}$/',
        'Instances[].InstanceType': '/^t3\\.micro$/',
        'Instances[].State.Name': '/^pending$/',
      },
      event: {
        eventName: 'RunInstances',
        eventSource: EC2,
        region: EAST,
        fields: {
          requestParameters: {
            instancesSet: { items: [{ imageId: AL2023, minCount: 1, maxCount: 1 }] },
            instanceType: 't3.micro',
          },
        },
      },
    },
    source:
      'aws-cli awscli/examples/ec2/run-instances.rst (State pending); EC2 User Guide "Use a Systems Manager parameter instead of an AMI ID" (resolve:ssm:); RunInstances requestParameters nested as in captured records (DataDog/stratus-red-team aws.execution.ec2-launch-unusual-instances.md; GorillaStack/auto-tag sample_ec2_runinstances_event.js)',
    verdict: 'match',
  },
  {
    id: 'ec2-run-instances-no-key',
    lab: 'ec2-first-instance',
    step: 'launch',
    mistake: 'a key pair name that does not exist',
    command: [
      'ec2',
      'run-instances',
      '--image-id',
      AL2023,
      '--instance-type',
      't3.micro',
      '--key-name',
      'lab-ec2-kee',
    ],
    as: 'sandbox-admin',
    aws: {
      exit: SERVICE_EXIT,
      code: 'InvalidKeyPair.NotFound',
      message: "The key pair 'lab-ec2-kee' does not exist",
      status: 400,
    },
    source:
      'EC2 API Reference, Error codes: InvalidKeyPair.NotFound; RunInstances\' answer quoted in hashicorp/vault-guides#260 ("InvalidKeyPair.NotFound: The key pair \'learn-vault-key\' does not exist status code: 400") and ttlequals0/autovpn#21 (the XML body). Was: "CLI output quoted in public repositories", unnamed (audit 2026-12-07)',
    verdict: 'match',
  },
  {
    id: 'ec2-run-instances-denied',
    lab: 'ec2-first-instance',
    step: 'denied-launch',
    command: [
      'ec2',
      'run-instances',
      '--image-id',
      AL2023,
      '--instance-type',
      't3.micro',
      '--profile',
      'lab-ec2-intern',
    ],
    as: 'no-rights',
    aws: {
      exit: SERVICE_EXIT,
      code: 'UnauthorizedOperation',
      message:
        '/^You are not authorized to perform this operation\\. User: arn:aws:iam::\\d{12}:user/lab-ec2-intern is not authorized to perform: ec2:RunInstances on resource: arn:aws:ec2:us-east-1:\\d{12}:instance/\\* because no identity-based policy allows the ec2:RunInstances action\\. Encoded authorization failure message: [A-Za-z0-9_-]+$/',
      status: 403,
    },
    source:
      'repost.aws knowledge-center/ec2-not-auth-launch; CloudTrail capture in DataDog/stratus-red-team (aws.execution.ec2-launch-unusual-instances)',
    verdict: 'match',
  },
  {
    id: 'sts-decode-garbage',
    lab: 'ec2-first-instance',
    step: 'denied-launch',
    mistake: 'a truncated encoded message',
    command: ['sts', 'decode-authorization-message', '--encoded-message', 'bm90LWEtbWVzc2FnZQ'],
    as: 'sandbox-admin',
    aws: {
      exit: SERVICE_EXIT,
      code: 'InvalidAuthorizationMessageException',
      status: 400,
    },
    source:
      'botocore sts model: DecodeAuthorizationMessage errors InvalidAuthorizationMessageException (400)',
    verdict: 'unverified',
    why: "The code and status are the model's; AWS's message text for it is not published, so the sandbox's own is not compared.",
  },
  {
    id: 'ec2-mistyped-region',
    lab: 'ec2-first-instance',
    step: 'inspect',
    mistake: 'mistyped region (--region ap-southest-2)',
    command: ['ec2', 'describe-instances', '--region', 'ap-southest-2'],
    as: 'sandbox-admin',
    aws: {
      exit: { v1: 255, v2: 255 },
      stderr:
        '/Could not connect to the endpoint URL: "https:\\/\\/ec2\\.ap-southest-2\\.amazonaws\\.com\\/"/',
      event: null,
    },
    source:
      'botocore EndpointConnectionError; cloudavail/aws-missing-tools#97 (the same line for a mistyped region); cli-usage-returncodes (255)',
    verdict: 'differs',
    why: 'On AWS nothing is sent (the host does not resolve). The sandbox endpoint does receive the request; the gateway answers at once with the same text as a 400 EndpointConnectionError, so the CLI prefixes "An error occurred (EndpointConnectionError) …" and v2 exits 254. No retries, no event.',
  },
  // ── iam-groups ────────────────────────────────────────────────────────────────────────────
  {
    id: 'groups-member-reads',
    lab: 'iam-groups',
    step: 'prove-rights',
    command: ['iam', 'list-users', '--profile', 'lab-reader'],
    as: 'group-member',
    aws: {
      exit: { v1: 0, v2: 0 },
      json: { 'Users[].UserId': USER_ID },
      event: {
        eventName: 'ListUsers',
        eventSource: IAM,
        region: EAST,
        paths: { 'userIdentity.arn': '/^arn:aws:iam::\\d{12}:user\\/lab-reader$/' },
      },
    },
    source:
      'IAM User Guide id_groups ("users in the group automatically have the permissions that are assigned to the group"); aws-cli awscli/examples/iam/list-users.rst',
    verdict: 'match',
  },
  {
    id: 'groups-member-denied',
    lab: 'iam-groups',
    step: 'prove-rights',
    command: ['iam', 'create-group', '--group-name', 'not-allowed', '--profile', 'lab-reader'],
    as: 'group-member',
    aws: {
      exit: SERVICE_EXIT,
      code: 'AccessDenied',
      message:
        '/^User: arn:aws:iam::\\d{12}:user\\/lab-reader is not authorized to perform: iam:CreateGroup on resource: arn:aws:iam::\\d{12}:group\\/not-allowed because no identity-based policy allows the iam:CreateGroup action$/',
      status: 403,
      event: {
        eventName: 'CreateGroup',
        eventSource: IAM,
        region: EAST,
        errorCode: 'AccessDenied',
      },
    },
    source:
      'aws-wire.md (IAM AccessDenied: the caller, the action, the resource ARN, "because no identity-based policy allows"); ReadOnlyAccess grants no iam:Create*',
    verdict: 'match',
  },
  {
    id: 'groups-delete-user-with-key',
    lab: 'iam-groups',
    step: 'tear-down',
    mistake: 'deleting a user that still has an access key',
    command: ['iam', 'delete-user', '--user-name', '{KEYED_USER}'],
    as: 'sandbox-admin',
    aws: {
      exit: SERVICE_EXIT,
      code: 'DeleteConflict',
      message: 'Cannot delete entity, must delete access keys first.',
      status: 409,
      event: {
        eventName: 'DeleteUser',
        eventSource: IAM,
        region: EAST,
        errorCode: 'DeleteConflictException',
      },
    },
    source: DELETE_CONFLICT_SOURCE,
    verdict: 'match',
  },
  {
    id: 'groups-delete-user-in-group',
    lab: 'iam-groups',
    step: 'tear-down',
    mistake: 'deleting a user that is still in a group',
    command: ['iam', 'delete-user', '--user-name', '{MEMBER_USER}'],
    as: 'sandbox-admin',
    aws: {
      exit: SERVICE_EXIT,
      code: 'DeleteConflict',
      message: 'Cannot delete entity, must remove users from group first.',
      status: 409,
      event: {
        eventName: 'DeleteUser',
        eventSource: IAM,
        region: EAST,
        errorCode: 'DeleteConflictException',
      },
    },
    source: DELETE_CONFLICT_SOURCE,
    verdict: 'match',
  },
  {
    id: 'groups-delete-group-with-members',
    lab: 'iam-groups',
    step: 'tear-down',
    mistake: 'deleting a group that still has members (and a policy)',
    command: ['iam', 'delete-group', '--group-name', '{FULL_GROUP}'],
    as: 'sandbox-admin',
    aws: {
      exit: SERVICE_EXIT,
      code: 'DeleteConflict',
      message: 'Cannot delete entity, must remove users from group first.',
      status: 409,
      event: {
        eventName: 'DeleteGroup',
        eventSource: IAM,
        region: EAST,
        errorCode: 'DeleteConflictException',
      },
    },
    source: DELETE_CONFLICT_SOURCE,
    verdict: 'match',
  },
  {
    id: 'groups-delete-group-with-policy',
    lab: 'iam-groups',
    step: 'tear-down',
    mistake: 'deleting a group that still has a managed policy attached',
    command: ['iam', 'delete-group', '--group-name', '{POLICY_GROUP}'],
    as: 'sandbox-admin',
    aws: {
      exit: SERVICE_EXIT,
      code: 'DeleteConflict',
      message: 'Cannot delete entity, must detach all policies first.',
      status: 409,
      event: {
        eventName: 'DeleteGroup',
        eventSource: IAM,
        region: EAST,
        errorCode: 'DeleteConflictException',
      },
    },
    source: DELETE_CONFLICT_SOURCE,
    verdict: 'match',
  },
  // ── iam-roles ─────────────────────────────────────────────────────────────────────────────
  {
    id: 'roles-create-role',
    lab: 'iam-roles',
    step: 'create-role',
    command: [
      'iam',
      'create-role',
      '--role-name',
      '{NEW_ROLE}',
      '--assume-role-policy-document',
      '{TRUST}',
    ],
    as: 'sandbox-admin',
    aws: {
      exit: { v1: 0, v2: 0 },
      json: {
        'Role.RoleId': '/^AROA[A-Z2-7]{17}$/',
        'Role.Arn': '/^arn:aws:iam::\\d{12}:role\\/fid-new-role-v[12]$/',
        'Role.CreateDate': WHOLE_SECONDS,
      },
      event: { eventName: 'CreateRole', eventSource: IAM, region: EAST },
    },
    source:
      'aws-cli awscli/examples/iam/create-role.rst (RoleId AROA…, whole-second CreateDate); IAM identifiers (AROA)',
    verdict: 'match',
  },
  {
    id: 'roles-attach-policy',
    lab: 'iam-roles',
    step: 'attach-policy',
    command: [
      'iam',
      'attach-role-policy',
      '--role-name',
      '{PLAIN_ROLE}',
      '--policy-arn',
      'arn:aws:iam::aws:policy/ReadOnlyAccess',
    ],
    as: 'sandbox-admin',
    aws: {
      exit: { v1: 0, v2: 0 },
      event: {
        eventName: 'AttachRolePolicy',
        eventSource: IAM,
        region: EAST,
        fields: { readOnly: false },
      },
    },
    source: 'aws-cli awscli/examples/iam/attach-role-policy.rst (no output)',
    verdict: 'match',
  },
  {
    id: 'roles-delete-role-attached',
    lab: 'iam-roles',
    step: 'remove-role',
    mistake: 'deleting the role before detaching its policy',
    command: ['iam', 'delete-role', '--role-name', '{ATTACHED_ROLE}'],
    as: 'sandbox-admin',
    aws: {
      exit: SERVICE_EXIT,
      code: 'DeleteConflict',
      message: 'Cannot delete entity, must detach all policies first.',
      status: 409,
      event: {
        eventName: 'DeleteRole',
        eventSource: IAM,
        region: EAST,
        errorCode: 'DeleteConflictException',
      },
    },
    source:
      'IAM API Reference DeleteRole, Errors: DeleteConflict 409 ("remove the attached items first"); the message as AWS answers it for an attached policy (see the DeleteGroup row)',
    verdict: 'match',
  },
  {
    id: 'roles-assume-via-profile',
    lab: 'iam-roles',
    step: 'assume-role',
    command: ['sts', 'get-caller-identity', '--profile', 'lab-viewer'],
    as: 'role-session',
    aws: {
      exit: { v1: 0, v2: 0 },
      json: { UserId: SESSION_ID, Arn: SESSION_ARN },
      event: {
        eventName: 'AssumeRole',
        eventSource: 'sts.amazonaws.com',
        region: EAST,
        paths: {
          'userIdentity.type': '/^IAMUser$/',
          'requestParameters.roleArn': '/^arn:aws:iam::\\d{12}:role\\/lab-viewer$/',
          'requestParameters.roleSessionName': '/^botocore-session-\\d+$/',
          'responseElements.credentials.accessKeyId': '/^ASIA[A-Z0-9]{16}$/',
          'responseElements.credentials.sessionToken': '/^\\S{16,}$/',
          'responseElements.credentials.expiration': JAVA_DATE,
          'responseElements.assumedRoleUser.assumedRoleId': SESSION_ID,
          'responseElements.assumedRoleUser.arn': SESSION_ARN,
          'resources[].ARN': '/^arn:aws:iam::\\d{12}:role\\/lab-viewer$/',
          'resources[].type': '/^AWS::IAM::Role$/',
        },
      },
    },
    source: `${ROLE_PROFILE_SOURCE}; the AssumeRole record (credentials without the secret, expiration as a Java date, assumedRoleUser): IAM User Guide "Logging IAM and AWS STS API calls with AWS CloudTrail", AssumeRole examples`,
    verdict: 'match',
  },
  {
    id: 'roles-whoami',
    lab: 'iam-roles',
    step: 'assume-role',
    command: ['sts', 'get-caller-identity', '--profile', 'lab-viewer'],
    as: 'role-session',
    aws: {
      exit: { v1: 0, v2: 0 },
      json: { UserId: SESSION_ID, Account: '/^\\d{12}$/', Arn: SESSION_ARN },
      event: {
        eventName: 'GetCallerIdentity',
        eventSource: 'sts.amazonaws.com',
        region: EAST,
        paths: {
          'userIdentity.type': '/^AssumedRole$/',
          'userIdentity.principalId': SESSION_ID,
          'userIdentity.arn': SESSION_ARN,
          'userIdentity.accessKeyId': '/^ASIA[A-Z0-9]{16}$/',
          'userIdentity.sessionContext.sessionIssuer.type': '/^Role$/',
          'userIdentity.sessionContext.sessionIssuer.principalId': '/^AROA[A-Z2-7]{17}$/',
          'userIdentity.sessionContext.sessionIssuer.arn':
            '/^arn:aws:iam::\\d{12}:role\\/lab-viewer$/',
          'userIdentity.sessionContext.sessionIssuer.userName': '/^lab-viewer$/',
          'userIdentity.sessionContext.attributes.creationDate':
            '/^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ$/',
        },
      },
    },
    source: `${ROLE_PROFILE_SOURCE}; CloudTrail userIdentity element reference, "userIdentity with temporary security credentials" (type AssumedRole, principalId AROA…:session, sessionContext with the issuing role and creationDate)`,
    verdict: 'match',
  },
  {
    id: 'roles-session-reads',
    lab: 'iam-roles',
    step: 'session-limits',
    command: ['iam', 'list-roles', '--profile', 'lab-viewer'],
    as: 'role-session',
    aws: {
      exit: { v1: 0, v2: 0 },
      json: { 'Roles[].RoleId': '/^AROA[A-Z2-7]{17}$/' },
      event: {
        eventName: 'ListRoles',
        eventSource: IAM,
        region: EAST,
        paths: { 'userIdentity.type': '/^AssumedRole$/', 'userIdentity.arn': SESSION_ARN },
      },
    },
    source: `aws-cli awscli/examples/iam/list-roles.rst (RoleId AROA…); ReadOnlyAccess allows iam:List*`,
    verdict: 'match',
  },
  {
    id: 'roles-session-denied',
    lab: 'iam-roles',
    step: 'session-limits',
    command: ['iam', 'create-user', '--user-name', 'not-allowed', '--profile', 'lab-viewer'],
    as: 'role-session',
    aws: {
      exit: SERVICE_EXIT,
      code: 'AccessDenied',
      message:
        '/^User: arn:aws:sts::\\d{12}:assumed-role\\/lab-viewer\\/botocore-session-\\d+ is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::\\d{12}:user\\/not-allowed because no identity-based policy allows the iam:CreateUser action$/',
      status: 403,
      event: {
        eventName: 'CreateUser',
        eventSource: IAM,
        region: EAST,
        errorCode: 'AccessDenied',
        paths: { 'userIdentity.type': '/^AssumedRole$/' },
      },
    },
    source:
      'denials of a role session name the session and the resource with its account id: uswitch/kiam#33 ("User: arn:aws:sts::034324643013:assumed-role/… is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::034324643013:role/…"), aws-wire.md (the "because no identity-based policy allows" ending)',
    verdict: 'match',
  },
  ...STATE_RULE_ROWS,
  ...IAM_NEXT_ROWS,
  ...S3_EC2_NEXT_ROWS,
  ...AUDIT2_ROWS,
];
