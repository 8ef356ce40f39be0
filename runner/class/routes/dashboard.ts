// The instructor dashboard under /class/<id>/: a sign-in form that sets a cookie for this
// class's pages only, the dashboard itself, and its CSV download.
import { Hono, type Context } from 'hono';
import { setCookie } from 'hono/cookie';
import { HttpError, csvFile, htmlPage, isHttps, readText, type AppEnv } from '../../http/index.ts';
import { reportCsv } from '../render/csv.ts';
import { dashboardHtml, errorHtml, loginHtml } from '../render/html.ts';
import type { Access } from '../access.ts';
import { dashboardLinks, fullReport, report, type ReportDeps } from './reports.ts';

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
    const { q, r } = await report(d, id, new URL(c.req.url).searchParams, true);
    return htmlPage(c, 200, (n) => dashboardHtml(r, dashboardLinks(id, q.lab), n, { live: true }));
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
