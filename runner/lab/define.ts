// The contract between a lab's `lab.ts` and the runner. Owned by the runner
// (checks, setup, cleanup); `lab dev check` and the site read `steps` keys.
import type { IAMClient } from '@aws-sdk/client-iam';
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { STSClient } from '@aws-sdk/client-sts';
import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import type { S3Client } from '@aws-sdk/client-s3';

/**
 * `not-tried`: nothing in the account shows the learner attempted the step yet (shown "not
 * tried yet"), as distinct from `failed`: attempted, and not right.
 */
export type StepStatus = 'passed' | 'failed' | 'pending' | 'not-tried';

/** What a check found. Never contains a secret. */
export interface StepVerdict {
  status: StepStatus;
  /** What was seen in the account that proves the step (passed) or what was found instead. */
  evidence?: string;
  /** What the check expected (shown when failed). */
  expected?: string;
  /** What to do next (shown when not passed). */
  hint?: string;
}

export interface StepResult extends StepVerdict {
  id: string;
}

/** AWS clients for the runner's own identity, tagged with the runner's user agent. */
export interface Clients {
  iam: IAMClient;
  ec2: EC2Client;
  sts: STSClient;
  cloudtrail: CloudTrailClient;
  s3: S3Client;
}

export interface StepDefinition<Ctx> {
  /** Verify this step against the account. Must not change anything. */
  check(ctx: Ctx): Promise<StepVerdict>;
  /** Step ids whose state this check needs; independent steps run concurrently. */
  after?: string[];
  /** Where the step's evidence lives: the account (default), the learner's machine, or both. */
  evidence?: 'account' | 'local' | 'mixed';
}

export interface LabDefinition<Ctx = any> {
  id: string;
  /** One entry per `::: step <id>` in README.md, in the same order. */
  steps: Record<string, StepDefinition<Ctx>>;
  [extra: string]: unknown;
}

export function defineLab<Ctx, T extends LabDefinition<Ctx>>(def: T): T {
  return def;
}
