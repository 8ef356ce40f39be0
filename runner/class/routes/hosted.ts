// The instructor's routes for a class that hosts the sandbox (docs/class-api.md): the JSON API
// the `lab class learners|activity|reset|end` commands call (bearer instructor token), and the
// dashboard's pages and forms (the sign-in cookie, plus a CSRF field derived from the token: the
// guard already refuses cross-origin posts, and a cookie is never enough on its own).
import { createHash, timingSafeEqual } from 'node:crypto';
import { Hono } from 'hono';
import {
  HttpError,
  htmlPage,
  json,
  readJSON,
  readText,
  requestToken,
  type AppEnv,
} from '../../http/index.ts';
import type { Access } from '../access.ts';
import { classEnded, hostedJoin, keysMayTravel, needOps, type HostedSandbox } from '../hosted.ts';
import {
  endClass,
  learnerAccounts,
  learnerActivity,
  learnerAccount,
  resetLearner,
} from '../hosted-ops.ts';
import { accountsPage, doneHtml, endPage, learnerPage } from '../render/hosted.ts';
import { errorHtml } from '../render/html.ts';
import type { ClassStore } from '../store/index.ts';
import { cookieName } from './dashboard.ts';

export interface HostedRoutesDeps {
  store: ClassStore;
  access: Access;
  now: () => number;
  sandbox?: HostedSandbox;
}

/** The form field that proves a post came from a page this server rendered for this token. */
export function csrfFor(classId: string, token: string): string {
  return createHash('sha256').update(`csrf\0${classId}\0${token}`).digest('base64url');
}

function checkCsrf(classId: string, token: string | undefined, given: string | null) {
  const want = Buffer.from(csrfFor(classId, token ?? ''));
  const got = Buffer.from(given ?? '');
  if (!token || got.length !== want.length || !timingSafeEqual(got, want)) {
    throw new HttpError(
      403,
      'bad_csrf',
      'This form is stale or not from this dashboard; reload the page and try again.',
    );
  }
}

/** The JSON API (instructor bearer token). */
export function hostedApi(d: HostedRoutesDeps): Hono<AppEnv> {
  const { store, access, now } = d;
  const app = new Hono<AppEnv>();
  const limit = (q: string | undefined) => Math.min(1000, Math.max(1, Number(q) || 200));

  app.get('/api/v1/classes/:id/learners', async (c) => {
    const id = c.req.param('id');
    await access.instructorOf(c, id);
    return json(c, 200, {
      endedAt: await store.hosted.endedAt(id),
      learners: await learnerAccounts(store, id),
    });
  });
  app.get('/api/v1/classes/:id/learners/:lid/activity', async (c) => {
    const id = c.req.param('id');
    await access.instructorOf(c, id);
    const out = await learnerActivity(
      store,
      d.sandbox,
      id,
      c.req.param('lid'),
      limit(c.req.query('limit')),
    );
    return json(c, 200, out);
  });
  app.post('/api/v1/classes/:id/learners/:lid/reset', async (c) => {
    const id = c.req.param('id');
    await access.instructorOf(c, id);
    await readJSON(c, 1024);
    return json(c, 200, await resetLearner(store, d.sandbox, id, c.req.param('lid'), now()));
  });
  app.post('/api/v1/classes/:id/end', async (c) => {
    const id = c.req.param('id');
    await access.instructorOf(c, id);
    await readJSON(c, 1024);
    return json(c, 200, await endClass(store, d.sandbox, id, now()));
  });

  // A learner whose account was reset gets fresh keys (`lab class sync`, or `lab join` again).
  app.post('/api/v1/sandbox/keys', async (c) => {
    const who = await access.principal(c);
    if (who.role !== 'learner' || !who.learnerId) {
      throw new HttpError(403, 'forbidden', 'Only a learner token has a sandbox account.');
    }
    await readJSON(c, 1024);
    needOps(d.sandbox);
    keysMayTravel(c, d.sandbox!);
    if (await store.hosted.endedAt(who.classId)) throw classEnded();
    const acc = await store.hosted.account(who.learnerId);
    if (!acc) throw new HttpError(409, 'no_account', 'You have no sandbox account in this class.');
    if (acc.resetAt == null || acc.resetAt <= acc.keysIssuedAt) {
      return json(c, 200, { current: true, accountId: acc.accountId });
    }
    const learner = { classId: who.classId, learnerId: who.learnerId };
    return json(c, 201, { sandbox: await hostedJoin(c, d.sandbox!, store, learner, now()) });
  });
  return app;
}

/** The dashboard's pages and forms: failures are pages that say what to do, never JSON. */
export function hostedPages(d: HostedRoutesDeps): Hono<AppEnv> {
  const { store, access, now } = d;
  const app = new Hono<AppEnv>();
  app.onError((err, c) => {
    if (!(err instanceof HttpError)) throw err;
    const id = c.req.param('id') ?? '';
    const msg =
      err.status === 401 || err.status === 403
        ? `Sign in first: open /class/${id}/dashboard and enter the instructor token.`
        : err.message;
    return htmlPage(c, err.status, (n) => errorHtml('Class dashboard', msg, n));
  });
  const page = (c: Parameters<typeof htmlPage>[0], status: number, title: string, msg: string) =>
    htmlPage(c, status, (n) => errorHtml(title, msg, n));
  const signedIn = async (c: Parameters<typeof htmlPage>[0], id: string) => {
    await access.instructorOf(c as never, id, cookieName(id));
    return requestToken(c as never, cookieName(id))!;
  };

  app.get('/class/:id/learners', async (c) => {
    const id = c.req.param('id');
    await signedIn(c, id);
    const [cls, learners, endedAt] = await Promise.all([
      store.getClass(id),
      learnerAccounts(store, id),
      store.hosted.endedAt(id),
    ]);
    return htmlPage(c, 200, (n) =>
      accountsPage({ classId: id, className: cls!.name, learners, endedAt }, n),
    );
  });
  app.get('/class/:id/learners/:lid', async (c) => {
    const id = c.req.param('id');
    const token = await signedIn(c, id);
    const { learner, events } = await learnerActivity(store, d.sandbox, id, c.req.param('lid'));
    return htmlPage(c, 200, (n) =>
      learnerPage({ classId: id, learner, events, csrf: csrfFor(id, token) }, n),
    );
  });
  app.post('/class/:id/learners/:lid/reset', async (c) => {
    const id = c.req.param('id');
    const token = await signedIn(c, id);
    const form = new URLSearchParams(await readText(c, 4096));
    checkCsrf(id, token, form.get('csrf'));
    const learner = await learnerAccount(store, id, c.req.param('lid'));
    if ((form.get('confirm') ?? '').trim() !== learner.name) {
      return page(
        c,
        400,
        'Account not reset',
        `Type ${learner.name} exactly to reset their account.`,
      );
    }
    const r = await resetLearner(store, d.sandbox, id, learner.learnerId, now());
    return htmlPage(c, 200, (n) =>
      doneHtml(id, `Account of ${learner.name} reset`, [{ ...r.learner, remains: r.remains }], n),
    );
  });
  app.get('/class/:id/end', async (c) => {
    const id = c.req.param('id');
    const token = await signedIn(c, id);
    const cls = await store.getClass(id);
    return htmlPage(c, 200, (n) =>
      endPage({ classId: id, className: cls!.name, csrf: csrfFor(id, token) }, n),
    );
  });
  app.post('/class/:id/end', async (c) => {
    const id = c.req.param('id');
    const token = await signedIn(c, id);
    const form = new URLSearchParams(await readText(c, 4096));
    checkCsrf(id, token, form.get('csrf'));
    const cls = (await store.getClass(id))!;
    if ((form.get('confirm') ?? '').trim() !== cls.name) {
      return htmlPage(c, 400, (n) =>
        endPage(
          {
            classId: id,
            className: cls.name,
            csrf: csrfFor(id, token),
            error: `Type ${cls.name} exactly to end the class.`,
          },
          n,
        ),
      );
    }
    const r = await endClass(store, d.sandbox, id, now());
    return htmlPage(c, 200, (n) => doneHtml(id, `${cls.name} ended`, r.accounts, n));
  });
  return app;
}
