// The shapes ownership works with. The target is structural: runner/target's resolved target
// satisfies it, and so does anything a test builds by hand (cleanup's CleanupTarget extends it).
import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import type { Clients } from '../lab/define.ts';
import type { KindContext } from '../resources/index.ts';
import type { Run, Store } from '../store/index.ts';
import type { LearnerFiles } from './profiles.ts';

export interface OwnerTarget extends KindContext {
  kind: 'sandbox' | 'aws';
  accountId: string;
  learnerFiles: LearnerFiles;
  /** The runner's clients in another region (event history is regional; so are EC2 and S3). */
  clientsForRegion?: (region: string) => Partial<Clients> & { cloudtrail: CloudTrailClient };
  /** The target's own region: the lab's region. */
  region?: string;
  /** The identity the learner works as (target.learnerArn); runs recorded it at `lab start`. */
  learnerArn?: string;
}

export interface OwnershipInput {
  run: Run;
  target: OwnerTarget;
  store: Store;
  /** Registry kinds the lab declares it may create (learner-made ones are found in the history). */
  creates: string[];
  /** The lab's IAM users whose new keys are the learner's (default: the users the ledger names). */
  labUsers?: string[];
  /** Regions the lab names besides the target's (`regions` in lab.ts). */
  regions?: string[];
  /**
   * Look in every enabled region (DescribeRegions), not only the IAM region, the target's and the
   * lab's. Cleanup does; a check pass does only for labs that already use EC2 (loading the EC2
   * client costs a third of a second).
   */
  everyRegion?: boolean;
}

/** Something near the lab that is left alone on purpose, and why. */
export interface Kept {
  resource: string;
  why: string;
}
