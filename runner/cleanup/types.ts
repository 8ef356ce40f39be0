// The shapes cleanup works with. The target is structural: runner/target's
// resolved target satisfies it, and so does anything a test builds by hand.
import type { IAMClient } from '@aws-sdk/client-iam';
import type { STSClient } from '@aws-sdk/client-sts';
import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import type { Run, Store } from '../store/index.ts';
import type { LabError } from '../errors.ts';
import type { LearnerFiles } from './profiles.ts';

export interface CleanupTarget {
  kind: 'sandbox' | 'aws';
  accountId: string;
  /** What the first output line says, e.g. "local sandbox, account 123…". */
  label: string;
  /** The runner's own identity: never the learner's lab key. */
  clients: { iam: IAMClient; sts: STSClient; cloudtrail?: CloudTrailClient };
  learnerFiles: LearnerFiles;
  /** The runner's clients in another region (IAM's event history is in us-east-1 on AWS). */
  clientsForRegion?: (region: string) => { cloudtrail: CloudTrailClient };
  /** The target's own region (where regional kinds are looked for first). */
  region?: string;
  /** The identity the learner works as (target.learnerArn); runs recorded it at `lab start`. */
  learnerArn?: string;
  /** Environment failures and denials of the runner's own calls → LabError (exit 2). */
  environmentError?: (e: unknown) => LabError | undefined;
}

export type ActionKind =
  | 'deactivate-key'
  | 'delete-key'
  | 'remove-profile-section'
  /** Delete one resource of a registered kind (runner/resources), after proving it is the lab's. */
  | 'delete-resource'
  /** Close a ledger entry whose resource is already gone (or was replaced: the replacement is kept). */
  | 'forget'
  /** Delete a file the AWS CLI cached with a session of the run's role (role-sessions.ts). */
  | 'remove-cached-session';

export interface CleanupAction {
  kind: ActionKind;
  /** The ledger entry this action completes (marked removed when it is done). */
  ledgerIds: number[];
  /** One line a person reads in the plan. */
  text: string;
  userName?: string;
  keyId?: string;
  /** delete-resource / forget: the registry kind, the resource and its recorded details. */
  resourceKind?: string;
  resourceId?: string;
  details?: Record<string, unknown>;
  /** remove-profile-section: which file, which headers; remove-cached-session: the file. */
  path?: string;
  file?: 'config' | 'credentials';
  headers?: string[];
}

export interface Kept {
  resource: string;
  why: string;
}

export interface CleanupPlan {
  runId: number;
  lab: string;
  target: { kind: 'sandbox' | 'aws'; accountId: string; label: string };
  startedAt: string;
  actions: CleanupAction[];
  /** Things near the lab that cleanup leaves alone on purpose, and why. */
  kept: Kept[];
  /** Every key id of this run (live or already deleted): no profile may still hold one. */
  keyIds: string[];
  /** Users the lab created (to be deleted). */
  users: string[];
}

export interface CleanupReport {
  plan: CleanupPlan;
  done: string[];
  /** What the lab created that still exists after cleanup, and why. Empty = clean. */
  remaining: Kept[];
  clean: boolean;
  dryRun: boolean;
}

export interface PlanInput {
  run: Run;
  target: CleanupTarget;
  store: Store;
  /**
   * The lab's IAM users whose new keys are the learner's (day42: iam-admin; see
   * labUsersOf). Default: the users the run's ledger names.
   */
  labUsers?: string[];
  /** Registry kinds the lab declares it may create (learner-made ones are found in the history). */
  creates?: string[];
  /** Regions besides the target's where regional kinds (S3, EC2) may have been created. */
  regions?: string[];
}
