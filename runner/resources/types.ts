// The resource model: one ResourceKind per kind of thing a lab may create (one file each under
// kinds/). Cleanup (plan, execute, verify) and `lab test`'s before/after account diff iterate
// over the registry, so a kind added here is removed, verified and diffed everywhere at once.
import type { IAMClient } from '@aws-sdk/client-iam';
import type { Clients } from '../lab/define.ts';
import type { TrailEvent } from '../aws/index.ts';
import type { LearnerFiles } from '../target/profiles.ts';

/** What a kind needs: the runner's own clients (never the learner's key) and the CLI files. */
export interface KindContext {
  clients: { iam: IAMClient } & Partial<Omit<Clients, 'iam'>>;
  learnerFiles: LearnerFiles;
}

/** A live resource as the account shows it now. */
export interface Live {
  /** Immutable ids (UserId, GroupId, RoleId, Arn, AccessKeyId…), by field name. */
  ids: Record<string, string>;
  /** When AWS says it was created (absent for kinds without a date, e.g. memberships). */
  created?: Date;
}

export interface ResourceKind {
  /** The ledger's kind and what a lab lists in `creates`, e.g. 'iam-group'. */
  readonly kind: string;
  /** How a person names one, e.g. 'IAM group'. */
  readonly noun: string;
  /**
   * Deletion order, lowest first: what hangs off a thing (keys, memberships, attachments,
   * inline policies) goes before the thing, and a managed policy after everything using it.
   */
  readonly order: number;
  /**
   * The `Live.ids` fields that prove a live resource is the one recorded (e.g. ['userId']).
   * Empty for kinds AWS gives no id of their own (a membership, an attachment): those are the
   * run's only through the creation event the ledger recorded with the calling identity.
   */
  readonly identity: readonly string[];
  /**
   * Regional (S3, EC2): its creation events are in the target region's event history (the lab's
   * region on AWS), not in us-east-1's where IAM's are.
   */
  readonly regional?: boolean;
  /** Successful calls that create one, and the resourceId each names (undefined: not this kind). */
  readonly createdBy: readonly { event: string; name(e: TrailEvent): string | undefined }[];
  /** The live resource named `resourceId`; undefined when it does not exist. */
  lookup(
    ctx: KindContext,
    resourceId: string,
    details: Record<string, unknown>,
  ): Promise<Live | undefined>;
  /** Remove it and whatever AWS requires gone first; already gone is success (idempotent). */
  delete(ctx: KindContext, resourceId: string, details: Record<string, unknown>): Promise<void>;
  /** Every resource of this kind in the account, one stable, secret-free line each. */
  snapshot(ctx: KindContext): Promise<string[]>;
  /** "IAM group lab-readers". */
  describe(resourceId: string, details?: Record<string, unknown>): string;
  /**
   * How a plan says it removes one, when that is not "delete <describe>": a policy is detached
   * ("detach ReadOnlyAccess from group lab-readers"), a user removed from a group, an instance
   * terminated.
   */
  removing?(resourceId: string, details?: Record<string, unknown>): string;
}

/** Is the live resource the recorded one? */
export type Identity =
  | { state: 'same'; live: Live }
  | { state: 'gone' }
  /** `unrecorded`: the ledger holds no id to compare (not a replacement: unproven either way). */
  | { state: 'other'; why: string; unrecorded?: boolean };
