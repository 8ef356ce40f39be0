// Where a request's token comes from: `Authorization: Bearer <token>` (the CLI, scripts)
// or a cookie the server set after a sign-in form (pages). What a token allows is the
// caller's business (the class store, the terminal's per-start token).
import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import { timingSafeEqual } from 'node:crypto';

export function bearerToken(c: Context): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
}

/** The bearer token, else the named cookie's. */
export function requestToken(c: Context, cookieName?: string): string | undefined {
  return bearerToken(c) ?? (cookieName ? getCookie(c, cookieName) : undefined);
}

/** Behind a TLS-terminating proxy (or on TLS), a cookie must only travel over HTTPS. */
export function isHttps(c: Context): boolean {
  return (
    c.req.url.startsWith('https:') ||
    (c.env as { incoming?: { socket?: { encrypted?: boolean } } })?.incoming?.socket?.encrypted ===
      true ||
    (c.req.header('x-forwarded-proto') ?? '').toLowerCase() === 'https'
  );
}

/** Constant-time string comparison (for a per-start secret compared as is). */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
