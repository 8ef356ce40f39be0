// A lab resource made in a region other than the lab's: the step that looks for it in the lab's
// region would say "not tried yet" while it runs (and costs money) elsewhere. Check code asks here
// where else the learner made it, and says so in the verdict; cleanup removes it (it is the run's:
// record.ts records it with its region).
import type { LedgerEntry } from '../store/index.ts';
import { kindOf } from '../resources/index.ts';
import { isRunsCall } from '../aws/index.ts';
import { creationsOf } from './event-ids.ts';
import { learnerWrites, runFilter, type RunRef } from './regions.ts';
import type { OwnerTarget } from './types.ts';

export interface MadeElsewhere {
  region: string;
  at: Date;
  resourceId: string;
}

/** What a check hands over: its target, run and ledger, and its memo (one lookup per pass). */
export interface ElsewhereContext {
  target: OwnerTarget & { region: string };
  run: { id: number; startedAt: Date; baseline: Record<string, unknown> };
  ledger(): LedgerEntry[];
  memo<T>(key: string, fn: () => Promise<T>): Promise<T>;
}

/**
 * Where, outside the lab's region, the learner made a `kind` named `name` during the run (by a
 * successful creation call whose request or answer names it), newest first. Every enabled region
 * is looked at, in parallel.
 */
export async function madeElsewhere(
  ctx: ElsewhereContext,
  kind: string,
  name: string,
): Promise<MadeElsewhere[]> {
  const k = kindOf(kind);
  if (!k?.regional) return [];
  const ref: RunRef = {
    run: ctx.run,
    target: ctx.target,
    entries: ctx.ledger(),
    everyRegion: true,
  };
  const writes = await ctx.memo('ownership:writes:every-region', () => learnerWrites(ref));
  const filter = runFilter(ref);
  const out: MadeElsewhere[] = [];
  for (const { region, events } of writes) {
    if (region === ctx.target.region) continue;
    for (const ev of events) {
      if (ev.errorCode || !isRunsCall(ev, filter)) continue;
      if (!k.createdBy.some((s) => s.event === ev.name)) continue;
      const named =
        Object.values(ev.requestParameters ?? {}).includes(name) ||
        JSON.stringify(ev.requestParameters ?? {}).includes(`"${name}"`) ||
        Object.values(ev.responseElements ?? {}).includes(name);
      if (!named) continue;
      for (const c of creationsOf(k, ev))
        out.push({ region, at: ev.time, resourceId: c.resourceId });
    }
  }
  return out.sort((a, b) => b.at.getTime() - a.at.getTime());
}

/**
 * "you made lab-ec2-key in us-west-2; this lab uses ap-southeast-2 (lab cleanup removes the one in
 * us-west-2)". `what` names the thing as the step does (a key pair's name, "instance i-…").
 */
export function elsewhereText(what: string, found: MadeElsewhere[], labRegion: string): string {
  const regions = [...new Set(found.map((f) => f.region))].join(' and ');
  return `you made ${what} in ${regions}; this lab uses ${labRegion} (\`lab cleanup\` removes what you made in ${regions})`;
}
