// The suite's one way to start Chromium: the real browser (.ci/run installs it; missing, the
// test fails), headless, and with every page's waits scaled like the tests' own bounds
// (test/helpers/timeouts.ts). Playwright's defaults (30 s a click, a `goto`, a `waitFor`) are a
// guess at a quiet machine: under bench/load.mjs's 8 busy loops a page gets a tenth of a core.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { scaled } from './timeouts.ts';

export const CHROMIUM = '/usr/bin/chromium';

/** Playwright's own default for actions and navigations (30 s) at the quiet factor, scaled. */
export const pageWait = () => scaled(10_000);

/** Chromium with the suite's flags, and `extraArgs` (e.g. --host-resolver-rules) after them. */
export async function launchBrowser(extraArgs: string[] = []): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: install it with \`apt-get install -y chromium\` (.ci/run does).`,
    );
  }
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      ...extraArgs,
    ],
    timeout: scaled(60_000),
  });
  // browser.newPage() makes its context through newContext(), so both get the bound.
  const wait = pageWait();
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (options) => {
    const context = await newContext(options);
    context.setDefaultTimeout(wait);
    context.setDefaultNavigationTimeout(wait);
    return context;
  };
  return browser;
}
