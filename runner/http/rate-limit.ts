// A token-bucket rate limiter, one bucket per key (a token's hash, a client address).

/**
 * Token buckets, one per key (a token's hash, or a client address for
 * requests without a valid token): `burst` requests at once, refilled at
 * `perSecond`. Refused requests learn when to retry (Retry-After, seconds).
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly perSecond: number;
  private readonly burst: number;
  private readonly now: () => number;
  constructor(opts: { perSecond: number; burst: number; now?: () => number }) {
    this.perSecond = opts.perSecond;
    this.burst = opts.burst;
    this.now = opts.now ?? Date.now;
  }

  /** Take one request from `key`'s bucket; returns seconds to wait when it is empty. */
  take(key: string): { ok: true } | { ok: false; retryAfter: number } {
    const now = this.now();
    const b = this.buckets.get(key) ?? { tokens: this.burst, at: now };
    b.tokens = Math.min(this.burst, b.tokens + ((now - b.at) / 1000) * this.perSecond);
    b.at = now;
    this.buckets.set(key, b);
    if (this.buckets.size > 50_000) this.prune(now);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfter: Math.max(1, Math.ceil((1 - b.tokens) / this.perSecond)) };
  }

  private prune(now: number): void {
    for (const [k, b] of this.buckets) {
      if (b.tokens + ((now - b.at) / 1000) * this.perSecond >= this.burst) this.buckets.delete(k);
    }
  }
}
