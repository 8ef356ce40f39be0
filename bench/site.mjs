// Site benchmark: `astro build` time for 10 and 100 generated labs, and what the day42
// page weighs (HTML / CSS / JS, uncompressed). Prints figures; asserts nothing.
//   node bench/site.mjs            (RUNS=3 by default)
import { rmSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { buildSite } from '../runner/serve/index.ts';
import { labsRoot } from '../runner/lab/paths.ts';
import { generatedLabsDir } from '../test/helpers/generated-labs.ts';
import { pageWeight } from '../test/helpers/page-weight.ts';

const RUNS = Number(process.env.RUNS ?? 3);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

let pages = 0;

async function timeBuild(labsDir) {
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    const outDir = mkdtempSync(join(tmpdir(), 'lab-bench-dist-'));
    const t0 = performance.now();
    await buildSite({ outDir, labsDir });
    times.push(performance.now() - t0);
    pages = readdirSync(join(outDir, 'labs')).length;
    rmSync(outDir, { recursive: true, force: true });
  }
  return times;
}

console.log(
  `site build benchmark — node ${process.version}, ${cpus().length} CPUs, ${RUNS} runs each`,
);
// Warm-up: the first build on a machine fills Vite's dependency cache.
await timeBuild(generatedLabsDir(1)).catch(() => {});
for (const n of [10, 100]) {
  const dir = generatedLabsDir(n);
  const times = await timeBuild(dir);
  rmSync(dir, { recursive: true, force: true });
  console.log(
    `${String(n).padStart(3)} labs (5 steps each): median ${(median(times) / 1000).toFixed(2)} s` +
      `  (runs: ${times.map((t) => (t / 1000).toFixed(2)).join(', ')} s)` +
      `  → ${(median(times) / n).toFixed(0)} ms per lab; ${pages} lab pages built`,
  );
}

const out = mkdtempSync(join(tmpdir(), 'lab-bench-dist-'));
await buildSite({ outDir: out, labsDir: labsRoot() });
const w = pageWeight(out, 'labs/day42/index.html');
rmSync(out, { recursive: true, force: true });
console.log(
  `day42 page: HTML ${kb(w.html)} (incl. inline CSS ${kb(w.css)}), JS ${kb(w.js)}; ` +
    `total ${kb(w.total)} of the 60 KB budget, JS ${kb(w.js)} of 15 KB`,
);
