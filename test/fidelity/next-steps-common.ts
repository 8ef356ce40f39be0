// Shared constants and builders for the next-step rows (what a learner types after each lab
// step: look at the result, retry, the typo'd name, the wrong region or profile, the wrong order).
import type { AwsAnswer, Profile, Row } from './table.ts';

export const OK = { v1: 0, v2: 0 };
export const SERVICE_EXIT = { v1: 255, v2: 254 }; // cli-usage-returncodes
export const S3_COMMAND_EXIT = { v1: 1, v2: 1 }; // `aws s3 …` exits 1 when a transfer/removal fails
export const EAST = 'us-east-1';
export const SYDNEY = 'ap-southeast-2';
export const IAM = 'iam.amazonaws.com';
export const EC2 = 'ec2.amazonaws.com';
export const S3 = 's3.amazonaws.com';
export const STS = 'sts.amazonaws.com';
export const USER_ID = '/^AIDA[A-Z2-7]{17}$/';
export const READ_ONLY = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
export const AL2023 =
  'resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64';
/** A well-formed id no resource has. */
export const NO_INSTANCE = 'i-0123456789abcdef0';
export const NO_GROUP = 'sg-0123456789abcdef0';
export const NO_BUCKET = 'fid-no-such-bucket-3f9a';
export const EXAMPLES = 'aws-cli awscli/examples';
export const RETURN_CODES =
  'AWS CLI User Guide, "Command line return codes" (0 success; 1 a failed s3 transfer; 252 v2 parameter error; 253 v2 configuration error; 254 v2 / 255 v1 a service error)';
export const DATA_EVENT =
  'CloudTrail User Guide, "Working with CloudTrail event history": "Event history … management events … Data events are not recorded in event history" (object-level S3 calls such as GetObject, PutObject, ListObjects are data events: S3 User Guide, "Logging Amazon S3 API calls using AWS CloudTrail")';

type Base = Pick<Row, 'id' | 'lab' | 'step' | 'command' | 'source'> & {
  mistake?: string;
  as?: Profile;
};

/** A row AWS answers with success. */
export function ok(base: Base, aws: Partial<AwsAnswer> = {}): Row {
  return { as: 'sandbox-admin', verdict: 'match', ...base, aws: { exit: OK, ...aws } };
}

/** A row AWS answers with a service error (exit 255 / 254). */
export function err(
  base: Base,
  code: string,
  status: number,
  message?: string,
  extra: Partial<AwsAnswer> = {},
): Row {
  return {
    as: 'sandbox-admin',
    verdict: 'match',
    ...base,
    aws: { exit: SERVICE_EXIT, code, status, ...(message ? { message } : {}), ...extra },
  };
}

/** An IAM error event (errorCode is the exception name: NoSuchEntityException). */
export const iamEvent = (eventName: string, errorCode?: string) => ({
  eventName,
  eventSource: IAM,
  region: EAST,
  ...(errorCode ? { errorCode } : {}),
});
