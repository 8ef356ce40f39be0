// The independent audit of the fidelity table (issue 18), rendered into docs/fidelity.md by
// render.ts. Kept as data so the counts in the doc are computed, not typed.

export interface SampledRow {
  /** Row id in the table (rows written by others; picked with the seeded shuffle below). */
  id: string;
  /** Did a source the row names, re-read, say what the row claims? */
  confirmed: boolean;
  /** The row's source was replaced or completed by this audit with one that says the claim. */
  sourceFixed?: boolean;
  note: string;
  /** Fixed after the audit, in a follow-up (what was done). */
  later?: string;
}

export interface WalkedBehaviour {
  command: string;
  /** As found against the sandbox, before this audit's fixes. */
  found: 'match' | 'differs' | 'unverifiable';
  /** What became of it: a row id, a fix, or why it stays. */
  outcome: string;
  /** A difference this audit fixed in the engine (the row now matches). */
  fixed?: boolean;
  /** Fixed after the audit, in a follow-up (what was done). */
  later?: string;
}

export interface Audit {
  date: string;
  method: string;
  sampled: SampledRow[];
  walked: WalkedBehaviour[];
  /** Who did the follow-up fixes (`later`), and when. */
  followUp?: string;
}

export const AUDIT_DATE = '2026-12-07';
export const AUDIT_METHOD =
  'Rows were picked from the 73 rows present before the audit (none written by the auditor) with a seeded shuffle: mulberry32(20261207), Fisher-Yates over the rows in table order, the first 16 taken. Each named source was re-read (aws-cli examples from the installed awscli package, GitHub threads and AWS pages through the search index). "Confirmed" means a source the row names says what the row claims; a row whose claim is true but whose source named nothing one could re-read counts as not confirmed (and its source was replaced). The 30 behaviours were walked in the order a learner meets them after each step of iam-groups, iam-roles, day42 and ec2-first-instance, by hand against a sandbox (the IAM ones with both CLIs, the EC2 ones with v1) and then as fidelity rows through both CLIs, and compared with the AWS answer a source gives.';

export const SAMPLED: SampledRow[] = [
  {
    id: 's3-rb-not-empty',
    confirmed: true,
    note: 'S3 Error responses: BucketNotEmpty, 409, "The bucket you tried to delete is not empty".',
  },
  {
    id: 's3-bucket-other-region',
    confirmed: true,
    note: 'yanganto/s3rs#18 shows the 301 with x-amz-bucket-region.',
  },
  {
    id: 'whoami',
    confirmed: true,
    note: 'get-caller-identity.rst shows an AIDA… UserId; IAM identifiers give the 21-character form.',
  },
  {
    id: 'roles-session-denied',
    confirmed: true,
    note: 'uswitch/kiam#33 quotes the assumed-role denial form with the account in both ARNs.',
  },
  {
    id: 'groups-delete-user-in-group',
    confirmed: false,
    sourceFixed: true,
    note: 'Cited "Terraform destroy output and n8n" without naming either; the text is right (mozilla-services/userplex#17 quotes it for DeleteUser). Source replaced.',
  },
  {
    id: 'sts-access-key-info-stranger',
    confirmed: true,
    note: "Aidan Steele's post: the account is encoded in the key id; changed characters give the same account.",
  },
  {
    id: 'whoami-skew-20',
    confirmed: false,
    sourceFixed: true,
    note: 'aws/aws-cli#6676 shows the slow-clock wording ("Signature expired … - 15 min."), not "not yet current … + 15 min."; QT-DevOps/DevOpsIssues#989 has the exact fast-clock text for GetCallerIdentity. Source replaced.',
  },
  {
    id: 'ec2-run-instances-no-key',
    confirmed: false,
    sourceFixed: true,
    note: '"CLI output quoted in public repositories" names nothing; hashicorp/vault-guides#260 has the exact text with status 400. Source replaced.',
  },
  {
    id: 'no-sign-request',
    confirmed: false,
    sourceFixed: true,
    note: 'aws/aws-sdk-php#3246 confirms the code only; the message came from unnamed fixtures. amzn/selling-partner-api-docs#3081 shows the STS body with 403. Source added.',
  },
  {
    id: 'ec2-instance-id-malformed',
    confirmed: false,
    sourceFixed: true,
    note: 'The quoted captures could not be found; ClusterLabs/cluster-glue#29 has the same form ("Invalid id: \\"ma1\\"") for DescribeInstances. Source added.',
  },
  {
    id: 'ec2-authorize-ssh',
    confirmed: false,
    note: 'The output part matches authorize-security-group-ingress.rst Example 1; the event part cites "a public alerting Lambda" that names no repository and was not found. Left as is, listed here.',
    later:
      'the event source is now a named captured record (DataDog/stratus-red-team, ec2-security-group-open-port-22-ingress), and the row no longer claims the nesting of the rule in requestParameters, which no named record shows',
  },
  {
    id: 's3-anonymous-blocked',
    confirmed: true,
    note: 'Block Public Access on by default (S3 User Guide); the CLI names a bodiless HEAD error by its status (boto/boto3#2452 shows the 404 form).',
  },
  {
    id: 'list-users-wrong-secret',
    confirmed: true,
    note: 'aws/aws-cli#5166 quotes the exact text for GetUser.',
  },
  {
    id: 'create-key-typo',
    confirmed: false,
    note: 'The sources (API reference errors, a GetRole CloudTrail record) back the code, 404 and errorCode but not the message "The user with name … cannot be found."; no capture of that text was found. Left as is, listed here.',
    later:
      'ansible/ansible#45593 quotes IAM\'s "The user with name ansible.creation2 cannot be found." (NoSuchEntity, Sender); the row cites it',
  },
  {
    id: 'describe-skew-20',
    confirmed: true,
    note: 'EC2 Common errors: RequestExpired, 15 minutes either way; hellofresh/eks-rolling-update#103 quotes "Request has expired."',
  },
  {
    id: 's3-mb-sydney',
    confirmed: true,
    note: 'SummitRoute/aws_breaking_changes#51 quotes "for most services, events are recorded in the region where the action occurred".',
  },
];

export const WALKED: WalkedBehaviour[] = [
  {
    command: 'iam get-user --user-name iam-admn',
    found: 'match',
    outcome: 'row d42-get-user-typo',
  },
  {
    command: 'iam list-access-keys --user-name iam-admn',
    found: 'match',
    outcome: 'row d42-list-keys-typo',
  },
  {
    command: 'iam get-group --group-name lab-readers',
    found: 'match',
    outcome: 'row groups-get-group',
  },
  {
    command: 'iam get-group --group-name lab-reeders',
    found: 'match',
    outcome: 'row groups-get-group-typo',
  },
  {
    command: 'iam add-user-to-group … --user-name lab-reder',
    found: 'match',
    outcome: 'row groups-add-user-typo-user',
  },
  {
    command: 'iam add-user-to-group --group-name lab-reeders …',
    found: 'match',
    outcome: 'row groups-add-user-typo-group',
  },
  {
    command: 'iam add-user-to-group (the same member again)',
    found: 'unverifiable',
    outcome: 'row groups-add-user-again (unverified): no source says what IAM answers',
  },
  {
    command: 'iam detach-group-policy (a policy the group does not have)',
    found: 'match',
    outcome: 'row groups-detach-not-attached (code, 404)',
  },
  {
    command: 'iam delete-group --group-name nope-group',
    found: 'match',
    outcome: 'row groups-delete-group-typo',
  },
  {
    command: 'iam remove-user-from-group … --user-name nobody',
    found: 'match',
    outcome:
      'NoSuchEntity 404 as the model lists; not made a row (groups-delete-user-typo covers the text)',
  },
  {
    command: 'iam get-role --role-name lab-veiwer',
    found: 'differs',
    outcome:
      'moto said "Role lab-veiwer not found"; fixed (sandbox/engine/not_found_texts.py); row roles-get-role-typo',
    fixed: true,
  },
  {
    command: 'iam create-role --role-name lab-viewer (again)',
    found: 'match',
    outcome: 'row roles-create-role-again',
  },
  {
    command: 'iam create-role … --assume-role-policy-document "{bad"',
    found: 'differs',
    outcome:
      'the sandbox created the role; AWS: MalformedPolicyDocument. Fixed (sandbox/engine/trust_principals.py refuses a trust policy that is not JSON); row roles-create-role-bad-json',
    fixed: true,
  },
  {
    command: 'iam detach-role-policy (not attached)',
    found: 'match',
    outcome: 'row roles-detach-not-attached (code, 404)',
  },
  {
    command: 'iam delete-role --role-name lab-veiwer',
    found: 'differs',
    outcome: 'same text as GetRole; fixed by the same file; row roles-delete-role-typo',
    fixed: true,
  },
  {
    command: 'iam attach-role-policy --role-name lab-veiwer …',
    found: 'differs',
    outcome: 'same text; fixed; row roles-attach-policy-typo-role',
    fixed: true,
  },
  {
    command: 'sts assume-role --role-arn …:role/lab-veiwer …',
    found: 'differs',
    outcome:
      'the sandbox issues credentials for a role that does not exist; AWS: AccessDenied. Row roles-assume-role-typo (differs — explained); not fixed',
    later: 'fixed: sandbox/engine/sts_assume_role.py answers 403 AccessDenied; the row matches',
  },
  {
    command: 'iam update-access-key (a deleted key) --status Inactive',
    found: 'match',
    outcome: 'row d42-update-deleted-key (code, 404)',
  },
  {
    command: 'iam update-access-key … --status inactive',
    found: 'match',
    outcome: 'row d42-update-key-lowercase (issue 18 item 3)',
  },
  {
    command: 'iam get-access-key-last-used --access-key-id AKIAIOSFODNN7EXAMPLE',
    found: 'unverifiable',
    outcome:
      "the sandbox answers NoSuchEntity; no source gives AWS's answer for a key id that is not the account's. Not made a row",
  },
  {
    command: 'iam attach-user-policy --policy-arn …/AmazonEC2ReadOnlyAcess',
    found: 'match',
    outcome: 'row d42-attach-user-policy-typo',
  },
  {
    command: 'ec2 describe-key-pairs --key-names lab-ec2-kee',
    found: 'differs',
    outcome:
      "moto printed a Python set (The keypair '{'lab-ec2-kee'}' does not exist.); fixed (not_found_texts.py); row ec2-describe-key-pairs-typo",
    fixed: true,
  },
  {
    command: 'ec2 create-key-pair --key-name lab-ec2-key (again)',
    found: 'match',
    outcome: 'row ec2-create-key-pair-again',
  },
  {
    command: 'ec2 create-security-group --group-name lab-ec2-ssh (again)',
    found: 'match',
    outcome: 'row ec2-create-security-group-again (code, 400)',
  },
  {
    command: 'ec2 authorize-security-group-ingress (the same rule again)',
    found: 'differs',
    outcome:
      'code and status match; AWS names the rule ("the specified rule \\"peer: 203.0.113.10/32, TCP, from port: 22, to port: 22, ALLOW\\" already exists"), moto does not. Row ec2-authorize-ssh-again (differs — explained)',
    later: 'fixed: sandbox/engine/ec2_rule_texts.py names the rule; the row matches',
  },
  {
    command: 'ec2 authorize-security-group-ingress … --cidr 203.0.113.10',
    found: 'differs',
    outcome:
      "code and status match (row ec2-authorize-no-mask); the message prints a Python dict (invalid CIDR subnet specification: {'CidrIp': '203.0.113.10'}), AWS's own text not found in a source. Not fixed",
    later:
      "fixed: CIDR block 203.0.113.10 is malformed (aws/aws-cli#2428's form), sandbox/engine/ec2_rule_texts.py; the row matches",
  },
  {
    command: 'ec2 delete-security-group --group-id sg-0123456789abcdef0',
    found: 'match',
    outcome: 'row ec2-delete-security-group-typo (code, 400)',
  },
  {
    command: 'ec2 describe-instances --instance-ids i-0123456789abcdef0',
    found: 'match',
    outcome: 'row ec2-describe-instance-typo',
  },
  {
    command: 'ec2 describe-instances --filters Name=nonsense,Values=x',
    found: 'match',
    outcome: 'row ec2-describe-filter-unknown (issue 18 item 9)',
  },
  {
    command: 'ec2 describe-instances --max-results 2',
    found: 'match',
    outcome: 'row ec2-describe-max-results-2 (issue 18 item 9)',
  },
];

export const AUDIT_1: Audit = {
  date: AUDIT_DATE,
  method: AUDIT_METHOD,
  sampled: SAMPLED,
  walked: WALKED,
  followUp: 'fid2, 2026-12-07',
};
