// Who may use `lab serve`: whoever holds this instance's token, and nobody else.
//
// Every loopback port is open to every local user and every web page the learner opens,
// and cookies are not bound to a port (RFC 6265 §8.5: "cookies do not provide isolation by
// port"): a cookie this server set is sent to any other server on 127.0.0.1, where another
// local user can read it (issue 16). So no cookie is ever trusted here. Instead:
//
// - `lab serve` makes a random token per start and prints `http://127.0.0.1:<port>/#token=…`.
//   The fragment never leaves the browser (not in requests, not in Referer).
// - The page moves it into sessionStorage, which is scoped to the exact origin, port
//   included, and to the tab; it strips it from the address bar (site/scripts/session.ts).
// - The page sends it in `X-Lab-Token` on every API call and as a WebSocket subprotocol
//   (`lab-token.<token>`) for the terminal. A page on another origin cannot read it, and a
//   header it cannot add without a CORS preflight that this server never approves.
// - The learner's own programs read it from `<lab home>/serve/<port>.json` (0600, in a 0700
//   folder): other local users cannot.
// - A request with no Origin (curl, a script) is as untrusted as a foreign one: the token
//   decides, never the absence of a header.
// - Revocable: a restart makes a new token; "Sign out" on the page (POST /api/session/signout)
//   replaces it at once, so every tab and copied address stops working; `lab serve` prints
//   the new address in its own terminal.
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MiddlewareHandler } from 'hono';
import { HttpError, sameSecret, type AppEnv } from '../http/index.ts';
import { privateHome } from '../paths.ts';

/** The header the page (and the learner's scripts) send the token in. */
export const TOKEN_HEADER = 'x-lab-token';
/** The terminal's WebSocket subprotocols: this one is chosen, the other carries the token. */
export const WS_PROTOCOL = 'labrunner.terminal';
export const WS_TOKEN_PREFIX = 'lab-token.';

export interface ServeAccess {
  /** The token now (it changes on sign-out). */
  readonly token: string;
  /** Whether `given` is the current token (constant time). */
  valid(given: string | undefined | null): boolean;
  /** Revoke the current token and make a new one (sign-out); listeners hear the new one. */
  rotate(): string;
  onRotate(fn: (token: string) => void): void;
}

const newToken = () => randomBytes(32).toString('base64url');

export function serveAccess(token: string = newToken()): ServeAccess {
  let current = token;
  const listeners: ((t: string) => void)[] = [];
  return {
    get token() {
      return current;
    },
    valid: (given) => typeof given === 'string' && given !== '' && sameSecret(given, current),
    rotate() {
      current = newToken();
      for (const fn of listeners) fn(current);
      return current;
    },
    onRotate: (fn) => void listeners.push(fn),
  };
}

/** The token a WebSocket upgrade offers among its subprotocols, if any. */
export function tokenFromProtocols(header: string | string[] | undefined): string | undefined {
  const list = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',');
  for (const p of list) {
    const v = p.trim();
    if (v.startsWith(WS_TOKEN_PREFIX)) return v.slice(WS_TOKEN_PREFIX.length);
  }
  return undefined;
}

/**
 * Every `/api/` route of `lab serve` needs the token, whatever Origin the request says
 * (or none). The class server mounted under `/api/v1/` keeps its own bearer tokens (its
 * learners are on other machines; runner/class/access.ts).
 */
export function requireToken(access: ServeAccess): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const p = c.req.path;
    if (!p.startsWith('/api/') || p.startsWith('/api/v1/')) return next();
    if (!access.valid(c.req.header(TOKEN_HEADER))) {
      throw new HttpError(
        401,
        'signed_out',
        'This page is not signed in to `lab serve` (or signed out since).',
        {
          hint: 'Open the address `lab serve` printed in its terminal (it ends with `#token=…`).',
          headers: { 'cache-control': 'no-store' },
        },
      );
    }
    return next();
  };
}

// The learner's own programs find a running `lab serve` here: one file per port, so two
// servers on two ports never overwrite (or revoke) each other.

export const serveDir = (home: string) => join(home, 'serve');
export const tokenFile = (home: string, port: number) => join(serveDir(home), `${port}.json`);

export interface TokenRecord {
  url: string;
  token: string;
  pid: number;
}

/** Write (or rewrite after a sign-out) this server's token file, 0600 in a 0700 folder. */
export function writeTokenFile(home: string, port: number, r: TokenRecord): string {
  const dir = serveDir(privateHome(home));
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const file = tokenFile(home, port);
  writeFileSync(file, JSON.stringify(r) + '\n', { mode: 0o600 });
  chmodSync(file, 0o600); // writeFileSync keeps an existing file's mode
  return file;
}

export function readTokenFile(home: string, port: number): TokenRecord | undefined {
  try {
    return JSON.parse(readFileSync(tokenFile(home, port), 'utf8')) as TokenRecord;
  } catch {
    return undefined;
  }
}

export function removeTokenFile(home: string, port: number): void {
  rmSync(tokenFile(home, port), { force: true });
}

/** The `lab serve`s of this lab home that are still running (their process is alive). */
export function runningServers(home: string): TokenRecord[] {
  let names: string[] = [];
  try {
    names = readdirSync(serveDir(home)).filter((n) => /^\d+\.json$/.test(n));
  } catch {
    return [];
  }
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch (e) {
      return (e as NodeJS.ErrnoException).code === 'EPERM';
    }
  };
  return names
    .map((n) => readTokenFile(home, Number(n.slice(0, -5))))
    .filter((r): r is TokenRecord => !!r && typeof r.pid === 'number' && alive(r.pid));
}
