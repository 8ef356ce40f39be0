// The second independent audit of the fidelity table (issue 18), rendered into docs/fidelity.md
// by render.ts with the first (audit.ts). Kept as data so the counts in the doc are computed.
import type { Audit } from './audit.ts';

export const AUDIT_2: Audit = {
  date: '2026-12-07 (second)',
  method:
    'Rows were picked from the 163 rows present when this audit began, leaving out the 16 the first audit sampled and the 7 rows the auditor (fid2) had written or changed before it (roles-assume-role-typo, ec2-authorize-ssh, ec2-authorize-ssh-again, ec2-authorize-no-mask, s3-mb-invalid-name, s3-create-bucket-uppercase, create-key-typo; two of them the first audit had sampled): 142 rows, shuffled with mulberry32(20261208), Fisher-Yates over them in table order, the first 16 taken. Each named source was re-read (aws-cli examples and botocore models from the installed packages, GitHub threads and AWS pages through the search index); "confirmed" means a source the row names says what the row claims, and a row whose source names nothing one can re-read is not confirmed even when the claim is true. The 38 behaviours were walked by hand against a sandbox set up as the five labs leave it (iam-admin with a key, the group lab-readers with lab-reader, the role lab-viewer, a key pair, the ssh group with its rule, a running instance, a bucket with hello.txt) with CLI v1, the differences again with v2, each compared with the AWS answer a named source gives; a behaviour no source settles is "unverifiable". Counts "after" leave the unverifiable out, as the first audit did.',
  sampled: [
    {
      id: 's3-anonymous-public-read',
      confirmed: true,
      note: 'S3 User Guide bucket policy examples, "Granting read-only permission to an anonymous user" (Principal "*", s3:GetObject); Block Public Access overrides public policies (the AWS Config rule s3-bucket-public-read-prohibited describes the same evaluation).',
    },
    {
      id: 'roles-assume-via-profile',
      confirmed: true,
      note: 'AWS CLI User Guide, "Using an IAM role in the AWS CLI" (role_arn + source_profile; role session name section); the session name botocore-session-<epoch> is botocore\'s (botocore/credentials.py: f"botocore-session-{int(time.time())}").',
    },
    {
      id: 'groups-add-user-typo-user',
      confirmed: true,
      note: 'botocore iam model: AddUserToGroup errors NoSuchEntityException (NoSuchEntity, 404).',
    },
    {
      id: 's3-ls-bucket',
      confirmed: true,
      note: 'aws-cli examples s3/ls.rst; object listings are data events, not in event history.',
    },
    {
      id: 'groups-list-attached',
      confirmed: true,
      note: 'aws-cli examples iam/list-attached-group-policies.rst shows AttachedPolicies[].PolicyArn arn:aws:iam::aws:policy/….',
    },
    {
      id: 'list-users-deleted',
      confirmed: false,
      sourceFixed: true,
      note: 'IAM Common Errors gives InvalidClientTokenId and 403 but not the message the row claims; the message is the one STS/IAM send ("The security token included in the request is invalid.", jrl84/amazon-sp-api#218 with the period). Source completed.',
    },
    {
      id: 'ec2-stop-terminated',
      confirmed: false,
      note: 'The text ("This instance \'i-…\' is not in a state from which it can be stopped.", errorCode Client.IncorrectInstanceState) is in captured records the index holds, but the row cites "a stratus-red-team run quoted in a public repository", which names no repository; the EC2 User Guide part backs the refusal, not the text. Left as is, listed here.',
    },
    {
      id: 'd42-get-user',
      confirmed: true,
      note: 'aws-cli examples iam/get-user.rst: UserId AIDA…, Arn arn:aws:iam::123456789012:user/Paulo.',
    },
    {
      id: 's3-ls-no-rights',
      confirmed: false,
      note: 'The text is right (several captures of `aws s3 ls` give "… is not authorized to perform: s3:ListAllMyBuckets because no identity-based policy allows the s3:ListAllMyBuckets action"), and the S3 troubleshooting page gives the form, but the row cites "captured aws s3 ls output in public repositories", naming none. Left as is, listed here.',
    },
    {
      id: 'ec2-start-stopped',
      confirmed: true,
      note: 'aws-cli examples ec2/start-instances.rst: CurrentState pending (0), PreviousState stopped (80).',
    },
    {
      id: 'ec2-run-instances',
      confirmed: true,
      note: "aws-cli examples ec2/run-instances.rst: State pending; the record's nested requestParameters as in the stratus-red-team launch record the row names.",
    },
    {
      id: 'd42-own-third-key',
      confirmed: true,
      note: "IAM API Reference CreateAccessKey: without UserName, IAM uses the signing key's user; the quota text as row create-key-third.",
    },
    {
      id: 'describe-inactive',
      confirmed: false,
      sourceFixed: true,
      note: 'The cited javaquery/Examples#4 and HummerRisk#418 could not be re-read through the index; aws/aws-sdk-java-v2#2981 has the exact XML (AuthFailure, "AWS was not able to validate the provided access credentials") and hashicorp/terraform#17273 the 401. Source completed.',
    },
    {
      id: 'roles-create-role-again',
      confirmed: true,
      note: 'garnaat/kappa#17 and Hassassistant/Haaska#5 quote "Role with name … already exists."; botocore model 409.',
    },
    {
      id: 'sts-decode-garbage',
      confirmed: true,
      note: 'An unverified row; what it does claim (InvalidAuthorizationMessageException, 400) is in the botocore sts model.',
    },
    {
      id: 's3-get-object-missing-key',
      confirmed: true,
      note: 'S3 API Reference, Error responses: NoSuchKey "The specified key does not exist." 404.',
    },
  ],
  walked: [
    {
      command: 'iam get-access-key-last-used (a key never used)',
      found: 'match',
      outcome: 'row d42-key-last-used-new',
    },
    {
      command: 'iam list-attached-user-policies --user-name iam-admn',
      found: 'match',
      outcome:
        'NoSuchEntity 404 "The user with name iam-admn cannot be found." (ansible/ansible#45593)',
    },
    { command: 'iam list-groups', found: 'match', outcome: 'row groups-list-groups' },
    {
      command: 'iam list-group-policies --group-name lab-readers',
      found: 'match',
      outcome: 'row groups-list-group-policies',
    },
    { command: 'iam list-roles', found: 'match', outcome: 'aws-cli examples iam/list-roles.rst' },
    {
      command: 'iam get-role --role-name lab-viewer (its trust policy)',
      found: 'match',
      outcome: 'row roles-get-trust-policy',
    },
    {
      command: 'sts assume-role … --role-session-name "my session"',
      found: 'match',
      outcome:
        'ValidationError "… at \'roleSessionName\' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*" from the botocore model, in the wording the request validation cites',
    },
    {
      command: 'sts assume-role … --duration-seconds 43200',
      found: 'differs',
      outcome:
        'the sandbox issued a 12-hour session; AWS: ValidationError "The requested DurationSeconds exceeds the MaxSessionDuration set for this role." (kreuzwerker/awsu#27). Fixed (sandbox/engine/sts_assume_role.py); row roles-assume-role-too-long',
      fixed: true,
    },
    {
      command: 'iam list-instance-profiles',
      found: 'match',
      outcome: 'an empty list (aws-cli examples iam/list-instance-profiles.rst)',
    },
    {
      command: 'ec2 describe-instances --filters Name=instance-state-name,Values=running',
      found: 'match',
      outcome: 'the running instance (aws-cli examples ec2/describe-instances.rst, state filter)',
    },
    {
      command: 'ec2 describe-security-groups --group-names lab-ec2-ssh',
      found: 'match',
      outcome: 'the group (aws-cli examples ec2/describe-security-groups.rst)',
    },
    {
      command: 'ec2 describe-security-groups --group-names lab-ec2-shh',
      found: 'differs',
      outcome:
        "the sandbox left out the default VPC; AWS: \"The security group 'gateway' does not exist in default VPC 'vpc-91bbv6f3'\" (aws/aws-cli#612). Fixed (sandbox/engine/ec2_ids.py); row ec2-describe-sg-name-typo",
      fixed: true,
    },
    {
      command: 'ec2 authorize-security-group-ingress … --protocol ssh',
      found: 'match',
      outcome: 'the CLI refuses it itself, before any request (same CLI, same text)',
    },
    {
      command: 'ec2 authorize-security-group-ingress --group-name lab-ec2-ssh …',
      found: 'match',
      outcome: 'Return true: a name works in the default VPC (EC2 API Reference, GroupName)',
    },
    {
      command: 'ec2 reboot-instances --instance-ids i-…',
      found: 'match',
      outcome: 'no output (aws-cli examples ec2/reboot-instances.rst)',
    },
    {
      command: 'ec2 describe-instance-status --instance-ids i-…',
      found: 'match',
      outcome: 'running (aws-cli examples ec2/describe-instance-status.rst)',
    },
    {
      command: 'ec2 terminate-instances --instance-ids i-123',
      found: 'match',
      outcome:
        'InvalidInstanceID.Malformed "Invalid id: \\"i-123\\"" (as row ec2-instance-id-malformed)',
    },
    {
      command: 'ec2 describe-images --image-ids ami-12345678',
      found: 'match',
      outcome:
        'InvalidAMIID.NotFound "The image id \'[ami-12345678]\' does not exist" (n8n-io/n8n-benchmarking#5, with the brackets)',
    },
    {
      command: 'ec2 describe-vpcs --filters Name=is-default,Values=true',
      found: 'match',
      outcome: 'one default VPC',
    },
    {
      command: 'ec2 stop-instances (an instance already stopped)',
      found: 'match',
      outcome:
        'PreviousState stopped, CurrentState stopped (sandbox/engine/ec2_lifecycle.py and its sources)',
    },
    {
      command: 'ec2 describe-instances --query …PublicIpAddress',
      found: 'match',
      outcome:
        'a public address: the default subnet maps one on launch (EC2 User Guide, default subnets)',
    },
    {
      command: 'aws s3 cp s3://…/hello.txt ./',
      found: 'match',
      outcome: 'download: … (aws-cli examples s3/cp.rst)',
    },
    {
      command: 'aws s3 ls s3://… --recursive',
      found: 'match',
      outcome: 'aws-cli examples s3/ls.rst',
    },
    {
      command: 'aws s3 rm s3://…/helo.txt (a key that is not there)',
      found: 'match',
      outcome:
        'delete: … and exit 0: S3 answers DeleteObject on a missing key with success (S3 API Reference, DeleteObject)',
    },
    {
      command: 'aws s3 cp hello.txt s3://… (no such local file)',
      found: 'match',
      outcome: 'the CLI refuses it itself ("The user-provided path … does not exist.")',
    },
    {
      command: 'aws s3 cp s3://…/helo.txt ./ (a key that is not there)',
      found: 'match',
      outcome:
        'fatal error: An error occurred (404) when calling the HeadObject operation: Key "helo.txt" does not exist; exit 1 (the CLI words a bodiless 404 itself)',
    },
    {
      command: 'aws s3 ls s3://…/nothing-here/',
      found: 'match',
      outcome: 'no output, exit 1 (the CLI decides from an empty listing)',
    },
    {
      command: 's3api get-bucket-policy-status (no policy)',
      found: 'differs',
      outcome:
        'the sandbox printed "PolicyStatus": {} (moto lacks the call); AWS: NoSuchBucketPolicy (turbot/steampipe-plugin-aws#1136). Fixed (sandbox/engine/s3_policy_status.py); row s3-get-policy-status-none',
      fixed: true,
    },
    {
      command: 's3api get-bucket-policy-status (a public-read policy)',
      found: 'differs',
      outcome:
        'the same empty answer; AWS: IsPublic true. Fixed by the same file; row s3-get-policy-status-public',
      fixed: true,
    },
    {
      command: 'cloudtrail lookup-events --lookup-attributes AttributeKey=Username,…',
      found: 'match',
      outcome: "the user's events (aws-cli examples cloudtrail/lookup-events.rst)",
    },
    {
      command: 'iam delete-access-key --access-key-id AKIAIOSFODNN7EXAMPLE',
      found: 'unverifiable',
      outcome:
        'NoSuchEntity 404 "The Access Key with id … cannot be found" without a final period; no named capture of AWS\'s sentence found (/work/shared/reference lists it unverified)',
    },
    {
      command: 'iam detach-user-policy (a policy the user does not have)',
      found: 'unverifiable',
      outcome: 'NoSuchEntity 404 "Policy … was not found."; no source gives AWS\'s text',
    },
    {
      command: 'iam remove-user-from-group (a user not in the group)',
      found: 'unverifiable',
      outcome:
        'NoSuchEntity "User iam-admin not in group lab-readers"; no source gives AWS\'s answer',
    },
    {
      command: 'iam attach-group-policy (already attached)',
      found: 'unverifiable',
      outcome: 'succeeds silently; no source says what IAM answers',
    },
    {
      command: 'ec2 revoke-security-group-ingress (a rule the group does not have)',
      found: 'unverifiable',
      outcome:
        'InvalidPermission.NotFound "The specified rule does not exist in this security group" (no final period); the EC2 error-code table describes the code with one, but no named capture of the message was found',
    },
    {
      command: 'ec2 create-security-group --description ""',
      found: 'unverifiable',
      outcome:
        'MissingParameter "The request must contain the parameter GroupDescription"; AWS\'s text not found',
    },
    {
      command: 'cloudtrail lookup-events --max-results 100',
      found: 'unverifiable',
      outcome:
        'InvalidMaxResultsException (the code is in the botocore model); the message "MaxResults must be between 1 and 50." is not confirmed by a source',
    },
    {
      command: 'cloudtrail lookup-events with two lookup attributes',
      found: 'unverifiable',
      outcome:
        'InvalidLookupAttributesException (model); the message "You can only specify one lookup attribute." is not confirmed by a source',
    },
  ],
};
