// How long the shared lab parser takes: the site renders every lab at build time and
// `lab hint` / `lab list` parse on every run. Prints figures; asserts nothing.
//   node bench/lab-parse.ts
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { listLabs, loadLab, renderLab, DEFAULT_LABS_ROOT } from '../runner/lab/index.ts';
import { generatedLabsDir } from '../test/helpers/generated-labs.ts';

const ms = (t: number) => `${t.toFixed(1)} ms`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function time(fn: () => Promise<unknown> | unknown, runs: number): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    samples.push(performance.now() - t);
  }
  return median(samples);
}

const day42 = join(DEFAULT_LABS_ROOT, 'day42');
const t = performance.now();
const first = renderLab(await loadLab(day42));
console.log(`day42 first load + render (cold, includes JIT warm-up): ${ms(performance.now() - t)}`);
console.log(
  `day42 load + render, median of 50: ${ms(await time(async () => renderLab(await loadLab(day42)), 50))}`,
);
console.log(`day42 HTML: ${(first.length / 1024).toFixed(1)} KB`);

for (const count of [10, 100]) {
  const dir = generatedLabsDir(count);
  try {
    const median = await time(async () => (await listLabs(dir)).map((l) => renderLab(l)), 5);
    console.log(
      `listLabs + renderLab, ${count} generated labs (5 steps each), median of 5: ${ms(median)}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
