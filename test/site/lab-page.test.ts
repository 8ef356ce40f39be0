// The day42 page as a learner sees it from a static copy of the site (no `lab serve`):
// five pending steps, copy buttons, hints folded, usable from the keyboard alone.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Server } from 'node:http';
import { createSiteServer, listen } from '../../runner/serve/index.ts';
import { buildOnce, launchBrowser, removeTemp, screenshot } from './helpers.ts';
import { scaled } from '../helpers/timeouts.ts';

let browser: Browser;
let server: Server;
let url: string;

beforeAll(async () => {
  const out = await buildOnce();
  // Files only: exactly what a static host would serve.
  server = createSiteServer({ distDir: out, host: '127.0.0.1' });
  url = await listen(server, 0, '127.0.0.1');
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  server?.close();
  removeTemp();
});

async function open(path: string, opts: Parameters<Browser['newPage']>[0] = {}): Promise<Page> {
  const page = await browser.newPage(opts);
  await page.goto(url + path);
  return page;
}

describe('day42 page, static', () => {
  it('shows five numbered steps, each pending, with unticked checkboxes', async () => {
    const page = await open('labs/day42/');
    const steps = page.locator('section.lab-step');
    await expect(steps.count()).resolves.toBe(5);
    for (let i = 0; i < 5; i++) {
      const step = steps.nth(i);
      await expect(step.locator('.num').textContent()).resolves.toBe(`Step ${i + 1}`);
      await expect(step.locator('.badge').textContent()).resolves.toBe('Pending');
    }
    const boxes = page.locator('.checklist input[type=checkbox]');
    await expect(boxes.count()).resolves.toBe(5);
    for (let i = 0; i < 5; i++) await expect(boxes.nth(i).isChecked()).resolves.toBe(false);
    await expect(page.locator('.tally').textContent()).resolves.toMatch(/0 of 5 steps passed/);
    await expect(page.locator('.start p').first().textContent()).resolves.toBe(
      'Start the lab in your terminal: lab start day42. After each step, run lab check day42.',
    );
    await screenshot(page, 'day42-static-light');
    await page.close();
  });

  it('degrades without the server: no check buttons, and says how to get them', async () => {
    const page = await open('labs/day42/');
    await page.waitForLoadState('networkidle');
    await expect(page.locator('.check-btn:visible').count()).resolves.toBe(0);
    await expect(page.locator('[data-static-note]').isVisible()).resolves.toBe(true);
    await expect(page.locator('[data-static-note]').textContent()).resolves.toContain('lab serve');
    await expect(page.locator('.check code').first().textContent()).resolves.toBe(
      'lab check day42 --step create-key',
    );
    await page.close();
  });

  it('folds hints away and shows sandbox and AWS variants side by side', async () => {
    const page = await open('labs/day42/', { viewport: { width: 1200, height: 900 } });
    const hint = page.locator('.lab-step[data-step="create-key"] details.lab-hint').first();
    await expect(hint.evaluate((d: HTMLDetailsElement) => d.open)).resolves.toBe(false);
    const variants = page.locator('.lab-step[data-step="create-key"] .lab-variant');
    const [a, b] = [await variants.nth(0).boundingBox(), await variants.nth(1).boundingBox()];
    expect(Math.abs(a!.y - b!.y)).toBeLessThan(2); // same row
    expect(b!.x).toBeGreaterThan(a!.x + a!.width - 1);
    // Commands in the narrow columns wrap: none is cut off (issue 12: "…--user-name iam-").
    const clipped = await page
      .locator('.lab-variant pre')
      .evaluateAll((pres) =>
        pres.filter((p) => p.scrollWidth > p.clientWidth + 1).map((p) => p.textContent),
      );
    expect(clipped).toEqual([]);
    await page.close();
  });

  it('copies a command with its copy button', async () => {
    const ctx = await browser.newContext({ permissions: ['clipboard-read', 'clipboard-write'] });
    const page = await ctx.newPage();
    await page.goto(url + 'labs/day42/');
    const block = page.locator('.lab-step[data-step="list-users"] .lab-code[data-copy]').first();
    const expected = await block.getAttribute('data-copy');
    await block.locator('button.copy').click();
    // The label changes once the (asynchronous) clipboard write has finished.
    await block.locator('button.copy', { hasText: 'Copied' }).waitFor({ timeout: scaled(2_000) });
    await expect(page.evaluate(() => navigator.clipboard.readText())).resolves.toBe(expected);
    expect(expected).toMatch(/^aws iam list-users/);
    await ctx.close();
  });

  it('is usable from the keyboard: every control reachable by Tab, focus visible, hints open with Enter', async () => {
    const page = await open('labs/day42/');
    // Every visible control (links, buttons, hint summaries), outside closed hints.
    const controls = await page.evaluate(() => {
      const all = [...document.querySelectorAll<HTMLElement>('a[href], button, summary, input')];
      // A group of radio buttons (a quiz's choices) is one Tab stop; arrows move inside it.
      const firstOfGroup = (el: HTMLElement) =>
        !(el instanceof HTMLInputElement && el.type === 'radio') ||
        el.form?.querySelector(`input[type=radio][name="${el.name}"]`) === el;
      const usable = all.filter(
        (el) =>
          el.getClientRects().length > 0 &&
          !(el as HTMLButtonElement).disabled &&
          firstOfGroup(el) &&
          !(el.closest('details:not([open])') && el.tagName !== 'SUMMARY'),
      );
      usable.forEach((el, i) => (el.dataset.kb = String(i)));
      return usable.length;
    });
    expect(controls).toBeGreaterThan(20);
    const reached = new Set<string>();
    const unmarked: string[] = [];
    for (let i = 0; i < controls * 2 + 20; i++) {
      await page.keyboard.press('Tab');
      const f = await page.evaluate(() => {
        const el = document.activeElement as HTMLElement;
        const s = getComputedStyle(el);
        return {
          kb: el.dataset.kb,
          tag: el.tagName,
          outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2,
        };
      });
      if (f.tag === 'BODY') break; // wrapped past the last control
      if (f.kb === undefined)
        unmarked.push(f.tag); // e.g. a scrollable code block: fine
      else reached.add(f.kb);
      expect(f.outline, `focus on ${f.tag} ${f.kb} is visible`).toBe(true);
    }
    expect(reached.size).toBe(controls);

    // Skip link → main; a hint opens from the keyboard.
    await page.goto(url + 'labs/day42/');
    await page.keyboard.press('Tab');
    await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe(
      'Skip to content',
    );
    const summary = page.locator('details.lab-hint summary').first();
    await summary.focus();
    await page.keyboard.press('Enter');
    await expect(
      summary.evaluate((s) => (s.parentElement as HTMLDetailsElement).open),
    ).resolves.toBe(true);
    await screenshot(page, 'day42-keyboard-hint-open');
    await page.close();
  });

  it('renders in dark mode and on a phone without horizontal scrolling', async () => {
    const dark = await open('labs/day42/', { colorScheme: 'dark' });
    const bg = await dark.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(bg).toBe('rgb(20, 23, 27)');
    await screenshot(dark, 'day42-static-dark');
    await dark.close();

    const phone = await open('labs/day42/', {
      viewport: { width: 375, height: 800 },
      isMobile: true,
    });
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    // Every command is whole on screen: none scrolls sideways, none squeezed by its button.
    const commands = await phone.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>('.lab-code[data-copy] pre')].map((pre) => ({
        text: pre.textContent!.slice(0, 50),
        hidden: pre.scrollWidth - pre.clientWidth,
        share:
          pre.getBoundingClientRect().width /
          pre.closest('.lab-step, .prose, article')!.getBoundingClientRect().width,
      })),
    );
    expect(commands.length).toBeGreaterThan(5);
    for (const c of commands) {
      expect(c.hidden, c.text).toBeLessThanOrEqual(0);
      expect(c.share, c.text).toBeGreaterThan(0.75);
    }
    await screenshot(phone, 'day42-phone');
    await phone.close();
  });

  it('meets WCAG AA contrast for its text in light and dark', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const page = await open('labs/day42/', { colorScheme });
      const worst = await page.evaluate(() => {
        const rgb = (c: string) => c.match(/[\d.]+/g)!.map(Number);
        const lum = (c: number[]) => {
          const [r, g, b] = c.slice(0, 3).map((v) => {
            v /= 255;
            return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
          });
          return 0.2126 * r + 0.7152 * g + 0.0722 * b;
        };
        const bgOf = (el: Element | null): number[] => {
          for (; el; el = el.parentElement) {
            const c = rgb(getComputedStyle(el).backgroundColor);
            if (c.length < 4 || c[3] > 0) return c;
          }
          return [255, 255, 255];
        };
        let min = { ratio: 99, what: '' };
        const sel = 'p, li, dt, dd, th, td, a, button, code, summary, h1, h2, .badge, label';
        for (const el of document.querySelectorAll<HTMLElement>(sel)) {
          if (!el.getClientRects().length || !el.textContent?.trim()) continue;
          const [a, b] = [lum(rgb(getComputedStyle(el).color)), lum(bgOf(el))];
          const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
          if (ratio < min.ratio) min = { ratio, what: `${el.tagName}.${el.className}` };
        }
        return min;
      });
      expect(worst.ratio, `${colorScheme}: ${worst.what}`).toBeGreaterThanOrEqual(4.5);
      await page.close();
    }
  });

  it('lists every lab on the index with summary, minutes and services', async () => {
    const page = await open('');
    const card = page.locator('[data-lab="day42"]');
    await expect(card.locator('h2').textContent()).resolves.toContain('Day 42');
    await expect(card.textContent()).resolves.toMatch(/40 minutes/);
    await expect(card.locator('.tags').textContent()).resolves.toMatch(/IAM.*EC2/s);
    await screenshot(page, 'index-static');
    await page.close();
  });
});
