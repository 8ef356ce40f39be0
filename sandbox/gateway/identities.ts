// Who owns an access key, asked of the engine (`/_labrunner/whois`) and cached: the gateway needs
// it on every request (inactive keys, the activity log's principal) and must not add latency.
import type { EngineClient } from './engine.ts';

export interface Principal {
  accessKeyId: string;
  status: 'Active' | 'Inactive';
  /** null for temporary (assumed-role) keys. */
  userName: string | null;
  arn: string;
  accountId: string;
  /** The user's unique id (AIDA…), when the engine reports it. */
  userId?: string;
  /** Role sessions: the role that issued the session, and when (CloudTrail's sessionContext). */
  session?: SessionIssuer;
}

export interface SessionIssuer {
  issuerArn: string;
  /** The role's unique id (AROA…) when the session was issued. */
  issuerId: string;
  issuerName: string;
  /** ISO 8601, whole seconds. */
  createdAt?: string;
  /** When the session's credentials expire (AssumeRole's Credentials.Expiration), ISO 8601. */
  expiresAt?: string;
}

export interface IdentityCache {
  /** undefined when the engine does not know the key (moto then answers InvalidClientTokenId). */
  lookup(accessKeyId: string): Promise<Principal | undefined>;
  /** Forget everything: a key was created, deleted or (de)activated. */
  invalidate(): void;
}

/** Safety net only: key changes made through the gateway invalidate the cache at once. */
export const WHOIS_TTL_MS = 2_000;

// TTL uses the monotonic clock, not the gateway's injectable wall clock (tests freeze that one).
export function identityCache(engine: EngineClient, now = () => performance.now()): IdentityCache {
  const cache = new Map<string, { at: number; value: Promise<Principal | undefined> }>();
  let generation = 0;
  return {
    lookup(accessKeyId) {
      const hit = cache.get(accessKeyId);
      if (hit && now() - hit.at < WHOIS_TTL_MS) return hit.value;
      const gen = generation;
      // Concurrent requests with the same key share one engine round trip.
      const value = engine
        .getJson<Principal>(`/_labrunner/whois?accessKeyId=${encodeURIComponent(accessKeyId)}`)
        .catch(() => {
          // An engine without the whois endpoint (or a transient error) must not block the
          // request: moto still authenticates it. Do not cache the failure.
          if (generation === gen) cache.delete(accessKeyId);
          return undefined;
        });
      cache.set(accessKeyId, { at: now(), value });
      return value;
    },
    invalidate() {
      generation++;
      cache.clear();
    },
  };
}
