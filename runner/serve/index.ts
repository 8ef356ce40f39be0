// `lab serve`: the static site plus a small local API, as one app on the shared HTTP
// layer (runner/http/):
//
//   guard → compression → mounted apps (e.g. the class server) → token (access.ts) →
//   /api/info, /api/session/signout, /api/labs/… → /api/console/… (sandbox only) →
//   files from dist/ → 404
//
// Other features add their routes by passing `mount` (see docs/site.md).
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import type { IAMClient } from '@aws-sdk/client-iam';
import {
  errorResponse,
  guard,
  HttpError,
  json,
  newApp,
  nodeServer,
  type App,
} from '../http/index.ts';
import { compress } from '../http/compress.ts';
import { labsApi, type LabsApiOptions } from './api.ts';
import { consoleApi } from './console-api.ts';
import { staticFiles } from './static.ts';
import { type Terminal } from './terminal.ts';
import { requireToken, serveAccess, type ServeAccess } from './access.ts';

export { listen } from '../http/index.ts';
export { labsApi, type LabsApiOptions, type ServerInfo, type Progress } from './api.ts';
export { consoleApi } from './console-api.ts';
export { staticFiles } from './static.ts';
export { embeddedTerminal, TERMINAL_PATH, type Terminal } from './terminal.ts';
export { buildSite, staleReason, PROJECT_ROOT } from './build.ts';
export * from './access.ts';

export interface SiteServerOptions {
  /** The static build to serve (astro build's outDir). */
  distDir: string;
  /** The interface the server listens on; decides the Host check (runner/http/guard.ts). */
  host: string;
  /** `host[:port]` the site is also reached by (see runner/http/guard.ts). */
  publicHost?: string;
  /** Progress and checks; absent → only the static files are served. */
  labs?: LabsApiOptions;
  /** The sandbox console's IAM client (sandbox target only). */
  console?: { iam: () => IAMClient };
  /** Apps mounted after the guard and before the site's own routes (the class server). */
  mount?: App[];
  /** The embedded terminal (loopback only; see terminal.ts), built with the same `access`. */
  terminal?: Terminal;
  /** Who may use the API: the holder of this instance's token (default: a fresh one). */
  access?: ServeAccess;
  /** Host names besides loopback this server answers to (`--allow-host`). */
  allowHosts?: string[];
}

export function siteApp(o: SiteServerOptions): App {
  const app = newApp('lab serve');
  app.use(
    guard({
      listenHost: o.host,
      publicHost: o.publicHost,
      // The class server mounted with --class keeps its own rule (any Host beyond loopback:
      // learners on other machines use whatever name they have; its bearer tokens guard it).
      strictHost: (path) =>
        !(o.mount?.length && (path.startsWith('/api/v1/') || path.startsWith('/class/'))),
      allowHosts: o.allowHosts,
    }),
  );
  app.use(compress());
  const terminal = o.terminal;
  const access = o.access ?? serveAccess();
  for (const m of o.mount ?? []) app.route('/', m);
  // A server of files only (a static host's stand-in) has no API to guard: /api/ stays 404.
  if (o.labs || o.console) app.use(requireToken(access));
  if (o.labs) {
    const info = o.labs.info;
    app.get('/api/info', (c) => json(c, 200, { ...info, terminal: terminal ? 'ready' : 'off' }));
  }
  // Sign out: the token stops working everywhere (every tab, every copy of the address,
  // open terminals); `lab serve` prints the new address in its own terminal (onRotate).
  if (o.labs || o.console) {
    app.post('/api/session/signout', (c) => {
      access.rotate();
      return json(c, 200, { signedOut: true });
    });
  }
  if (o.labs) app.route('/', labsApi(o.labs));
  if (o.console) app.route('/', consoleApi(o.console));
  app.route('/', staticFiles(o.distDir));
  app.notFound((c) => {
    if (c.req.path.startsWith('/api/')) {
      return errorResponse(c, new HttpError(404, 'not_found', `No API at ${c.req.path}.`), '');
    }
    // A page of the site (with its way back to the labs), not a bare line of text.
    c.header('cache-control', 'no-cache');
    return c.html(notFoundPage(o.distDir), 404);
  });
  return app;
}

const FALLBACK_404 =
  '<!doctype html><html lang="en"><meta charset="utf-8"><title>Page not found</title><main><h1>Page not found</h1><p><a href="/">See every lab</a></p></main></html>';

/** The build's 404 page (site/pages/404.astro), or a plain one for a build without it. */
function notFoundPage(distDir: string): string {
  try {
    return readFileSync(join(distDir, '404.html'), 'utf8');
  } catch {
    return FALLBACK_404;
  }
}

export function createSiteServer(o: SiteServerOptions): Server {
  const server = nodeServer(siteApp(o));
  o.terminal?.attach(server);
  return server;
}
