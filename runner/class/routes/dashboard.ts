// The instructor dashboard under /class/<id>/: a sign-in form that sets a cookie for this
// class's pages only, the dashboard itself, and its CSV download.
import { isLabError } from '../../errors.ts';
import { Hono, type Context } from 'hono';
import { setCookie } from 'hono/cookie';
import {
  HttpError,
  csvFile,
  htmlPage,
  isHttps,
  json,
  readText,
  type AppEnv,
} from '../../http/index.ts';
import { reportCsv } from '../render/csv.ts';
import {
  dashboardBody,
  dashboardHtml,
  errorHtml,
  generatedText,
  labSummary,
  learnerRow,
  loginHtml,
} from '../render/html.ts';
import type { Access } from '../access.ts';
import { dashboardLinks, fullReport, report, type ReportDeps } from './reports.ts';
import { parseStamp, stampText } from '../store/changes.ts';
import { learnerAccounts } from '../hosted-ops.ts';

export const cookieName = (classId: string) => `lab_class_${classId.replace(/[^\w]/g, '_')}`;

export function dashboard(d: ReportDeps & { access: Access }): Hono<AppEnv> {
  const { store, access } = d;
  const app = new Hono<AppEnv>();
  // These are pages a person opens: a failure is a page that says what to do, never the
  // API's JSON (with the database down, the instructor got raw JSON naming another command).
  app.onError((err, c) => {
    if (err instanceof HttpError) {
      return htmlPage(c, err.status, (n) => errorHtml('Class dashboard', err.message, n));
    }
    // A malformed address (`?lab=` that is no lab id) is the request's fault: 400, not 503.
    if (isLabError(err) && err.code === 'invalid_payload') {
      return htmlPage(c, 400, (n) => errorHtml('Class dashboard', err.message, n));
    }
    console.error(`class dashboard: ${c.req.method} ${c.req.path} failed:`, err);
    return htmlPage(c, 503, (n) =>
      errorHtml(
        'Class dashboard unavailable',
        `The class store (${store.kind}) could not be read, so this page cannot be shown. The server's terminal has the details; once the database answers again, reload this page.`,
        n,
      ),
    );
  });
  const signIn = (c: Context, status: number, id: string, error?: string) =>
    // No class name before sign-in: the page must not tell strangers what a class id is.
    htmlPage(c, status, (n) => loginHtml(undefined, `/class/${id}/login`, n, error));

  app.get('/class/:id/dashboard', async (c) => {
    const id = c.req.param('id');
    try {
      await access.instructorOf(c, id, cookieName(id));
    } catch (e) {
      if (e instanceof HttpError && (e.status === 401 || e.status === 403)) {
        return signIn(c, e.status, id);
      }
      throw e;
    }
    // The stamp first: whatever arrives while the report is read is sent by the next delta.
    const stamp = stampText(await store.changeStamp(id, d.now()));
    const { q, r } = await report(d, id, new URL(c.req.url).searchParams, true);
    // A class that hosts the sandbox: a way to its learners' accounts (routes/hosted.ts).
    const hosted = (await store.hosted.accounts(id)).length > 0;
    const links = {
      ...dashboardLinks(id, q.lab),
      accounts: hosted ? `/class/${id}/learners` : undefined,
    };
    const accounts = hosted ? await learnerAccounts(store, id) : undefined;
    return htmlPage(c, 200, (n) => dashboardHtml(r, links, n, { live: true, stamp, accounts }));
  });

  // What the open dashboard needs to catch up since its stamp: nothing when nothing arrived;
  // else the summary, the rows of the learners whose results arrived (or who joined), and the
  // grid's order. An overview of several labs is small: it comes whole.
  app.get('/class/:id/dashboard/delta', async (c) => {
    const id = c.req.param('id');
    await access.instructorOf(c, id, cookieName(id));
    const params = new URL(c.req.url).searchParams;
    const since = parseStamp(params.get('since'));
    params.delete('since');
    if (!since) {
      throw new HttpError(400, 'bad_since', '`since` must be the stamp of a dashboard page.');
    }
    const now = await store.changeStamp(id, d.now());
    if (now.version === since.version) {
      return json(c, 200, { stamp: stampText(since), changed: false });
    }
    const stamp = stampText(now);
    const { q, r } = await report(d, id, params, true);
    const generated = generatedText(r.generatedAt);
    if ('overview' in r || r.labs.length !== 1) {
      const hosted = (await store.hosted.accounts(id)).length > 0;
      const accounts = hosted ? await learnerAccounts(store, id) : undefined;
      const main = dashboardBody(r, dashboardLinks(id, q.lab), accounts);
      return json(c, 200, { stamp, changed: true, generated, main });
    }
    const lab = r.labs[0];
    const changed = await store.learnersChangedSince(id, lab.lab, since);
    const rows = Object.fromEntries(
      lab.learners
        .filter((l) => changed.has(l.id))
        .map((l) => [l.id, learnerRow(l, lab.steps, r.generatedAt)]),
    );
    return json(c, 200, {
      stamp,
      changed: true,
      generated,
      summary: labSummary(lab),
      rows,
      order: lab.learners.map((l) => l.id),
    });
  });

  app.post('/class/:id/login', async (c) => {
    const id = c.req.param('id');
    access.throttle(access.address(c));
    const form = new URLSearchParams(await readText(c, 4096));
    const token = form.get('token')?.trim() ?? '';
    const who = token ? await store.authenticate(token) : undefined;
    if (!who || who.role !== 'instructor' || who.classId !== id) {
      return signIn(c, 401, id, 'That is not the instructor token of this class.');
    }
    // The cookie holds the token for this class's pages only; scripts cannot read it.
    setCookie(c, cookieName(id), token, {
      httpOnly: true,
      sameSite: 'Strict',
      path: `/class/${id}/`,
      secure: isHttps(c),
    });
    c.header('cache-control', 'no-store');
    return c.redirect(`/class/${id}/dashboard`, 303);
  });

  app.get('/class/:id/report.csv', async (c) => {
    const id = c.req.param('id');
    await access.instructorOf(c, id, cookieName(id));
    const lab = c.req.query('lab');
    const { r } = await fullReport(d, id, new URLSearchParams(lab ? { lab } : {}));
    return csvFile(c, `${r.class.name}-report`, reportCsv(r));
  });

  return app;
}
