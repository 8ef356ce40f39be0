// The request guard of every labrunner web server (`lab serve`, the class server).
// Every loopback port is reachable by every page the learner's browser opens, so a
// page on another site must not be able to drive these servers:
//
// - DNS rebinding: a foreign name that resolves to 127.0.0.1 reaches a loopback server
//   with `Host: evil.example`. A server bound to loopback answers only its own loopback
//   name and port (or the public host it was told about).
// - Cross-site requests: a page elsewhere can POST a form (or a no-cors fetch) here.
//   State-changing requests must come from this origin: `Origin` equal to ours, and,
//   where the browser sends it, `Sec-Fetch-Site: same-origin` (a header pages cannot
//   set, https://www.w3.org/TR/fetch-metadata/). `Origin: null` (sent for a form post
//   under `Referrer-Policy: no-referrer`, or from a sandboxed frame) is accepted only
//   when Sec-Fetch-Site says the request came from this very origin.
// - API writes need `Content-Type: application/json`: a web page can only send that
//   cross-origin after a CORS preflight, which these servers never approve.
// - Clickjacking: another site may not show these pages in a frame (a framed sandbox
//   console or lab page under a decoy button makes the learner's own clicks deactivate
//   keys or run a cleanup; the request is then same-origin, so the checks above pass).
//   Every answer says `frame-ancestors 'none'` (CSP Level 2) and `X-Frame-Options: DENY`
//   (older browsers), https://developer.mozilla.org/docs/Web/HTTP/Headers/X-Frame-Options.
//
// Tokens (the class server's bearer tokens, the terminal's per-start token) are read
// by auth.ts; this file decides only whether a request may be answered at all.
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './app.ts';
import { HttpError } from './errors.ts';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

export const isLoopback = (host: string) => LOOPBACK.has(host);

export interface GuardOptions {
  /** The interface the server listens on; a loopback one turns the Host check on. */
  listenHost: string;
  /** `host[:port]` people reach the server by (behind a proxy, or a LAN name); always accepted. */
  publicHost?: string;
  /**
   * Keep the Host allow-list whatever the interface (`lab serve`): a server on 0.0.0.0 or
   * 127.0.0.2 is reachable by a rebound name just as one on 127.0.0.1 is (issue 16). The
   * allowed names are the loopback ones, the listen address itself and `allowHosts`.
   */
  strictHost?: boolean | ((path: string) => boolean);
  /** More names (or `name:port`) this server answers to (`lab serve --allow-host`). */
  allowHosts?: string[];
}

const WILDCARD = new Set(['', '0.0.0.0', '::', '[::]']);

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Whether the Host header names this server: its loopback name and port, or the public host. */
export function hostAllowed(
  host: string,
  localPort: number | undefined,
  o: GuardOptions,
  path = '/',
): boolean {
  const given = host.toLowerCase();
  if (o.publicHost && given === o.publicHost.toLowerCase()) return true;
  // The class server on a LAN address: reachable by any name anyway, no rebinding gain.
  const strict = typeof o.strictHost === 'function' ? o.strictHost(path) : o.strictHost;
  if (!strict && !isLoopback(o.listenHost)) return true;
  const extra = (o.allowHosts ?? []).map((h) => h.toLowerCase());
  if (extra.includes(given)) return true; // given with its port
  const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(given);
  if (!m) return false;
  const names = new Set([...LOOPBACK, ...extra]);
  const listen = o.listenHost.toLowerCase();
  if (!WILDCARD.has(listen)) names.add(listen.includes(':') ? `[${listen}]` : listen);
  if (!names.has(m[1])) return false;
  return localPort === undefined || Number(m[2] ?? 80) === localPort;
}

/** Why a state-changing request is refused, or undefined when it comes from this origin. */
export function crossSiteReason(h: {
  host: string;
  origin?: string;
  fetchSite?: string;
}): string | undefined {
  if (h.fetchSite && h.fetchSite !== 'same-origin' && h.fetchSite !== 'none') {
    return `a ${h.fetchSite} request`;
  }
  if (h.origin === undefined) return undefined; // not a browser (the CLI, curl)
  if (h.origin === 'null') return h.fetchSite === 'same-origin' ? undefined : 'an opaque origin';
  if (h.origin !== `http://${h.host}` && h.origin !== `https://${h.host}`) {
    return `origin ${h.origin}`;
  }
  return undefined;
}

/** No framing by any site; a page that sets its own CSP (the dashboard) already says so. */
const noFraming: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  c.res.headers.set('x-frame-options', 'DENY');
  if (!c.res.headers.has('content-security-policy')) {
    c.res.headers.set('content-security-policy', "frame-ancestors 'none'");
  }
};

export function guard(o: GuardOptions): MiddlewareHandler<AppEnv> {
  return async (c, next) => noFraming(c, () => checks(c, next));
  async function checks(c: Parameters<MiddlewareHandler<AppEnv>>[0], next: () => Promise<void>) {
    const host = c.req.header('host') ?? '';
    if (!hostAllowed(host, c.env?.incoming?.socket?.localPort, o, c.req.path)) {
      throw new HttpError(403, 'bad_host', `Unknown host name "${host}".`, {
        hint: 'Open the address the server printed at start.',
      });
    }
    if (SAFE.has(c.req.method)) return next();
    const why = crossSiteReason({
      host,
      origin: c.req.header('origin'),
      fetchSite: c.req.header('sec-fetch-site'),
    });
    if (why) {
      throw new HttpError(403, 'cross_origin', `Cross-origin request refused (${why}).`, {
        hint: 'Use the page this server serves.',
      });
    }
    if (
      c.req.path.startsWith('/api/') &&
      !/^application\/json\b/i.test(c.req.header('content-type') ?? '')
    ) {
      throw new HttpError(
        415,
        'unsupported_media_type',
        'Send a JSON body (Content-Type: application/json).',
      );
    }
    return next();
  }
}
