// <gateway state>/shards.json: a class sandbox over several engines (lifecycle/shards.ts writes
// it, gateway/shards.ts reads it). Pure: imported by both sides.

export const SHARDS_FILE = 'shards.json';

export interface ShardsFile {
  /** Every engine's URL, in shard order (engine k holds the account ids ≡ k mod n). */
  engines: string[];
  /** The shard the next new account goes to (round robin). */
  next?: number;
}

/** Which of `n` engines holds `accountId`. */
export function shardOf(accountId: string, n: number): number {
  return Number(BigInt(accountId) % BigInt(n));
}
