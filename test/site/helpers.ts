// Shared by the site tests: one Astro build per test file into a temp outDir, a real
// Chromium (a missing browser FAILS the test), and screenshots saved as artifacts.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { buildSite, PROJECT_ROOT } from '../../runner/serve/index.ts';
import { labsRoot } from '../../runner/lab/paths.ts';
import { scaled } from '../helpers/timeouts.ts';

export { CHROMIUM, launchBrowser } from '../helpers/browser.ts';

/**
 * The site built from `labsDir` (default: the repository's labs/). The repository's labs are
 * built once per `vitest run` and shared read-only by every file that asks (an Astro build is
 * ~5 s of CPU; seven files asked for the same one); other labs get a fresh temp dir.
 */
export async function buildOnce(labsDir: string = labsRoot()): Promise<string> {
  if (labsDir === labsRoot()) return (shared ??= sharedBuild(labsDir));
  const outDir = mkdtempSync(join(tmpdir(), 'lab-site-dist-'));
  temp.push(outDir);
  await buildSite({ outDir, labsDir });
  return outDir;
}

let shared: Promise<string> | undefined;

/**
 * One build in the run's temp root (test/helpers/run-scope.ts), made by whichever worker asks
 * first: it holds a lock folder (mkdir is atomic) naming its pid, builds, then writes `done`.
 * The others wait for `done`; if the builder died or failed (no lock, no `done`), one of them
 * takes over.
 */
async function sharedBuild(labsDir: string): Promise<string> {
  const base = join(tmpdir(), 'lab-site-dist-shared');
  const outDir = join(base, 'dist');
  const lock = join(base, 'lock');
  const done = join(base, 'done');
  mkdirSync(base, { recursive: true });
  const deadline = Date.now() + scaled(240_000);
  while (!existsSync(done)) {
    let mine = false;
    try {
      mkdirSync(lock);
      mine = true;
    } catch {
      // someone else builds
    }
    if (mine) {
      writeFileSync(join(lock, 'pid'), String(process.pid));
      try {
        rmSync(outDir, { recursive: true, force: true });
        await buildSite({ outDir, labsDir });
        writeFileSync(done, '');
      } finally {
        rmSync(lock, { recursive: true, force: true });
      }
      break;
    }
    let pid = 0;
    try {
      pid = Number(readFileSync(join(lock, 'pid'), 'utf8'));
    } catch {
      // not written yet, or the lock is gone: look again
    }
    if (pid && !isAlive(pid)) rmSync(lock, { recursive: true, force: true });
    if (Date.now() > deadline) throw new Error(`the shared site build in ${base} did not finish`);
    await new Promise((r) => setTimeout(r, 250)); // a file another process writes: polled
  }
  return outDir;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
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
