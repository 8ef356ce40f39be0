// A page's waits scale with the machine like every other bound (test/helpers/browser.ts): a
// click on an element that never comes gives up after the scaled bound, not Playwright's 30 s.
import { afterAll, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../helpers/browser.ts';

let browser: Browser | undefined;
afterAll(async () => {
  await browser?.close();
});

it('a page waits the scaled bound: 10 s at factor 1, from newPage and newContext alike', async () => {
  const before = process.env.LAB_TEST_TIMEOUT_FACTOR;
  process.env.LAB_TEST_TIMEOUT_FACTOR = '1';
  try {
    browser = await launchBrowser();
  } finally {
    if (before === undefined) delete process.env.LAB_TEST_TIMEOUT_FACTOR;
    else process.env.LAB_TEST_TIMEOUT_FACTOR = before;
  }
  const page = await browser.newPage();
  const other = await (await browser.newContext()).newPage();
  await page.setContent('<button>here</button>');
  await other.setContent('<button>here</button>');
  await page.click('button'); // what is there is clicked at once
  const [a, b] = await Promise.allSettled([page.click('#never'), other.click('#never')]);
  for (const r of [a, b]) {
    expect(r.status).toBe('rejected');
    expect(String((r as PromiseRejectedResult).reason)).toMatch(/Timeout 10000ms exceeded/);
  }
});
