// Is the recorded thing still the run's? The ledger entry's immutable ids against the live thing
// in the entry's region (identify.ts): the same (the run's: cleanup deletes it), gone (forget
// it), or another one by that name (kept, with why). And what hangs off a thing the run would
// delete that is not the run's (another identity's key on the lab's user): then the thing is kept
// too, since deleting it would take that with it.
import { kindOf, type Live } from '../resources/index.ts';
import type { LedgerEntry } from '../store/index.ts';
import { identify } from './identify.ts';
import { inRegion } from './regions.ts';
import type { Kept, OwnerTarget } from './types.ts';

export type Verdict =
  | { state: 'same'; live: Live; what: string }
  | { state: 'gone'; what: string }
  | { state: 'other'; what: string; why: string; unrecorded?: boolean }
  | { state: 'unknown-kind'; what: string };

/** The recorded thing's name as people read it (its region when it is not the lab's). */
export function describeEntry(target: Pick<OwnerTarget, 'region'>, e: LedgerEntry): string {
  const kind = kindOf(e.kind);
  if (!kind) return `${e.kind} ${e.resourceId}`;
  const what = kind.describe(e.resourceId, e.details);
  const region = typeof e.details.region === 'string' ? e.details.region : undefined;
  return kind.regional && region && region !== target.region ? `${what} in ${region}` : what;
}

export async function judge(target: OwnerTarget, e: LedgerEntry): Promise<Verdict> {
  const kind = kindOf(e.kind);
  const what = describeEntry(target, e);
  if (!kind) return { state: 'unknown-kind', what };
  const region = typeof e.details.region === 'string' ? e.details.region : undefined;
  const id = await identify(kind, inRegion(target, region), e.resourceId, e.details);
  if (id.state === 'same') return { state: 'same', live: id.live, what };
  if (id.state === 'gone') return { state: 'gone', what };
  return { state: 'other', what, why: id.why, unrecorded: id.unrecorded };
}

/** What cleanup does with one recorded thing, and why: ownership's answer, the plan's words. */
export type Decision =
  | { entry: LedgerEntry; what: string; action: 'delete' }
  | { entry: LedgerEntry; what: string; action: 'forget'; gone: true }
  /** The recorded one is gone; another with its name is there now, and is kept. */
  | { entry: LedgerEntry; what: string; action: 'forget'; gone: false; keep: Kept }
  /** Left alone. `held`: it is the run's (or may be), so it stays open and "clean" waits. */
  | { entry: LedgerEntry; what: string; action: 'keep'; why: string; held: boolean };

/**
 * Decide every open recorded thing, in the order given. `holding`: the run's users that hold keys
 * the run did not make (foreignKeys); such a user is kept, since deleting it deletes those keys.
 */
export async function decide(
  target: OwnerTarget,
  entries: LedgerEntry[],
  holding: Map<string, string[]>,
): Promise<Decision[]> {
  const out: Decision[] = [];
  for (const entry of entries) {
    const v = await judge(target, entry);
    const what = v.what;
    if (v.state === 'unknown-kind') {
      out.push({ entry, what, action: 'keep', why: 'a kind labrunner does not know', held: false });
    } else if (v.state === 'gone') {
      out.push({ entry, what, action: 'forget', gone: true });
    } else if (v.state === 'other' && v.unrecorded && entry.createdBy === 'lab') {
      // The lab's setup made it but its ids were never recorded (a setup that failed part-way,
      // before start.ts recorded ids at once): neither provably the lab's nor provably not.
      const why = `the lab's setup created it, but ${v.why}: remove it yourself if it is the lab's, then run \`lab cleanup\` again`;
      out.push({ entry, what, action: 'keep', why, held: true });
    } else if (v.state === 'other') {
      const keep = {
        resource: `${what} (the one there now)`,
        why: `not provably this lab's: ${v.why}`,
      };
      out.push({ entry, what, action: 'forget', gone: false, keep });
    } else if (entry.kind === 'iam-user' && holding.has(entry.resourceId)) {
      const keys = holding.get(entry.resourceId)!;
      const why = `it holds access key ${keys.join(', ')}, which this lab did not make; deleting the user would delete that key too. Remove the key yourself (or ask whoever made it), then run \`lab cleanup\` again`;
      out.push({ entry, what, action: 'keep', why, held: true });
    } else {
      out.push({ entry, what, action: 'delete' });
    }
  }
  return out;
}
