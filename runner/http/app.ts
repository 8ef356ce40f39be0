// One HTTP layer for `lab serve` and the class server, on Hono (docs/site.md says why):
// routing, the error handler, the JSON sender and JSON bodies. Route handlers throw
// HttpError (or LabError); this file turns every failure into one JSON shape.
import { Hono, type Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { HttpBindings } from '@hono/node-server';
import { isLabError } from '../errors.ts';
import { HttpError } from './errors.ts';

/** Every app carries the node request (the guard reads its local port from it). */
export type AppEnv = { Bindings: HttpBindings };
export type App = Hono<AppEnv>;
export type Ctx = Context<AppEnv>;

/** Everything an API returns is per-user and live: never cached, never sniffed. */
export const API_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
} as const;

/** The one JSON sender. */
export function json(
  c: Context,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): Response {
  return c.json(body as object, status as ContentfulStatusCode, { ...API_HEADERS, ...headers });
}

/**
 * The error body. The versioned class API (/api/v1/) keeps the envelope it published
 * (docs/class-api.md: `{"error": {code, message}}`); `lab serve`'s local API, read only
 * by our own pages, answers `{code, message, hint}`.
 */
function errorBody(path: string, e: HttpError) {
  const flat = {
    code: e.code,
    message: e.message,
    ...(e.hint ? { hint: e.hint } : {}),
    ...e.extra,
  };
  return path.startsWith('/api/v1/') ? { error: flat } : flat;
}

/** Render any failure: HttpError as is, LabError (sandbox down, …) as 503, the rest as 500. */
export function errorResponse(c: Context, e: unknown, name: string): Response {
  let err: HttpError;
  if (e instanceof HttpError) err = e;
  else if (isLabError(e) && e.code === 'invalid_payload') {
    err = new HttpError(400, e.code, e.message, {
      extra: { issues: (e as { issues?: unknown }).issues },
    });
  } else if (isLabError(e)) {
    // An environment problem the user can fix (e.g. the sandbox is stopped): say how.
    err = new HttpError(503, e.code, e.message, { hint: e.hint });
  } else {
    // Never echo internals (SQL, stacks, SDK text) to a client; the server's log has them.
    console.error(`${name}: unexpected failure on ${c.req.method} ${c.req.path}:`, e);
    err = new HttpError(500, 'internal', `The server failed; see the terminal of \`${name}\`.`);
  }
  return json(c, err.status, errorBody(c.req.path, err), err.headers);
}

/** A new app (or sub-app) whose errors render through errorResponse. */
export function newApp(name: string): App {
  const app = new Hono<AppEnv>();
  app.onError((e, c) => errorResponse(c, e, name));
  return app;
}

/**
 * 405 with `Allow` for a known path asked with another method. Call after the routes:
 * the catch-all handlers registered here only answer when no method matched.
 */
export function methodNotAllowed(app: App): App {
  const byPath = new Map<string, Set<string>>();
  for (const r of app.routes) {
    if (r.method === 'ALL') continue;
    byPath.set(r.path, (byPath.get(r.path) ?? new Set()).add(r.method));
  }
  for (const [path, methods] of byPath) {
    const allow = [...methods].join(', ');
    app.all(path, (c) => {
      throw new HttpError(405, 'method_not_allowed', `${c.req.method} is not allowed here.`, {
        headers: { allow },
      });
    });
  }
  return app;
}

/**
 * The JSON body, at most `limit` bytes; 415 unless it is application/json, 400 unless it is
 * a JSON object (`null`, an array, a number are 400 too: every route reads fields of it, and
 * `null.step` was a 500, issue 16). An empty body is `{}`.
 */
export async function readJSON(c: Context, limit = 16 * 1024): Promise<any> {
  if (!/^application\/json\b/i.test(c.req.header('content-type') ?? '')) {
    throw new HttpError(415, 'unsupported_media_type', 'Send the body as application/json.');
  }
  const text = await readText(c, limit);
  if (text === '') return {};
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (e) {
    throw new HttpError(400, 'invalid_json', `The body is not valid JSON: ${(e as Error).message}`);
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    const what = body === null ? 'null' : Array.isArray(body) ? 'an array' : typeof body;
    throw new HttpError(400, 'invalid_json', `The body must be a JSON object, not ${what}.`);
  }
  return body;
}

/** The body as text, refusing more than `limit` bytes (413) on Content-Length and while reading. */
export async function readText(c: Context, limit: number): Promise<string> {
  const tooLarge = () =>
    new HttpError(413, 'payload_too_large', `The body exceeds the limit of ${limit} bytes.`);
  const declared = Number(c.req.header('content-length'));
  if (Number.isFinite(declared) && declared > limit) throw tooLarge();
  const body = c.req.raw.body;
  if (!body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.length;
    if (size > limit) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
