// The small HTTP toolkit `lab serve` is built from: a handler chain, JSON in and
// out, and the request guard that keeps other web pages out of the local API.
import type { IncomingMessage, ServerResponse, RequestListener } from 'node:http';
import { isLabError } from '../errors.ts';

/**
 * One link of the chain. Return true when the request was answered; false passes it on.
 * Other features (the class server) mount their own handlers the same way.
 */
export type Handler = (
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
) => boolean | Promise<boolean>;

/** Everything the API returns is per-learner and live: never cached, never sniffed. */
const API_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

export function sendJSON(res: ServerResponse, status: number, body: unknown): true {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...API_HEADERS,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
  return true;
}

/** An API error: `code` is stable, `message` says what happened, `hint` how to fix it. */
export class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  readonly hint?: string;
  constructor(status: number, code: string, message: string, hint?: string) {
    super(message);
    this.status = status;
    this.code = code;
    this.hint = hint;
  }
}

export async function readJSON(req: IncomingMessage, limit = 16 * 1024): Promise<any> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += chunk.length;
    if (size > limit) throw new HttpError(413, 'too_large', 'The request body is too large.');
    chunks.push(chunk);
  }
  if (size === 0) return {};
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'bad_json', 'The request body is not valid JSON.');
  }
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/**
 * Refuse what a web page on another site could make a learner's browser send to this
 * local server: a foreign Host (DNS rebinding) when bound to loopback, and state-changing
 * requests from another origin or without a JSON body (a JSON content type forces a CORS
 * preflight, which this server never approves).
 */
export function guard(opts: { host: string }): Handler {
  const loopbackOnly = LOOPBACK.has(opts.host);
  return (req, res, url) => {
    const hostname = (req.headers.host ?? '').replace(/:\d+$/, '');
    if (loopbackOnly && !LOOPBACK.has(hostname)) {
      return sendJSON(res, 403, { code: 'bad_host', message: 'Unknown host name.' });
    }
    if (req.method === 'GET' || req.method === 'HEAD') return false;
    const origin = req.headers.origin;
    if (
      origin &&
      origin !== `http://${req.headers.host}` &&
      origin !== `https://${req.headers.host}`
    ) {
      return sendJSON(res, 403, { code: 'cross_origin', message: 'Cross-origin request refused.' });
    }
    if (
      url.pathname.startsWith('/api/') &&
      !/^application\/json\b/.test(req.headers['content-type'] ?? '')
    ) {
      return sendJSON(res, 415, {
        code: 'json_only',
        message: 'Send a JSON body (Content-Type: application/json).',
      });
    }
    return false;
  };
}

/** Run handlers in order until one answers; errors become JSON (API) or plain text. */
export function chain(handlers: Handler[]): RequestListener {
  return async (req, res) => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`);
    try {
      for (const h of handlers) if (await h(req, res, url)) return;
      if (url.pathname.startsWith('/api/')) {
        sendJSON(res, 404, { code: 'not_found', message: `No API at ${url.pathname}.` });
      } else {
        res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found\n');
      }
    } catch (e) {
      if (res.headersSent) return void res.destroy();
      if (e instanceof HttpError) {
        sendJSON(res, e.status, { code: e.code, message: e.message, hint: e.hint });
      } else if (isLabError(e)) {
        sendJSON(res, 503, { code: e.code, message: e.message, hint: e.hint });
      } else {
        // The message may come from an SDK; it never holds a secret, but keep it short.
        console.error('lab serve: unexpected failure on', req.method, url.pathname, e);
        sendJSON(res, 500, { code: 'internal', message: 'The server failed; see its terminal.' });
      }
    }
  };
}

/** Match `/api/labs/:id/progress`-style routes; returns the params or undefined. */
export function route(pattern: string, pathname: string): Record<string, string> | undefined {
  const p = pattern.split('/');
  const a = pathname.split('/');
  if (p.length !== a.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    if (p[i].startsWith(':')) {
      if (!a[i]) return undefined;
      try {
        params[p[i].slice(1)] = decodeURIComponent(a[i]);
      } catch {
        return undefined;
      }
    } else if (p[i] !== a[i]) return undefined;
  }
  return params;
}
