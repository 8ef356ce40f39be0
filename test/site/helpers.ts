// Shared by the site tests: one Astro build per test file into a temp outDir, a real
// Chromium (a missing browser FAILS the test), and screenshots saved as artifacts.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type Locator,
  type Page,
} from 'playwright-core';
import { buildSite, PROJECT_ROOT } from '../../runner/serve/index.ts';
import { labsRoot } from '../../runner/lab/paths.ts';

export const CHROMIUM = '/usr/bin/chromium';

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: install it with \`apt-get install -y chromium\` (.ci/run does).`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** Build the site from `labsDir` (default: the repository's labs/) into a fresh temp dir. */
export async function buildOnce(labsDir: string = labsRoot()): Promise<string> {
  const outDir = mkdtempSync(join(tmpdir(), 'lab-site-dist-'));
  temp.push(outDir);
  await buildSite({ outDir, labsDir });
  return outDir;
}

const temp: string[] = [];

/** Remove the temp dirs this test file made (builds, generated labs). */
export function removeTemp(...more: string[]): void {
  for (const d of [...temp.splice(0), ...more]) rmSync(d, { recursive: true, force: true });
}

const ARTIFACTS = join(PROJECT_ROOT, 'test-results', 'site');

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** A screenshot of one part of a page (a step, a dialog). */
export async function screenshotOf(part: Locator, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await part.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
}

/**
 * A new tab signed in to `lab serve` as the learner does it: opened from the address the
 * server printed (`/#token=…`). The page moves the token into this tab's sessionStorage and
 * out of the address bar (site/scripts/api.ts); later navigations in the tab keep it.
 */
export async function signedInPage(
  from: Browser | BrowserContext,
  base: string,
  token: string,
  opts: Parameters<Browser['newPage']>[0] = {},
): Promise<Page> {
  const page = await (from as Browser).newPage(opts);
  await page.goto(`${base.replace(/\/?$/, '/')}#token=${token}`);
  await page.waitForFunction(() => location.hash === '' && !!sessionStorage.length);
  return page;
}
