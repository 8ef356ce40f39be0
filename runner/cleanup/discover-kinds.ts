// What the learner created during the run, for every registered kind the lab declares it may
// create (`creates`), found in the account's event history: a successful creation call made by
// the run's learner identity (or with a key already proven the run's) since the run started.
// Each is recorded in the ledger with its immutable ids and the creation event, so cleanup can
// later prove it is still the same thing. Access keys and profile sections have their own
// discovery (discover.ts, profiles.ts).
import {
  lookupEvents,
  type TrailEvent,
  afterStart,
  isRunsCall,
  learnerArnOf,
  isRunnerDenial,
} from '../aws/index.ts';
import { kindOf } from '../resources/index.ts';
import { ledgerFor, recordCreated } from '../store/index.ts';
import { iamTrail, runStartSecond } from './discover.ts';
import { contestedBy, contestedWhy, rivalRuns } from './overlap.ts';
import type { Kept, PlanInput } from './types.ts';

const OWN_DISCOVERY = new Set(['access-key', 'profile-section']);

function regionalTrails(target: PlanInput['target'], regions: string[]) {
  const own = target.clients.cloudtrail;
  const others = target.clientsForRegion
    ? regions.filter((r) => r !== target.region).map((r) => target.clientsForRegion!(r).cloudtrail)
    : [];
  return [...(own ? [own] : []), ...others];
}

/**
 * Record what the learner created of each declared kind. Returns what it found but may not
 * claim: things made while another open lab could have asked for them too (overlap.ts).
 */
export async function discoverCreated(input: PlanInput & { creates: string[] }): Promise<Kept[]> {
  const { run, target, store } = input;
  const kinds = input.creates.filter((k) => !OWN_DISCOVERY.has(k)).map(kindOf);
  const kept: Kept[] = [];
  if (!kinds.length) return kept;
  const ct = iamTrail(target);
  if (!ct) return kept;
  const since = runStartSecond(run.startedAt);
  const learnerArn = learnerArnOf(run.baseline, target.learnerArn);
  const rivals = await rivalRuns(store, run);
  const entries = ledgerFor(store, run.id);
  const keyIds = new Set(entries.filter((e) => e.kind === 'access-key').map((e) => e.resourceId));
  const roleArns = new Set(
    entries.filter((e) => e.kind === 'iam-role').map((e) => String(e.details.arn ?? '')),
  );
  for (const kind of kinds) {
    if (!kind) continue;
    for (const spec of kind.createdBy) {
      let events: TrailEvent[];
      try {
        // S3 and EC2 creations are in a region's own history: the target's, and any the lab names.
        const histories = kind.regional ? regionalTrails(target, input.regions ?? []) : [ct];
        events = (await Promise.all(histories.map((h) => lookupEvents(h, spec.event, since, 10))))
          .flat()
          .sort((a, b) => b.time.getTime() - a.time.getTime());
      } catch (e) {
        if (isRunnerDenial(e)) throw e;
        continue; // history unreadable or lagging: what was recorded already still applies
      }
      // Oldest first, so the first id recorded for a name is the first creation's.
      for (const ev of events.reverse()) {
        if (ev.errorCode || !afterStart(ev.time, new Date(run.startedAt))) continue;
        if (!isRunsCall(ev, { learnerArn, keyIds, roleArns })) continue;
        const name = spec.name(ev);
        if (!name) continue;
        // Made while another lab was open too: could be either's, so neither takes it.
        const rivalLabs = contestedBy(rivals, kind.kind, ev.time);
        if (rivalLabs.length) {
          if (await kind.lookup(target, name, {}))
            kept.push({ resource: kind.describe(name), why: contestedWhy(rivalLabs, ev.time) });
          continue;
        }
        const live = await kind.lookup(target, name, {});
        // Created before this event's second: the call did not make what is there now.
        const eventSecond = Math.floor(ev.time.getTime() / 1000) * 1000;
        if (live?.created && live.created.getTime() < eventSecond - 1000) continue;
        recordCreated(store, {
          runId: run.id,
          kind: kind.kind,
          resourceId: name,
          details: {
            ...(live?.ids ?? {}),
            event: ev.id,
            eventName: ev.name,
            by: ev.callerArn ?? ev.accessKeyId ?? '',
          },
          createdBy: 'learner',
          createdAt: ev.time,
        });
        if (kind.kind === 'iam-role' && live?.ids.arn) roleArns.add(live.ids.arn);
      }
    }
  }
  return kept;
}

/** The extra regions a lab declares (`regions` in lab.ts). */
export function regionsOf(lab: unknown): string[] {
  const r = (lab as { regions?: unknown } | undefined)?.regions;
  return Array.isArray(r) ? r.filter((x): x is string => typeof x === 'string') : [];
}

/** The kinds a lab declares it may create: `creates`, or day42's older `resources.learnerCreates`. */
export function createsOf(lab: unknown): string[] {
  const def = (lab ?? {}) as Record<string, any>;
  const list = [
    ...(Array.isArray(def.creates) ? def.creates : []),
    ...(Array.isArray(def.resources?.learnerCreates) ? def.resources.learnerCreates : []),
  ];
  return [...new Set(list.filter((k): k is string => typeof k === 'string'))];
}
