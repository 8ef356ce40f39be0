// Instructor sign-in by the real form, clicked in Chromium, under both commands that
// serve dashboards: `lab serve --class` (the lab site's guard in front) and `lab class
// serve`. Issue 12: under `lab serve --class` the page's `Referrer-Policy: no-referrer`
// made Chromium post the form with `Origin: null`, and the guard answered 403. The same
// form posted from another site (here: another loopback port, with no-referrer so that
// its Origin is null too) must still be refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../helpers/browser.ts';
import { lab, labEnv, must, serveClass, tempHome, type ServerProcess } from './helpers.ts';

let browser: Browser;
let site: string;
beforeAll(async () => {
  site = tempHome('lab-site-');
  mkdirSync(site, { recursive: true });
  writeFileSync(join(site, 'index.html'), '<!doctype html><title>Labs</title><h1>Labs</h1>');
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  rmSync(site, { recursive: true, force: true });
});

/** A page on another origin that posts the sign-in form to `action` as soon as it loads. */
async function hostilePage(
  action: string,
  token: string,
): Promise<{ url: string; server: Server }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html', 'referrer-policy': 'no-referrer' });
    res.end(`<!doctype html><form method="post" action="${action}">
<input name="token" value="${token}"><button>go</button></form>
<script>document.forms[0].submit()</script>`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server };
}

describe.each([
  ['lab serve --class', (_site: string) => ['serve', '--class', '--port', '0', '--out', _site]],
  ['lab class serve', () => ['class', 'serve', '--port', '0']],
])('dashboard sign-in under `%s`', (_name, args) => {
  let server: ServerProcess;
  let env: Record<string, string>;
  beforeAll(async () => {
    env = labEnv(tempHome());
    server = await serveClass(args(site), env);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('opens the dashboard from the form, and refuses the same form posted by another site', async () => {
    const cls = JSON.parse(must(await lab(['class', 'create', 'Cohort 8', '--json'], env)).stdout);
    const dash = `${server.url}/class/${cls.classId}/dashboard`;
    const ctx = await browser.newContext();
    const hostile = await hostilePage(
      `${server.url}/class/${cls.classId}/login`,
      cls.instructorToken,
    );
    try {
      const page = await ctx.newPage();
      expect((await page.goto(dash))?.status()).toBe(401);
      // A mistyped token: the page says so, and the field has focus again to retype it
      // (focus was on the page body, the field one Tab away behind the message).
      const field = page.getByLabel(/Instructor token/);
      await field.fill('lci_not-the-token');
      await page.keyboard.press('Enter');
      await expect.poll(() => page.locator('[role=alert]').textContent()).toMatch(/not the/);
      await expect(field.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
      await expect(field.getAttribute('aria-describedby')).resolves.toBe('token-error');
      await page.getByLabel(/Instructor token/).fill(cls.instructorToken);
      const [answer] = await Promise.all([
        page.waitForResponse((r) => r.url().endsWith('/login')),
        page.getByRole('button', { name: 'Open dashboard' }).click(),
      ]);
      expect(answer.status()).toBe(303);
      await page.waitForURL(dash);
      await expect(page.locator('h1').textContent()).resolves.toContain('Cohort 8');

      // Another site's copy of the form, in a fresh browser profile: refused, no cookie.
      const other = await browser.newContext();
      const evil = await other.newPage();
      const [refused] = await Promise.all([
        evil.waitForResponse((r) => r.url().endsWith('/login')),
        evil.goto(hostile.url),
      ]);
      expect(refused.status()).toBe(403);
      expect(await other.cookies(server.url)).toEqual([]);
      await other.close();
    } finally {
      await ctx.close();
      hostile.server.close();
    }
  });
});
