// `lab serve` against a real sandbox, driven through real Chromium: the sandbox
// console creates a key (secret shown once), "Check my progress" runs the real
// day42 check server side and ticks step 1, and the secret is gone after the page.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { request, type Server } from 'node:http';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createSiteServer, listen, serveAccess } from '../../runner/serve/index.ts';
import { learnerServices, type LearnerServices } from '../../runner/serve/learner.ts';
import { resolveTarget, type Target } from '../../runner/target/index.ts';
import { startLab } from '../../runner/check/index.ts';
import { labsRoot } from '../../runner/lab/paths.ts';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.ts';
import {
  buildOnce,
  launchBrowser,
  removeTemp,
  screenshot,
  screenshotOf,
  signedInPage,
} from './helpers.ts';
import { scaled } from '../helpers/timeouts.ts';

let sandbox: TestSandbox;
let target: Target;
let services: LearnerServices;
let server: Server;
let url: string;
let browser: Browser;
let ctx: BrowserContext;
const access = serveAccess();
/** Every HTML and JSON body the browser received, to search for the secret afterwards. */
const seen: string[] = [];

beforeAll(async () => {
  const [sb, out] = await Promise.all([startTestSandbox(), buildOnce()]);
  sandbox = sb;
  const env = { ...process.env, ...sandbox.env, LAB_TARGET: 'sandbox' };
  target = await resolveTarget({ home: sandbox.home, env });
  await startLab({ lab: 'day42', target, home: sandbox.home, env }); // as `lab start day42`
  services = learnerServices({ home: sandbox.home, labsDir: labsRoot(), env });
  server = createSiteServer({
    distDir: out,
    host: '127.0.0.1',
    labs: services.labs,
    console: services.console,
    access,
  });
  url = await listen(server, 0, '127.0.0.1');
  browser = await launchBrowser();
  ctx = await browser.newContext({ acceptDownloads: true });
  ctx.on('response', async (r) => {
    const type = r.headers()['content-type'] ?? '';
    if (/html|json/.test(type)) seen.push(await r.text().catch(() => ''));
  });
});

afterAll(async () => {
  await browser?.close();
  server?.close();
  services?.close();
  target?.close();
  await sandbox?.stop();
  removeTemp();
});

const stepBadge = (page: Page, id: string) => page.locator(`#badge-${id}`);

describe('lab serve with the sandbox', () => {
  let keyId = '';
  let secret = '';

  it('shows day42 with five pending steps and a "Check my progress" button each', async () => {
    const page = await signedInPage(ctx, url, access.token);
    await page.goto(url + 'labs/day42/');
    await expect.poll(() => page.locator('.check-btn:visible').count()).toBe(5);
    for (const id of ['create-key', 'configure', 'list-users', 'denied-ec2', 'cleanup']) {
      await expect(stepBadge(page, id).textContent()).resolves.toBe('Pending');
    }
    await expect(page.locator('[data-served-note]').textContent()).resolves.toMatch(/sandbox/);
    // This server offers no terminal: the page says so and where to type instead.
    await expect
      .poll(() => page.locator('[data-term-note]').textContent())
      .toMatch(/^No terminal in this page: .*Use lab shell in a terminal of your own\.$/);
    await expect(page.locator('[data-term-open]').isVisible()).resolves.toBe(false);
    // The sandbox variant of each instruction is marked as the one in use.
    await expect(
      page.locator('.lab-variant.current[data-target="sandbox"]').count(),
    ).resolves.toBeGreaterThan(0);
    await expect(page.locator('.lab-variant.current[data-target="aws"]').count()).resolves.toBe(0);
    await page.close();
  });

  it('creates an access key in the sandbox console: acknowledgement, secret once, .csv', async () => {
    const page = await signedInPage(ctx, url, access.token);
    await page.goto(url + 'console/iam/users/');
    await page.getByRole('link', { name: 'iam-admin' }).click();
    await page.waitForURL(/\/console\/iam\/user\/\?name=iam-admin/);
    await expect
      .poll(() => page.locator('[data-policies]').textContent())
      .toContain('IAMFullAccess');
    // As the lab says: the user's "Security credentials" tab, then "Create access key".
    await page.getByRole('tab', { name: 'Security credentials' }).click();
    await page.getByRole('link', { name: 'Create access key' }).click();
    await page.waitForURL(/create-key/);

    // Without a use case and the acknowledgement nothing is created.
    await page.getByRole('button', { name: 'Create access key' }).click();
    await expect(page.locator('[data-stage="retrieve"]').isVisible()).resolves.toBe(false);
    await page.getByLabel(/Command Line Interface/).check();
    await expect(page.locator('[data-alternative]').textContent()).resolves.toMatch(/CloudShell/);
    await page.getByRole('button', { name: 'Create access key' }).click();
    await expect(page.locator('[data-stage="retrieve"]').isVisible()).resolves.toBe(false);
    await page.getByLabel(/I understand/).check();
    await page.getByRole('button', { name: 'Create access key' }).click();
    await page.locator('[data-stage="retrieve"]').waitFor();

    keyId = (await page.locator('[data-key-id]').textContent())!;
    expect(keyId).toMatch(/^[A-Z0-9]{16,}$/);
    // Masked until asked for.
    await expect(page.locator('[data-secret]').textContent()).resolves.toMatch(/^•+$/);
    // The artifact is taken while the secret is masked: no file ever holds it.
    await screenshot(page, 'console-key-created');
    await page.getByRole('button', { name: 'Show' }).click();
    secret = (await page.locator('[data-secret]').textContent())!;
    expect(secret).toMatch(/^[A-Za-z0-9/+]{30,}$/);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download .csv file' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('iam-admin_accessKeys.csv');
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv).toBe(`Access key ID,Secret access key\r\n${keyId},${secret}\r\n`);

    // Leave the page: the user page lists the key, and no page holds the secret any more.
    await page.getByRole('link', { name: 'Done' }).click();
    await page.waitForURL(/\/console\/iam\/user\/\?name=iam-admin/);
    await page.locator(`tr[data-key="${keyId}"]`).waitFor();
    await expect(page.locator(`tr[data-key="${keyId}"]`).textContent()).resolves.toContain(
      'Active',
    );
    expect(await page.content()).not.toContain(secret);
    await page.goBack();
    await page.waitForURL(/create-key/);
    expect(await page.content()).not.toContain(secret);
    await page.reload();
    expect(await page.content()).not.toContain(secret);
    await page.close();
  });

  it('ticks step 1 when "Check my progress" runs the check server side', async () => {
    const page = await signedInPage(ctx, url, access.token);
    await page.goto(url + 'labs/day42/');
    const step = page.locator('.lab-step[data-step="create-key"]');
    await step.getByRole('button', { name: 'Check my progress' }).click();
    await expect
      .poll(() => stepBadge(page, 'create-key').textContent(), { timeout: scaled(10_000) })
      .toBe('Passed');
    await expect(page.locator('#done-create-key').isChecked()).resolves.toBe(true);
    await expect(step.locator('.verdict').textContent()).resolves.toContain(keyId);
    await expect(page.locator('.tally').textContent()).resolves.toMatch(/1 of 5/);
    // The other steps were not checked, so they stay pending.
    await expect(stepBadge(page, 'configure').textContent()).resolves.toBe('Pending');
    await screenshot(page, 'day42-served-step1-passed');
    await screenshotOf(step, 'day42-step1-passed');

    // Progress comes from the store: a reload still shows it.
    await page.reload();
    await expect.poll(() => stepBadge(page, 'create-key').textContent()).toBe('Passed');
    expect(await page.content()).not.toContain(secret);

    // The index shows the same progress.
    await page.goto(url);
    await expect
      .poll(() => page.locator('[data-lab="day42"] .lab-progress').textContent(), {
        timeout: scaled(5_000),
      })
      .toBe('Progress: 1 of 5 steps passed');
    await screenshot(page, 'index-served');
    await page.close();
  });

  it('deactivates, then deletes the key only when its id is typed back; the cleanup check passes', async () => {
    const page = await signedInPage(ctx, url, access.token);
    await page.goto(url + 'console/iam/user/?name=iam-admin#security-credentials');
    const row = page.locator(`tr[data-key="${keyId}"]`);
    // The key's Actions menu, as in the AWS console: Delete waits until it is inactive.
    await row.getByRole('button', { name: 'Actions' }).click();
    // The open menu and its row are whole on screen where a person clicks: the table's
    // scroll box clipped the menu under the last row and scrolled the row out of view.
    const reachable = await page.evaluate((id) => {
      const row = document.querySelector(`tr[data-key="${id}"]`)!;
      const parts = [row.querySelector('code'), row.querySelector('[aria-haspopup]')];
      parts.push(...row.querySelectorAll('[role=menuitem]'));
      return parts.map((el) => {
        const r = el!.getBoundingClientRect();
        const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
        return `${el!.textContent}: ${hit === el || el!.contains(hit) ? 'shown' : 'hidden'}`;
      });
    }, keyId);
    expect(reachable).toEqual([
      `${keyId}: shown`,
      'Actions: shown',
      'Deactivate: shown',
      'Delete: shown',
    ]);
    await expect(
      row.getByRole('menuitem', { name: 'Delete' }).getAttribute('aria-disabled'),
    ).resolves.toBe('true');
    await row.getByRole('menuitem', { name: 'Deactivate' }).click();
    // Deactivating asks first; Cancel changes nothing.
    const ask = page.getByRole('dialog', { name: 'Deactivate access key' });
    await ask.getByRole('button', { name: 'Cancel' }).click();
    expect(await row.textContent()).toContain('Active');
    await row.getByRole('button', { name: 'Actions' }).click();
    await row.getByRole('menuitem', { name: 'Deactivate' }).click();
    await ask.getByRole('button', { name: 'Deactivate' }).click();
    await expect.poll(() => row.textContent()).toContain('Inactive');

    await row.getByRole('button', { name: 'Actions' }).click();
    await row.getByRole('menuitem', { name: 'Delete' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete access key' });
    // When the key was last used, before it is gone for good (the check used it via the CLI).
    await expect(dialog.locator('[data-del-last-used]').textContent()).resolves.toMatch(
      /^\d{4}-\d\d-\d\d \d\d:\d\d UTC|^Never used$/,
    );
    const del = dialog.getByRole('button', { name: 'Delete' });
    await dialog.getByLabel(/type the access key ID/).fill(keyId.slice(0, -1));
    await expect(del.isDisabled()).resolves.toBe(true);
    await dialog.getByLabel(/type the access key ID/).fill(keyId);
    await del.click();
    await expect.poll(() => page.locator('[data-status]').textContent()).toContain('deleted');
    await expect.poll(() => page.locator(`tr[data-key="${keyId}"]`).count()).toBe(0);

    // The console acts as the learner (its user agent is not the runner's), so the
    // cleanup check counts its Deactivate-then-Delete.
    await page.goto(url + 'labs/day42/');
    await page
      .locator('.lab-step[data-step="cleanup"]')
      .getByRole('button', { name: 'Check my progress' })
      .click();
    await expect
      .poll(() => stepBadge(page, 'cleanup').textContent(), { timeout: scaled(10_000) })
      .toBe('Passed');
    await page.close();
  });

  it('never lets the secret reach a page after its one showing, nor the progress store', () => {
    expect(secret).not.toBe('');
    const withSecret = seen.filter((body) => body.includes(secret));
    // Exactly one response carried it: the creation response.
    expect(withSecret).toHaveLength(1);
    expect(JSON.parse(withSecret[0]).accessKeyId).toBe(keyId);
    for (const f of readdirSync(sandbox.home).filter((f) => f.startsWith('progress.db'))) {
      expect(readFileSync(join(sandbox.home, f)).includes(secret)).toBe(false);
    }
  });

  it('works from the keyboard alone: create a key, then deactivate and delete it', async () => {
    const page = await signedInPage(ctx, url, access.token);
    await page.goto(url + 'console/iam/create-key/?name=iam-admin');
    const tabTo = async (match: (el: { tag: string; text: string }) => boolean) => {
      for (let i = 0; i < 40; i++) {
        await page.keyboard.press('Tab');
        const el = await page.evaluate(() => ({
          tag: document.activeElement!.tagName,
          text:
            (document.activeElement as HTMLElement).innerText ||
            document.activeElement!.getAttribute('aria-label') ||
            '',
        }));
        if (match(el)) return;
      }
      throw new Error('control not reachable by Tab');
    };
    await tabTo((e) => e.tag === 'INPUT'); // the first use case: CLI
    await page.keyboard.press('Space');
    await tabTo((e) => e.tag === 'INPUT' && e.text === ''); // the acknowledgement box
    await page.keyboard.press('Space');
    await tabTo((e) => e.text === 'Create access key' && e.tag === 'BUTTON');
    await page.keyboard.press('Enter');
    await page.locator('[data-stage="retrieve"]').waitFor();
    // Focus moves to the new section's heading, so a screen reader announces it.
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('ret-h');
    const id = (await page.locator('[data-key-id]').textContent())!;
    await tabTo((e) => e.text === 'Done');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/console\/iam\/user\/\?name=iam-admin/);
    await page.locator(`tr[data-key="${id}"]`).waitFor();

    const active = () => page.evaluate(() => (document.activeElement as HTMLElement).innerText);
    await tabTo((e) => e.text === 'Actions');
    await page.keyboard.press('Enter'); // the menu opens on its first item
    await expect.poll(active).toBe('Deactivate');
    await page.keyboard.press('Enter'); // asks first, focus on the safe choice
    await expect.poll(active).toBe('Cancel');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.locator(`tr[data-key="${id}"]`).textContent())
      .toContain('Inactive');
    // Focus stays on the key's Actions (it used to drop to the page body); Delete is next.
    await expect.poll(active).toBe('Actions');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await expect.poll(active).toBe('Delete');
    await page.keyboard.press('Enter');
    // The dialog opens with focus in the confirmation field; Escape would cancel.
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('del-confirm');
    await page.keyboard.type(id);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator(`tr[data-key="${id}"]`).count()).toBe(0);
    // With no key left, focus is on the next sensible control: "Create access key".
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.textContent))
      .toBe('Create access key');
    await page.close();
  });

  it('keeps other web sites out of the local API, and never caches it', async () => {
    const info = await fetch(url + 'api/info');
    expect(info.headers.get('cache-control')).toBe('no-store');
    const foreign = await fetch(url + 'api/console/users/iam-admin/keys', {
      method: 'POST',
      headers: { origin: 'http://evil.example', 'content-type': 'application/json' },
      body: JSON.stringify({ acknowledge: true }),
    });
    expect(foreign.status).toBe(403);
    const form = await fetch(url + 'api/console/users/iam-admin/keys', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'acknowledge=true',
    });
    expect(form.status).toBe(415);
    // DNS rebinding: a foreign name that resolves to 127.0.0.1 (fetch cannot set Host).
    const status = await new Promise<number>((resolve, reject) =>
      request(url + 'api/info', { headers: { host: 'attacker.example' } }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      })
        .on('error', reject)
        .end(),
    );
    expect(status).toBe(403);
  });
});
