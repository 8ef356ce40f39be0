// Is the recorded thing still the run's? The ledger entry's immutable ids against the live thing
// in the entry's region (identify.ts): the same (the run's: cleanup deletes it), gone (forget
// it), or another one by that name (kept, with why). And what hangs off a thing the run would
// delete that is not the run's (another identity's key on the lab's user): then the thing is kept
// too, since deleting it would take that with it.
import { kindOf, type Live } from '../resources/index.ts';
import type { LedgerEntry } from '../store/index.ts';
import { identify } from './identify.ts';
import { inRegion } from './regions.ts';
import type { OwnerTarget } from './types.ts';

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
