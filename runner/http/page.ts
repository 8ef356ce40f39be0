// Server-rendered pages (the instructor dashboard and its sign-in): a fresh nonce per
// response for the one inline stylesheet and the dashboard's one refresh script; nothing
// else may run, so learner-supplied text that slipped through escaping would still be inert.
import type { Context } from 'hono';
import { randomBytes } from 'node:crypto';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export function htmlPage(c: Context, status: number, render: (nonce: string) => string): Response {
  const nonce = randomBytes(16).toString('base64');
  return c.html(render(nonce), status as ContentfulStatusCode, {
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    // Not `no-referrer`: under it Chromium posts our own sign-in form with `Origin: null`,
    // which a cross-site guard cannot tell from a sandboxed frame elsewhere (issue 12).
    // `same-origin` keeps URLs (class ids) from leaving the site, and forms send our origin.
    'referrer-policy': 'same-origin',
    'content-security-policy': `default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}'; connect-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
  });
}

/** A CSV download. */
export function csvFile(c: Context, name: string, csv: string): Response {
  return c.body(csv, 200, {
    'content-type': 'text/csv; charset=utf-8',
    'content-disposition': `attachment; filename="${name.replace(/[^\w.-]/g, '_')}.csv"`,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
}
