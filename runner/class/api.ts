// The class server's routes as one app: the versioned JSON API under /api/v1/
// (routes/api-v1.ts) and the instructor dashboard under /class/<id>/ (routes/dashboard.ts).
// Mounted alone by `lab class serve` and inside `lab serve --class`; both put the same
// guard in front (runner/http/guard.ts). docs/class-api.md documents every route.
import { HttpError, methodNotAllowed, newApp, type App } from '../http/index.ts';
import { access, DEFAULT_RATE } from './access.ts';
import { apiV1 } from './routes/api-v1.ts';
import { dashboard } from './routes/dashboard.ts';
import { hostedApi, hostedPages } from './routes/hosted.ts';
import { serverVerifier } from './server-verify.ts';
import { stepsFromLabs, type StepOrder } from './labs.ts';
import type { ClassStore } from './store/index.ts';
import type { HostedSandbox } from './hosted.ts';

export { DEFAULT_RATE };

export interface ClassApiOptions {
  store: ClassStore;
  /** sha256 of the admin token that may create classes over HTTP (see docs/class-api.md). */
  adminTokenHash?: string;
  /** Largest accepted body, bytes (default 64 KiB). */
  bodyLimit?: number;
  /** Per-token (and per-address for anonymous requests) rate limit. */
  rateLimit?: { perSecond: number; burst: number };
  stepOrder?: StepOrder;
  now?: () => number;
  /** This server hosts the sandbox: every join gets an account of its own (hosted.ts). */
  sandbox?: HostedSandbox;
}

/** The class routes. Paths outside /api/v1/ and /class/ fall through to the host app. */
export function classApi(opts: ClassApiOptions): App {
  const deps = {
    store: opts.store,
    stepOrder: opts.stepOrder ?? stepsFromLabs,
    now: opts.now ?? Date.now,
    access: access(opts.store, opts),
  };
  const app = newApp('lab class serve');
  // A class that hosts the sandbox checks its learners' claims in their accounts.
  const verifier = opts.sandbox?.ops
    ? serverVerifier({
        ...deps,
        sandbox: opts.sandbox,
        endpoint: opts.sandbox.endpoint ?? `http://127.0.0.1:${opts.sandbox.gatewayPort}`,
      })
    : undefined;
  app.route(
    '/',
    apiV1({
      ...deps,
      adminTokenHash: opts.adminTokenHash,
      bodyLimit: opts.bodyLimit ?? 64 * 1024,
      sandbox: opts.sandbox,
      verifier,
    }),
  );
  app.route('/', dashboard(deps));
  // A class that hosts the sandbox: accounts, activity, reset, end (routes/hosted.ts).
  app.route('/', hostedApi({ ...deps, sandbox: opts.sandbox }));
  app.route('/', hostedPages({ ...deps, sandbox: opts.sandbox }));
  methodNotAllowed(app);
  app.all('/api/v1/*', (c) => {
    throw new HttpError(404, 'not_found', `No route ${c.req.path}.`);
  });
  return app;
}
