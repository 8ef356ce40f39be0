// `lab serve`: the static site plus a small local API, as one node:http handler chain:
//
//   guard → extra handlers (e.g. the class server) → /api/info, /api/labs/… →
//   /api/console/… (sandbox only) → files from dist/ → 404
//
// Other features add their routes by passing `handlers` (see docs/site.md).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { IAMClient } from '@aws-sdk/client-iam';
import { chain, guard, type Handler } from './http.ts';
import { labsApi, type LabsApiOptions } from './api.ts';
import { consoleApi } from './console-api.ts';
import { staticFiles } from './static.ts';

export { chain, guard, sendJSON, readJSON, route, HttpError, type Handler } from './http.ts';
export { labsApi, type LabsApiOptions, type ServerInfo, type Progress } from './api.ts';
export { consoleApi } from './console-api.ts';
export { staticFiles } from './static.ts';
export { buildSite, staleReason, PROJECT_ROOT } from './build.ts';

export interface SiteServerOptions {
  /** The static build to serve (astro build's outDir). */
  distDir: string;
  /** The interface the server listens on; decides the Host check (see guard). */
  host: string;
  /** Progress and checks; absent → only the static files are served. */
  labs?: LabsApiOptions;
  /** The sandbox console's IAM client (sandbox target only). */
  console?: { iam: () => IAMClient };
  /** Mounted after the guard and before the site's own routes. */
  handlers?: Handler[];
}

export function createSiteServer(o: SiteServerOptions): Server {
  const handlers: Handler[] = [guard({ host: o.host }), ...(o.handlers ?? [])];
  if (o.labs) handlers.push(labsApi(o.labs));
  if (o.console) handlers.push(consoleApi(o.console));
  handlers.push(staticFiles(o.distDir));
  return createServer(chain(handlers));
}

/** Listen and return the URL to open. Port 0 picks a free port. */
export function listen(server: Server, port: number, host: string): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const a = server.address() as AddressInfo;
      const h = a.family === 'IPv6' ? `[${a.address}]` : a.address;
      resolve(`http://${host === '0.0.0.0' || host === '::' ? 'localhost' : h}:${a.port}/`);
    });
  });
}
