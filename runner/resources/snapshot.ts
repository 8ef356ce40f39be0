// The account as every registered kind sees it, for `lab test`'s before/after diff: a lab that
// leaves any kind of thing behind (a group, an attachment, a role…) shows up here.
import { KINDS } from './registry.ts';
import type { KindContext } from './types.ts';

export type AccountSnapshot = Record<string, string[]>;

export async function snapshotAccount(ctx: KindContext): Promise<AccountSnapshot> {
  const out: AccountSnapshot = {};
  for (const k of KINDS) out[k.kind] = (await k.snapshot(ctx)).sort();
  return out;
}

/** Differences from `a` to `b`, one readable line each; empty when they are the same. */
export function diffSnapshots(a: AccountSnapshot, b: AccountSnapshot): string[] {
  const out: string[] = [];
  for (const kind of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const x = new Set(a[kind] ?? []);
    const y = new Set(b[kind] ?? []);
    for (const v of x) if (!y.has(v)) out.push(`${v} is gone`);
    for (const v of y) if (!x.has(v)) out.push(`${v} was added`);
  }
  return out;
}
