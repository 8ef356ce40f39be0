// The one HTTP layer under `lab serve` and the class server (docs/site.md, "HTTP layer").
export { HttpError, type HttpErrorMore } from './errors.ts';
export {
  newApp,
  json,
  readJSON,
  readText,
  errorResponse,
  methodNotAllowed,
  API_HEADERS,
  type App,
  type AppEnv,
  type Ctx,
} from './app.ts';
export { guard, hostAllowed, crossSiteReason, isLoopback, type GuardOptions } from './guard.ts';
export { bearerToken, requestToken, isHttps, sameSecret } from './auth.ts';
export { RateLimiter } from './rate-limit.ts';
export { nodeListener, nodeServer, listen } from './node.ts';
export { htmlPage, csvFile } from './page.ts';
