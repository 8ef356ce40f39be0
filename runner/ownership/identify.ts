// Ownership by identity, never by name or time: a live resource is the recorded one only when
// every immutable id the ledger holds for it matches (a same-named replacement has a new UserId,
// GroupId, RoleId or ARN suffix and is kept).
import type { Identity, KindContext, ResourceKind } from '../resources/index.ts';

export async function identify(
  kind: ResourceKind,
  ctx: KindContext,
  resourceId: string,
  details: Record<string, unknown>,
): Promise<Identity> {
  const live = await kind.lookup(ctx, resourceId, details);
  if (!live) return { state: 'gone' };
  // A thing without ids of its own that another identity made again after the run did
  // (record.ts): the one there now is theirs as much as the run's, so it is not adopted.
  if (typeof details.madeAgainBy === 'string' && details.madeAgainBy) {
    return {
      state: 'other',
      why: `${String(details.madeAgainBy)} made it again at ${String(details.madeAgainAt ?? '?').slice(11, 19)} UTC, after you did`,
    };
  }
  for (const f of kind.identity) {
    const recorded = details[f];
    if (typeof recorded !== 'string' || !recorded) {
      return {
        state: 'other',
        unrecorded: true,
        why: `the ledger holds no ${f} for it, so it cannot be proven the lab's (now ${live.ids[f] ?? '?'})`,
      };
    }
    if (live.ids[f] !== recorded) {
      return {
        state: 'other',
        why: `its ${f} is ${live.ids[f] ?? '?'}, not the ${recorded} the lab recorded: a same-named replacement`,
      };
    }
  }
  return { state: 'same', live };
}
