// The class server's HTTP handler: the versioned JSON API under /api/v1/ and
// the instructor dashboard under /class/<id>/. Plain node:http; mountable in
// `lab serve` (it answers only its own paths and returns false for the rest).
// docs/class-api.md documents every route.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isLabError } from '../errors.ts';
import { hashToken, sameHash } from './tokens.ts';
import { HttpError, RateLimiter, readBody, readJson, sendError, sendJson } from './http.ts';
import { CreateClassIn, JoinIn, ReportQuery, ResultsIn, validate } from './schema.ts';
import { buildReport, reportLabs, type LabReport } from './report.ts';
import { buildOverview } from './overview.ts';
import { reportCsv } from './render/csv.ts';
import { dashboardHtml, loginHtml } from './render/html.ts';
import { stepsFromLabs, type StepOrder } from './labs.ts';
import type { ClassStore, Principal } from './store/index.ts';

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
}

export type ClassHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

export const DEFAULT_RATE = { perSecond: 50, burst: 100 };

export function classApi(opts: ClassApiOptions): ClassHandler {
  const { store } = opts;
  const limit = opts.bodyLimit ?? 64 * 1024;
  const limiter = new RateLimiter({ ...(opts.rateLimit ?? DEFAULT_RATE), now: opts.now });
  const now = opts.now ?? Date.now;
  const stepOrder = opts.stepOrder ?? stepsFromLabs;

  const throttle = (key: string) => {
    const r = limiter.take(key);
    if (!r.ok) {
      throw new HttpError(
        429,
        'rate_limited',
        `Too many requests; retry in ${r.retryAfter}s.`,
        { retryAfter: r.retryAfter },
        { 'retry-after': String(r.retryAfter) },
      );
    }
  };
  const address = (req: IncomingMessage) => `ip:${req.socket.remoteAddress ?? '?'}`;

  /** The caller's principal from a bearer token (or the dashboard cookie), rate limited. */
  async function principal(req: IncomingMessage, cookieName?: string): Promise<Principal> {
    const token = bearer(req) ?? (cookieName ? cookie(req, cookieName) : undefined);
    if (!token) {
      throttle(address(req));
      throw new HttpError(
        401,
        'missing_token',
        'This needs a token: Authorization: Bearer <token>.',
        {},
        {
          'www-authenticate': 'Bearer',
        },
      );
    }
    const who = await store.authenticate(token);
    if (!who) {
      throttle(address(req));
      throw new HttpError(
        401,
        'invalid_token',
        'The token is not valid for this server.',
        {},
        {
          'www-authenticate': 'Bearer error="invalid_token"',
        },
      );
    }
    throttle(`tok:${hashToken(token)}`);
    return who;
  }

  const instructorOf = async (req: IncomingMessage, classId: string, cookieName?: string) => {
    const who = await principal(req, cookieName);
    if (who.role !== 'instructor' || who.classId !== classId) {
      throw new HttpError(403, 'forbidden', 'Reports need the instructor token of this class.');
    }
    return who;
  };

  async function report(classId: string, query: URLSearchParams, overview = false) {
    const q = validate(ReportQuery, Object.fromEntries(query));
    // The dashboard of a class with several labs shows only an overview: skip the details.
    // The database aggregates it (O(labs × steps) rows come back, not every progress row).
    const r =
      overview && !q.lab && (await store.labs(classId)).length > 1
        ? await buildOverview(store, classId, { stepOrder, now: now() })
        : await buildReport(store, classId, { lab: q.lab, stepOrder, now: now() });
    if (!r) throw new HttpError(404, 'no_such_class', `No class ${classId}.`);
    return { q, r };
  }

  /** A full report (CSV and JSON formats need every cell). */
  async function fullReport(classId: string, query: URLSearchParams) {
    const { q, r } = await report(classId, query);
    if ('overview' in r) throw new Error('unreachable: an overview without overview=true');
    return { q, r };
  }

  function sendHtml(res: ServerResponse, status: number, html: (nonce: string) => string) {
    const nonce = randomBytes(16).toString('base64');
    const body = html(nonce);
    res.writeHead(status, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      // No script at all: learner-supplied text that slipped through would still be inert.
      'content-security-policy': `default-src 'none'; style-src 'nonce-${nonce}'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
    });
    res.end(body);
  }

  function sendCsv(res: ServerResponse, name: string, csv: string) {
    res.writeHead(200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${name.replace(/[^\w.-]/g, '_')}.csv"`,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    });
    res.end(csv);
  }

  const routes: [
    string,
    RegExp,
    (req: IncomingMessage, res: ServerResponse, m: RegExpMatchArray, url: URL) => Promise<void>,
  ][] = [
    [
      'GET',
      /^\/api\/v1\/health$/,
      async (_req, res) => sendJson(res, 200, { ok: true, api: 'v1', store: store.kind }),
    ],
    [
      'POST',
      /^\/api\/v1\/classes$/,
      async (req, res) => {
        const token = bearer(req);
        if (!opts.adminTokenHash || !token || !sameHash(hashToken(token), opts.adminTokenHash)) {
          throttle(address(req));
          throw new HttpError(
            401,
            token ? 'invalid_token' : 'missing_token',
            'Creating a class needs the server admin token.',
          );
        }
        const body = validate(CreateClassIn, await readJson(req, limit));
        sendJson(res, 201, await store.createClass(body.name, now()));
      },
    ],
    [
      'POST',
      /^\/api\/v1\/join$/,
      async (req, res) => {
        // Join codes are guessable in principle: every attempt costs the address a request.
        throttle(address(req));
        const body = validate(JoinIn, await readJson(req, limit));
        const joined = await store.join(body.code, body.name, body.iamUser, now());
        if (!joined) throw new HttpError(404, 'unknown_code', 'No class has this join code.');
        sendJson(res, 201, joined);
      },
    ],
    [
      'GET',
      /^\/api\/v1\/me$/,
      async (req, res) => {
        const who = await principal(req);
        const cls = await store.getClass(who.classId);
        sendJson(res, 200, { ...who, className: cls?.name });
      },
    ],
    [
      'POST',
      /^\/api\/v1\/results$/,
      async (req, res) => {
        const who = await principal(req);
        if (who.role !== 'learner' || !who.learnerId) {
          throw new HttpError(403, 'forbidden', 'Only a learner token can send results.');
        }
        const body = validate(ResultsIn, await readJson(req, limit));
        // The learner is the token's learner: a payload cannot name anyone else.
        const out = await store.recordResults(
          { classId: who.classId, learnerId: who.learnerId },
          body.results,
          now(),
        );
        sendJson(res, 200, out);
      },
    ],
    [
      'GET',
      /^\/api\/v1\/classes\/([\w-]+)\/report$/,
      async (req, res, m, url) => {
        await instructorOf(req, m[1]);
        if (url.searchParams.get('format') === 'html') {
          const { q, r } = await report(m[1], url.searchParams, true);
          return sendHtml(res, 200, (n) => dashboardHtml(r, links(m[1], q.lab), n));
        }
        if (url.searchParams.get('format') === 'csv') {
          const { r } = await fullReport(m[1], url.searchParams);
          return sendCsv(res, `${r.class.name}-report`, reportCsv(r));
        }
        const q = validate(ReportQuery, Object.fromEntries(url.searchParams));
        const r = await reportLabs(store, m[1], { lab: q.lab, stepOrder, now: now() });
        if (!r) throw new HttpError(404, 'no_such_class', `No class ${m[1]}.`);
        await sendReportJson(res, r);
      },
    ],
    [
      'GET',
      /^\/class\/([\w-]+)\/dashboard$/,
      async (req, res, m, url) => {
        try {
          await instructorOf(req, m[1], cookieName(m[1]));
        } catch (e) {
          if (e instanceof HttpError && (e.status === 401 || e.status === 403)) {
            // No class name before sign-in: the page must not tell strangers what a class id is.
            return sendHtml(res, e.status, (n) => loginHtml(undefined, `/class/${m[1]}/login`, n));
          }
          throw e;
        }
        const { q, r } = await report(m[1], url.searchParams, true);
        sendHtml(res, 200, (n) => dashboardHtml(r, links(m[1], q.lab), n));
      },
    ],
    [
      'POST',
      /^\/class\/([\w-]+)\/login$/,
      async (req, res, m) => {
        throttle(address(req));
        const form = new URLSearchParams((await readBody(req, 4096)).toString('utf8'));
        const token = form.get('token')?.trim() ?? '';
        const who = token ? await store.authenticate(token) : undefined;
        if (!who || who.role !== 'instructor' || who.classId !== m[1]) {
          return sendHtml(res, 401, (n) =>
            loginHtml(
              undefined,
              `/class/${m[1]}/login`,
              n,
              'That is not the instructor token of this class.',
            ),
          );
        }
        // The cookie holds the token for this class's pages only; scripts cannot read it.
        res.writeHead(303, {
          location: `/class/${m[1]}/dashboard`,
          'set-cookie': `${cookieName(m[1])}=${token}; HttpOnly; SameSite=Strict; Path=/class/${m[1]}/${https(req) ? '; Secure' : ''}`,
          'cache-control': 'no-store',
        });
        res.end();
      },
    ],
    [
      'GET',
      /^\/class\/([\w-]+)\/report\.csv$/,
      async (req, res, m, url) => {
        await instructorOf(req, m[1], cookieName(m[1]));
        const lab = url.searchParams.get('lab');
        const { r } = await fullReport(m[1], new URLSearchParams(lab ? { lab } : {}));
        sendCsv(res, `${r.class.name}-report`, reportCsv(r));
      },
    ],
  ];

  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://class.local');
    if (!url.pathname.startsWith('/api/v1/') && !url.pathname.startsWith('/class/')) return false;
    try {
      const matching = routes.filter(([, re]) => re.test(url.pathname));
      if (matching.length === 0) throw new HttpError(404, 'not_found', `No route ${url.pathname}.`);
      const route = matching.find(([method]) => method === req.method);
      if (!route) {
        throw new HttpError(
          405,
          'method_not_allowed',
          `${req.method} is not allowed here.`,
          {},
          {
            allow: matching.map(([m]) => m).join(', '),
          },
        );
      }
      await route[2](req, res, url.pathname.match(route[1])!, url);
    } catch (e) {
      if (res.headersSent) {
        res.destroy();
      } else if (e instanceof HttpError) {
        sendError(res, e);
      } else if (isLabError(e) && e.code === 'invalid_payload') {
        sendError(
          res,
          new HttpError(400, e.code, e.message, { issues: (e as { issues?: unknown }).issues }),
        );
      } else {
        // Never echo internals (SQL, stack) to a client; the server log has them.
        console.error('class api:', e);
        sendError(res, new HttpError(500, 'internal', 'The class server failed; see its log.'));
      }
    }
    return true;
  };
}

/**
 * The report as JSON, written a lab at a time: the same bytes as JSON.stringify of the whole
 * report, without holding a whole class's cells (60,000 for 1,000 learners × 10 labs × 6
 * steps) in memory at once. A failure after the first byte ends the response (the handler
 * destroys it) instead of sending half a document as if whole.
 */
async function sendReportJson(
  res: ServerResponse,
  r: { class: { id: string; name: string }; generatedAt: number; labs: AsyncIterable<LabReport> },
): Promise<void> {
  res.writeHead(200, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.write(
    `{"class":${JSON.stringify(r.class)},"generatedAt":${JSON.stringify(r.generatedAt)},"labs":[`,
  );
  let sep = '';
  for await (const lab of r.labs) {
    if (res.destroyed) return;
    res.write(sep + JSON.stringify(lab));
    sep = ',';
  }
  res.end(']}');
}

const cookieName = (classId: string) => `lab_class_${classId.replace(/[^\w]/g, '_')}`;

function links(classId: string, lab?: string) {
  return {
    csv: `/class/${classId}/report.csv${lab ? `?lab=${encodeURIComponent(lab)}` : ''}`,
    lab: (l: string) => `/class/${classId}/dashboard?lab=${encodeURIComponent(l)}`,
    all: lab ? `/class/${classId}/dashboard` : undefined,
  };
}

/** Behind a TLS-terminating proxy (or on TLS), the cookie must only travel over HTTPS. */
function https(req: IncomingMessage): boolean {
  return (
    (req.socket as { encrypted?: boolean }).encrypted === true ||
    String(req.headers['x-forwarded-proto'] ?? '').toLowerCase() === 'https'
  );
}

function bearer(req: IncomingMessage): string | undefined {
  const m = /^Bearer\s+(\S+)$/i.exec(String(req.headers.authorization ?? ''));
  return m?.[1];
}

function cookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of String(req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}
