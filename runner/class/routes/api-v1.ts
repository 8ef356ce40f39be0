// The class server's JSON API under /api/v1/ (docs/class-api.md documents each route).
import { Hono } from 'hono';
import {
  HttpError,
  bearerToken,
  csvFile,
  htmlPage,
  json,
  readJSON,
  type AppEnv,
} from '../../http/index.ts';
import { hashToken, sameHash } from '../tokens.ts';
import { CreateClassIn, JoinIn, ResultsIn, validate } from '../schema.ts';
import { reportCsv } from '../render/csv.ts';
import { dashboardHtml } from '../render/html.ts';
import type { Access } from '../access.ts';
import { classEnded, hostedJoin, keysMayTravel, type HostedSandbox } from '../hosted.ts';
import type { ServerVerifier } from '../server-verify.ts';
import {
  dashboardLinks,
  fullReport,
  labReports,
  report,
  reportJsonStream,
  type ReportDeps,
} from './reports.ts';

export interface ApiV1Deps extends ReportDeps {
  access: Access;
  /** sha256 of the admin token that may create classes over HTTP. */
  adminTokenHash?: string;
  bodyLimit: number;
  /** Set when this class server hosts the sandbox: each join makes an account (hosted.ts). */
  sandbox?: HostedSandbox;
  /** …and checks what its learners report in their accounts (server-verify.ts). */
  verifier?: ServerVerifier;
}

/** A learner's clock may run a little ahead of the server's. */
const FUTURE_SLACK_MS = 5 * 60_000;
/**
 * …or behind it, by far more (a laptop that never synced, a wrong time zone set as UTC):
 * results are stamped by the learner's clock when the check ran. A year before the class
 * was created still refuses 1970 and other impossible dates without losing a real result.
 */
const PAST_SLACK_MS = 366 * 86_400_000;

/**
 * A result's time is when its check ran: not long before the class existed, not in the
 * future (a few minutes of clock skew aside). A report sorted by time must not be led by a
 * result "from" the year 33658 (issue 16).
 */
function saneTimes(results: { at: number }[], createdAt: number | undefined, now: number) {
  const from = (createdAt ?? now) - PAST_SLACK_MS;
  const to = now + FUTURE_SLACK_MS;
  const i = results.findIndex((r) => r.at < from || r.at > to);
  if (i < 0) return;
  const iso = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
  const at = results[i].at;
  throw new HttpError(
    400,
    'invalid_payload',
    `results.${i}.at: ${Number.isFinite(new Date(at).getTime()) ? iso(at) : at} is ${
      at > to ? 'in the future' : 'long before the class was created'
    }; it must be between ${iso(from)} and ${iso(to)}.`,
    {
      hint: "Check this computer's clock (results carry the time their check ran).",
      extra: { issues: [{ path: `results.${i}.at`, message: 'outside the class time window' }] },
    },
  );
}

export function apiV1(d: ApiV1Deps): Hono<AppEnv> {
  const { store, access, now } = d;
  const app = new Hono<AppEnv>();

  // Healthy means the store answers: a server whose database is down is not "ok".
  app.get('/api/v1/health', async (c) => {
    try {
      await store.ping();
    } catch (e) {
      console.error(`class server: health probe: the ${store.kind} store does not answer:`, e);
      return json(c, 503, {
        ok: false,
        api: 'v1',
        store: store.kind,
        error: { code: 'store_unavailable', message: `The ${store.kind} store does not answer.` },
      });
    }
    return json(c, 200, { ok: true, api: 'v1', store: store.kind });
  });

  app.post('/api/v1/classes', async (c) => {
    const token = bearerToken(c);
    if (!d.adminTokenHash || !token || !sameHash(hashToken(token), d.adminTokenHash)) {
      access.throttle(access.address(c));
      throw new HttpError(
        401,
        token ? 'invalid_token' : 'missing_token',
        'Creating a class needs the server admin token.',
      );
    }
    const body = validate(CreateClassIn, await readJSON(c, d.bodyLimit));
    return json(c, 201, await store.createClass(body.name, now()));
  });

  app.post('/api/v1/join', async (c) => {
    // Join codes are guessable in principle: every attempt costs the address a request.
    access.throttle(access.address(c));
    const body = validate(JoinIn, await readJSON(c, d.bodyLimit));
    if (d.sandbox) keysMayTravel(c, d.sandbox); // before anything is made (hosted.ts)
    // `lab join` again from the same lab home sends its learner token: the same learner (and
    // hosted account) comes back rather than a second "Ada (2)".
    const token = bearerToken(c);
    const joined =
      (token ? await store.rejoin(token, body.code, body.name) : undefined) ??
      (await store.join(body.code, body.name, body.iamUser, now()));
    if (!joined) throw new HttpError(404, 'unknown_code', 'No class has this join code.');
    if (d.sandbox) {
      if (await store.hosted.endedAt(joined.classId)) throw classEnded();
      const sandbox = await hostedJoin(c, d.sandbox, store, joined, now());
      return json(c, 201, { ...joined, sandbox });
    }
    return json(c, 201, joined);
  });

  app.get('/api/v1/me', async (c) => {
    const who = await access.principal(c);
    const cls = await store.getClass(who.classId);
    return json(c, 200, { ...who, className: cls?.name });
  });

  app.post('/api/v1/results', async (c) => {
    const who = await access.principal(c);
    if (who.role !== 'learner' || !who.learnerId) {
      throw new HttpError(403, 'forbidden', 'Only a learner token can send results.');
    }
    const body = validate(ResultsIn, await readJSON(c, d.bodyLimit));
    saneTimes(body.results, (await store.getClass(who.classId))?.createdAt, now());
    // The learner is the token's learner: a payload cannot name anyone else.
    const learner = { classId: who.classId, learnerId: who.learnerId };
    const out = await store.recordResults(learner, body.results, now());
    const labs = [...new Set(body.results.filter((r) => !r.quiz).map((r) => r.lab))];
    if (d.verifier && labs.length) d.verifier.schedule(who.classId, who.learnerId, labs);
    return json(c, 200, out);
  });

  app.get('/api/v1/classes/:id/report', async (c) => {
    const id = c.req.param('id');
    await access.instructorOf(c, id);
    const query = new URL(c.req.url).searchParams;
    if (query.get('format') === 'html') {
      const { q, r } = await report(d, id, query, true);
      return htmlPage(c, 200, (n) => dashboardHtml(r, dashboardLinks(id, q.lab), n));
    }
    if (query.get('format') === 'csv') {
      const { r } = await fullReport(d, id, query);
      return csvFile(c, `${r.class.name}-report`, reportCsv(r));
    }
    return c.body(reportJsonStream(await labReports(d, id, query)), 200, {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    });
  });

  return app;
}
