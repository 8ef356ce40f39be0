// Live progress benchmark: how long after a terminal `lab check` (another process) the
// open lab page shows its result, without reload. A real sandbox, `lab serve`'s server
// in this process, Chromium on the day42 page; each round replaces iam-admin's access
// key (step 1's verdict names the key id) and runs `lab check day42 --step create-key`
// as a child process. Measured: from the child's exit (its results are in the store by
// then) to the page's verdict naming the new key (a MutationObserver's Date.now()).
// Also the day42 page's weight, compressed as served (gzip) and not. Asserts nothing.
//   node bench/site-live.mjs          (ROUNDS=10 by default)
import { execFile } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { CreateAccessKeyCommand, DeleteAccessKeyCommand } from '@aws-sdk/client-iam';
import { createSiteServer, listen, buildSite, serveAccess } from '../runner/serve/index.ts';
import { learnerServices } from '../runner/serve/learner.ts';
import { resolveTarget } from '../runner/target/index.ts';
import { startLab } from '../runner/check/index.ts';
import { labsRoot } from '../runner/lab/paths.ts';
import { adminClients, startTestSandbox } from '../test/helpers/sandbox.ts';
import { launchBrowser, signedInPage } from '../test/site/helpers.ts';
import { pageWeight } from '../test/helpers/page-weight.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROUNDS = Number(process.env.ROUNDS ?? 10);
const run = promisify(execFile);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

const out = mkdtempSync(join(tmpdir(), 'lab-bench-dist-'));
const [sandbox] = await Promise.all([
  startTestSandbox(),
  buildSite({ outDir: out, labsDir: labsRoot() }),
]);
const env = { ...process.env, ...sandbox.env, LAB_TARGET: 'sandbox' };
const target = await resolveTarget({ home: sandbox.home, env });
await startLab({ lab: 'day42', target, home: sandbox.home, env });
const services = learnerServices({ home: sandbox.home, labsDir: labsRoot(), env });
const access = serveAccess();
const server = createSiteServer({ distDir: out, host: '127.0.0.1', labs: services.labs, access });
const url = await listen(server, 0, '127.0.0.1');
const browser = await launchBrowser();
const page = await signedInPage(browser, url, access.token);
await page.goto(url + 'labs/day42/');
await page.waitForFunction(() => document.querySelector('[data-live]')?.textContent === 'Live');
await page.evaluate(() => {
  const verdict = document.querySelector('.lab-step[data-step="create-key"] .verdict');
  window.__seen = [];
  new MutationObserver(() => window.__seen.push([verdict.textContent, Date.now()])).observe(
    verdict,
    {
      childList: true,
      characterData: true,
      subtree: true,
    },
  );
});

const iam = adminClients(sandbox).iam;
const lags = [];
const checks = [];
let keyId;
for (let i = 0; i < ROUNDS; i++) {
  if (keyId) {
    await iam.send(new DeleteAccessKeyCommand({ UserName: 'iam-admin', AccessKeyId: keyId }));
  }
  keyId = (await iam.send(new CreateAccessKeyCommand({ UserName: 'iam-admin' }))).AccessKey
    .AccessKeyId;
  const want = keyId;
  const before = await page.evaluate(() => window.__seen.length);
  const t0 = Date.now();
  await run(
    process.execPath,
    ['bin/lab.mjs', 'check', 'day42', '--step', 'create-key', '--no-cleanup'],
    {
      env: { ...sandbox.env, NO_COLOR: '1' },
    },
  ).catch(() => {}); // exit 1: not every step passed
  const exited = Date.now();
  checks.push(exited - t0);
  const handle = await page
    .waitForFunction(
      ([n, w]) => window.__seen.slice(n).find(([t]) => t.includes(w))?.[1],
      [before, want],
      { timeout: 30_000 },
    )
    .catch(async (e) => {
      const seen = await page.evaluate(() => JSON.stringify(window.__seen));
      throw new Error(`round ${i}: the page never named ${want}; it showed ${seen}`, { cause: e });
    });
  lags.push((await handle.jsonValue()) - exited);
}

const w = pageWeight(out, 'labs/day42/index.html');
const res = await fetch(url + 'labs/day42/', { headers: { 'accept-encoding': 'gzip' } });
const served = res.headers.get('content-encoding');
const html = Buffer.from(await (await fetch(url + 'labs/day42/')).arrayBuffer());

console.log(
  `site live benchmark — node ${process.version}, ${cpus().length} CPUs, load ${loadavg()[0].toFixed(1)}, ${ROUNDS} rounds`,
);
console.log(
  `terminal \`lab check\` exit → page shows it: median ${median(lags)} ms, max ${Math.max(...lags)} ms` +
    `  (all: ${lags.join(', ')} ms)`,
);
console.log(`(the \`lab check\` process itself: median ${median(checks)} ms)`);
console.log(
  `day42 page: HTML ${kb(w.html)}, JS ${kb(w.js)}, total ${kb(w.total)} of 60 KB (JS of 15 KB);` +
    ` HTML served ${served ?? 'uncompressed'}: ${kb(gzipSync(html).length)} gzip`,
);

await browser.close();
server.closeAllConnections();
server.close();
services.close();
target.close();
await sandbox.stop();
rmSync(out, { recursive: true, force: true });
