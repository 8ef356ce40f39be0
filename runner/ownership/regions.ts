// Where the learner acted: every region whose event history holds a write of theirs during the
// run. On AWS, every region enabled for the account (EC2 DescribeRegions: "Describes the Regions
// that are enabled for your account", EC2 API Reference), each region's history queried in
// parallel (event history is regional; IAM's and STS's events are in us-east-1's: IAM User
// Guide, cloudtrail-integration). In the sandbox the same calls reach the gateway, whose history
// is regional the same way, so "every region with events" is what comes back non-empty.
// Only writes are read (LookupEvents' ReadOnly=false attribute): a creation is always a write.
import {
  afterStart,
  isRunnerDenial,
  isRunsCall,
  learnerArnOf,
  lookupEventsBy,
  type TrailEvent,
} from '../aws/index.ts';
import { ledgerFor, type LedgerEntry, type Store } from '../store/index.ts';
import type { KindContext } from '../resources/index.ts';
import type { OwnershipInput, OwnerTarget } from './types.ts';

// Loaded when a call runs, not with the module: every `lab check` imports the resource registry
// (ownership), and @aws-sdk/client-ec2 takes longer to load than a whole check of day42.
const ec2Sdk = () => import('@aws-sdk/client-ec2');

/** IAM and STS are global: their events are in us-east-1's history (on AWS and in the sandbox). */
export const IAM_REGION = 'us-east-1';

const contexts = new WeakMap<object, Map<string, KindContext & { cloudtrail: unknown }>>();

/** The runner's clients in `region` (the target's own when it is the target's region). */
export function inRegion(target: OwnerTarget, region: string | undefined): KindContext {
  if (!region || region === target.region || !target.clientsForRegion) return target;
  let byRegion = contexts.get(target);
  if (!byRegion) contexts.set(target, (byRegion = new Map()));
  let ctx = byRegion.get(region);
  if (!ctx) {
    const clients = target.clientsForRegion(region);
    ctx = {
      clients: { ...pick(clients), iam: target.clients.iam },
      learnerFiles: target.learnerFiles,
      cloudtrail: clients.cloudtrail,
    };
    byRegion.set(region, ctx);
  }
  return ctx;
}

// The clients are lazy getters (runner/aws/clients.ts): copy the getters, not the clients, so a
// region's EC2 client is built only when something asks for it.
function pick(clients: object): KindContext['clients'] {
  const out = {} as KindContext['clients'];
  for (const k of ['ec2', 's3', 'sts', 'cloudtrail'] as const) {
    Object.defineProperty(out, k, {
      get: () => (clients as Record<string, unknown>)[k],
      enumerable: true,
    });
  }
  return out;
}

/** IAM's (and STS's) event history: us-east-1's. */
export function iamTrail(target: OwnerTarget) {
  return trailOf(target, IAM_REGION);
}

function trailOf(target: OwnerTarget, region: string) {
  if (region === target.region || !target.clientsForRegion) return target.clients.cloudtrail;
  return target.clientsForRegion(region).cloudtrail;
}

/** aws, aws-cn, aws-us-gov…: DescribeRegions on AWS lists one partition; moto lists all. */
const partitionOf = (region: string) =>
  region.startsWith('cn-') ? 'aws-cn' : /^us-(gov|iso)/.test(region) ? region.slice(0, 6) : 'aws';

/** Every region enabled for the account; the known ones when EC2 cannot say. */
export async function enabledRegions(target: OwnerTarget, known: string[]): Promise<string[]> {
  const ec2 = target.clients.ec2;
  if (!ec2) return known;
  try {
    const out = await ec2.send(new (await ec2Sdk()).DescribeRegionsCommand({}));
    const partition = partitionOf(known[0] ?? IAM_REGION);
    const all = (out.Regions ?? [])
      .map((r) => r.RegionName!)
      .filter((r) => r && partitionOf(r) === partition);
    return [...new Set([...known, ...all])];
  } catch (e) {
    if (isRunnerDenial(e)) throw e;
    return known;
  }
}

/** The regions a run is always looked at in: IAM's, the target's, the lab's. */
export function knownRegions(input: Pick<OwnershipInput, 'target' | 'regions'>): string[] {
  return [...new Set([IAM_REGION, input.target.region ?? IAM_REGION, ...(input.regions ?? [])])];
}

/**
 * `fn` over `items`, at most `width` at a time, results in order. Event history allows 2
 * LookupEvents a second per region and account (CloudTrail quotas), so regions go in parallel;
 * the width keeps a loaded laptop's sandbox (one engine for all regions) answering.
 */
async function inParallel<T, R>(items: T[], fn: (t: T) => Promise<R>, width = 6): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
  return out;
}

/** Who the run's learner is, as isRunsCall wants it (identity, the run's keys, its roles). */
export function runFilter(input: RunRef) {
  const entries = input.entries ?? ledgerFor(input.store!, input.run.id);
  return {
    learnerArn: learnerArnOf(input.run.baseline, input.target.learnerArn),
    keyIds: new Set(entries.filter((e) => e.kind === 'access-key').map((e) => e.resourceId)),
    roleArns: new Set(
      entries.filter((e) => e.kind === 'iam-role').map((e) => String(e.details.arn ?? '')),
    ),
  };
}

/** A run as ownership needs it: a stored run, or a check's view of one (its ledger entries). */
export interface RunRef {
  run: { id: number; startedAt: string | Date; baseline: Record<string, unknown> };
  target: OwnerTarget;
  store?: Store;
  entries?: LedgerEntry[];
  regions?: string[];
  everyRegion?: boolean;
}

export interface RegionWrites {
  region: string;
  /**
   * Every identity's writes during the run, oldest first (failed ones included: see errorCode);
   * the runner's own never. Which are the learner's is runFilter's to say, at the time it asks
   * (a key the learner makes for a lab user makes that user's later calls the run's).
   */
  events: TrailEvent[];
  /** The history could not be read (lagging, unreachable): nothing here is proven either way. */
  unread?: boolean;
  /** The learner made at least one of these writes. */
  acted?: boolean;
}

/**
 * The writes during the run in each region looked at, in parallel. Regions with none of the
 * learner's are left out (but for unreadable ones), so the result is also "the regions the
 * learner acted in".
 */
export async function learnerWrites(input: RunRef, maxPages = 10): Promise<RegionWrites[]> {
  const { run, target } = input;
  const known = knownRegions(input);
  const regions = input.everyRegion ? await enabledRegions(target, known) : known;
  const since = new Date(run.startedAt);
  // Whole seconds in CloudTrail: the run's first second counts (afterStart).
  since.setUTCMilliseconds(0);
  const filter = runFilter(input);
  const read = await inParallel(regions, async (region): Promise<RegionWrites> => {
    const trail = trailOf(target, region);
    if (!trail) return { region, events: [], unread: true };
    try {
      const evs = await lookupEventsBy(trail, { key: 'ReadOnly', value: 'false' }, since, maxPages);
      const during = evs.filter((e) => afterStart(e.time, new Date(run.startedAt))).reverse();
      return { region, events: during, acted: during.some((e) => isRunsCall(e, filter)) };
    } catch (e) {
      // The runner denied LookupEvents is an environment error (exit 2); a region that does not
      // answer leaves what it may hold unproven, and is said so.
      if (isRunnerDenial(e)) throw e;
      return { region, events: [], unread: true };
    }
  });
  return read.filter((r) => r.acted || r.unread);
}
