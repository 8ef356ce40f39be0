// The shapes cleanup works with. The target is structural: runner/target's resolved target
// satisfies it, and so does anything a test builds by hand.
import type { IAMClient } from '@aws-sdk/client-iam';
import type { STSClient } from '@aws-sdk/client-sts';
import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import type { Run, Store } from '../store/index.ts';
import type { LabError } from '../errors.ts';
import type { Clients } from '../lab/define.ts';
import type { Kept, OwnerTarget } from '../ownership/index.ts';

export type { Kept };

export interface CleanupTarget extends OwnerTarget {
  /** What the first output line says, e.g. "local sandbox, account 123…". */
  label: string;
  /** The runner's own identity: never the learner's lab key. */
  clients: { iam: IAMClient; sts: STSClient; cloudtrail?: CloudTrailClient } & Partial<
    Omit<Clients, 'iam' | 'sts' | 'cloudtrail'>
  >;
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

export interface CleanupPlan {
  runId: number;
  lab: string;
  target: { kind: 'sandbox' | 'aws'; accountId: string; label: string };
  startedAt: string;
  actions: CleanupAction[];
  /** Things near the lab that cleanup leaves alone on purpose, and why. */
  kept: Kept[];
  /**
   * The run's own things the plan keeps because deleting them would take someone else's with
   * them (a lab user holding another identity's key): by resource, why. Verify reports them.
   */
  held: Kept[];
  /** Every key id of this run (live or already deleted): no profile may still hold one. */
  keyIds: string[];
  /** Users the lab created (to be deleted). */
  users: string[];
  /** Regions whose event history could not be read: nothing there is proven either way. */
  unreadRegions: string[];
  /** What "clean" is proven over: the kinds the run recorded, the regions the learner acted in. */
  proof: { kinds: string[]; regions: string[] };
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
  /** Regions besides the target's the lab names (every enabled region is looked at anyway). */
  regions?: string[];
}
