// Who is calling the class server, and how often: tokens resolved through the store,
// every anonymous or failed attempt charged to the client address, every valid token
// to its own bucket (429 with Retry-After when one is empty).
import type { Context } from 'hono';
import { HttpError, RateLimiter, requestToken, type AppEnv } from '../http/index.ts';
import { hashToken } from './tokens.ts';
import type { ClassStore, Principal } from './store/index.ts';

export const DEFAULT_RATE = { perSecond: 50, burst: 100 };

export interface Access {
  /** Take one request from `key`'s bucket, or throw 429. */
  throttle(key: string): void;
  /** The bucket key of a request without a valid token. */
  address(c: Context<AppEnv>): string;
  /** The caller's principal from a bearer token (or the named cookie). */
  principal(c: Context<AppEnv>, cookieName?: string): Promise<Principal>;
  /** The caller, who must be the instructor of `classId`. */
  instructorOf(c: Context<AppEnv>, classId: string, cookieName?: string): Promise<Principal>;
}

export function access(
  store: ClassStore,
  o: { rateLimit?: { perSecond: number; burst: number }; now?: () => number },
): Access {
  const limiter = new RateLimiter({ ...(o.rateLimit ?? DEFAULT_RATE), now: o.now });
  const throttle = (key: string) => {
    const r = limiter.take(key);
    if (r.ok) return;
    throw new HttpError(429, 'rate_limited', `Too many requests; retry in ${r.retryAfter}s.`, {
      extra: { retryAfter: r.retryAfter },
      headers: { 'retry-after': String(r.retryAfter) },
    });
  };
  const address = (c: Context<AppEnv>) => `ip:${c.env?.incoming?.socket?.remoteAddress ?? '?'}`;

  async function principal(c: Context<AppEnv>, cookieName?: string): Promise<Principal> {
    const token = requestToken(c, cookieName);
    if (!token) {
      throttle(address(c));
      throw new HttpError(
        401,
        'missing_token',
        'This needs a token: Authorization: Bearer <token>.',
        {
          headers: { 'www-authenticate': 'Bearer' },
        },
      );
    }
    const who = await store.authenticate(token);
    if (!who) {
      throttle(address(c));
      throw new HttpError(401, 'invalid_token', 'The token is not valid for this server.', {
        headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
      });
    }
    throttle(`tok:${hashToken(token)}`);
    return who;
  }

  async function instructorOf(c: Context<AppEnv>, classId: string, cookieName?: string) {
    const who = await principal(c, cookieName);
    if (who.role !== 'instructor' || who.classId !== classId) {
      throw new HttpError(403, 'forbidden', 'Reports need the instructor token of this class.');
    }
    return who;
  }

  return { throttle, address, principal, instructorOf };
}
