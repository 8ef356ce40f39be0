// Ownership is recorded at creation, by id, in every region (ARCHITECTURE.md). For every kind the
// lab declares in `creates`, each successful creation call the run's learner made during the run
// is recorded in the ledger (the progress store) with the immutable ids that call made, its
// region, the event id and the caller:
//   - from the event's responseElements (event-ids.ts), where AWS records them;
//   - else from the live thing, only when it was created in that event's second (its creation
//     time; one second of slack after, as a call is stamped when it arrives and the thing is made
//     a moment later). A thing made at any other time is not what the call made, and is not taken.
// Cleanup carries out this record and nothing else. A same-named thing made later, by anyone,
// has other ids and is kept (judge.ts). A check pass records as it goes (the first pass that sees
// a creation records it); cleanup records once more, over every enabled region, before planning.
import { isRunsCall, type TrailEvent } from '../aws/index.ts';
import { kindOf, type ResourceKind } from '../resources/index.ts';
import { ledgerFor, recordCreated, replaceDetails } from '../store/index.ts';
import { contestedBy, contestedWhy, rivalRuns } from './claims.ts';
import { creationsOf, missingIdentity, type Creation } from './event-ids.ts';
import { recordKeys, type ContestedKeys } from './keys.ts';
import { IAM_REGION, inRegion, learnerWrites, runFilter, type RegionWrites } from './regions.ts';
import type { Kept, OwnershipInput } from './types.ts';

/** Kinds with a discovery of their own (keys: keys.ts; profile sections: profiles.ts). */
const OWN_DISCOVERY = new Set(['access-key', 'profile-section']);
const SLACK_MS = 1000;

export interface Recorded {
  /** Things found but not claimed (another open lab may have asked for them too), with why. */
  kept: Kept[];
  /** Keys the run may not claim, by id (another open lab could). */
  contestedKeys: ContestedKeys;
  /** The regions looked at where the learner acted (or whose history could not be read). */
  writes: RegionWrites[];
}

/**
 * Record what the run's learner created, in every region looked at. Kinds first, then keys (with
 * `keys`): a key recorded in this pass does not make calls made with it the learner's in the same
 * pass, so a key the learner made for another identity (a helper user) never turns that
 * identity's own creations into the run's.
 */
export async function recordCreations(
  input: OwnershipInput,
  o: { keys?: boolean } = { keys: true },
): Promise<Recorded> {
  const { run, target, store } = input;
  const kinds = input.creates
    .filter((k) => !OWN_DISCOVERY.has(k))
    .map(kindOf)
    .filter((k): k is ResourceKind => !!k);
  // Nothing to look for: the history is not read at all (a check pass of a lab that creates
  // nothing but keys and profiles costs no extra call).
  if (!kinds.length && o.keys === false) return { kept: [], contestedKeys: new Map(), writes: [] };
  const writes = await learnerWrites(input);
  const rivals = await rivalRuns(store, run);
  const recordKeysNow = () =>
    o.keys === false ? (new Map() as ContestedKeys) : recordKeys(input, writes, rivals);
  const kept: Kept[] = [];
  if (!kinds.length) return { kept, contestedKeys: recordKeysNow(), writes };
  const filter = runFilter(input);
  // Things AWS gives no id (a membership, an attachment, an inline policy, a console password):
  // the run's creation event is their only proof, so one made again later by another identity
  // (after the learner removed theirs, or on top of it) is that identity's as much as the run's,
  // and is never adopted: noted on the entry, judged 'other' (identify.ts).
  const foreign = new Map<string, TrailEvent>();
  for (const { events } of writes) {
    for (const ev of events) {
      if (ev.errorCode || isRunsCall(ev, filter)) continue;
      for (const kind of kinds.filter((k) => !k.identity.length && !k.regional)) {
        if (!kind.createdBy.some((x) => x.event === ev.name)) continue;
        for (const c of creationsOf(kind, ev)) foreign.set(`${kind.kind} ${c.resourceId}`, ev);
      }
    }
  }
  for (const { region, events } of writes) {
    for (const ev of events) {
      if (ev.errorCode || !isRunsCall(ev, filter)) continue;
      for (const kind of kinds) {
        // IAM's creations are in us-east-1's history only; a regional kind's in its own region's.
        if (!kind.regional && region !== IAM_REGION) continue;
        if (!kind.createdBy.some((s) => s.event === ev.name)) continue;
        const ctx = inRegion(target, kind.regional ? region : undefined);
        for (const c of creationsOf(kind, ev)) {
          // Made while another lab was open too: could be either's, so neither takes it.
          const rivalLabs = contestedBy(rivals, kind.kind, ev.time);
          if (rivalLabs.length) {
            if (await kind.lookup(ctx, c.resourceId, c.ids))
              kept.push({
                resource: describe(kind, c, region, target.region),
                why: contestedWhy(rivalLabs, ev.time),
              });
            continue;
          }
          const ids = await provenIds(kind, ctx, c, ev);
          const later = foreign.get(`${kind.kind} ${c.resourceId}`);
          const again =
            later && later.time.getTime() >= ev.time.getTime()
              ? {
                  madeAgainBy: later.callerArn ?? later.accessKeyId ?? 'another identity',
                  madeAgainAt: later.time.toISOString(),
                }
              : {};
          record(input, kind, c, { ...ids, ...again }, ev, kind.regional ? region : undefined);
          if (kind.kind === 'iam-role' && ids.arn) filter.roleArns.add(ids.arn);
        }
      }
    }
  }
  return { kept, contestedKeys: recordKeysNow(), writes };
}

/** The event's ids, completed from the live thing only when it was made in the event's second. */
async function provenIds(
  kind: ResourceKind,
  ctx: Parameters<ResourceKind['lookup']>[0],
  c: Creation,
  ev: TrailEvent,
): Promise<Record<string, string>> {
  if (!missingIdentity(kind, c.ids).length) return c.ids;
  const live = await kind.lookup(ctx, c.resourceId, c.ids);
  const second = Math.floor(ev.time.getTime() / 1000) * 1000;
  const at = live?.created?.getTime();
  if (live && at !== undefined && at >= second && at < second + 1000 + SLACK_MS) {
    return { ...live.ids, ...c.ids };
  }
  return c.ids;
}

function record(
  input: OwnershipInput,
  kind: ResourceKind,
  c: Creation,
  ids: Record<string, unknown>,
  ev: TrailEvent,
  region: string | undefined,
): void {
  const { run, store } = input;
  const details = {
    ...ids,
    ...(region ? { region } : {}),
    event: ev.id,
    eventName: ev.name,
    by: ev.callerArn ?? ev.accessKeyId ?? '',
  };
  const existing = ledgerFor(store, run.id).find(
    (e) => e.kind === kind.kind && e.resourceId === c.resourceId,
  );
  // The learner made it again after deleting their first one (a retry): the newest of theirs is
  // the one to prove. Only a later event of theirs replaces what an earlier one recorded.
  if (
    existing &&
    existing.createdBy === 'learner' &&
    existing.details.event &&
    existing.details.event !== ev.id &&
    ev.time.getTime() > new Date(existing.createdAt).getTime() &&
    kind.identity.some((f) => ids[f] && existing.details[f] !== ids[f])
  ) {
    replaceDetails(store, existing.id, { ...existing.details, ...details });
    return;
  }
  recordCreated(store, {
    runId: run.id,
    kind: kind.kind,
    resourceId: c.resourceId,
    details,
    createdBy: 'learner',
    createdAt: ev.time,
  });
}

/** How a person names a found thing, with its region when it is not the lab's. */
export function describe(
  kind: ResourceKind,
  c: { resourceId: string; ids?: Record<string, unknown> },
  region: string | undefined,
  labRegion: string | undefined,
): string {
  const what = kind.describe(c.resourceId, c.ids);
  return kind.regional && region && region !== labRegion ? `${what} in ${region}` : what;
}
