// `lab cleanup day42` (dry run and real) after the lab is done through solve.mjs,
// next to one `aws sts get-caller-identity` against the same sandbox; then one
// whole `lab test day42` (fresh sandbox included).
// Usage: node bench/cleanup.mjs [repetitions]   (prints figures; asserts nothing)
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { $ } from 'zx';
import { startTestSandbox } from '../test/helpers/sandbox.ts';
import { median } from './stats.mjs';

const reps = Number(process.argv[2] ?? 5);
const BIN = fileURLToPath(new URL('../bin/lab.mjs', import.meta.url));
const { steps } = await import('../labs/day42/solve.mjs');
const sb = await startTestSandbox();
const env = { ...sb.env, NO_COLOR: '1' };

function run(cmd, args) {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { env, encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (r.status !== 0)
    throw new Error(`${cmd} ${args.join(' ')} → ${r.status}\n${r.stdout}\n${r.stderr}`);
  return ms;
}
const lab = (...a) => run(process.execPath, [BIN, ...a]);

const t = { dry: [], real: [], aws: [] };
try {
  for (let i = 0; i < reps; i++) {
    lab('start', 'day42');
    const z = $({ env, quiet: true });
    const state = {};
    for (const id of Object.keys(steps)) await steps[id]({ $: z, env, state });
    t.aws.push(run('aws', ['sts', 'get-caller-identity']));
    t.dry.push(lab('cleanup', 'day42', '--dry-run'));
    t.real.push(lab('cleanup', 'day42'));
  }
} finally {
  await sb.stop();
}
const t0 = performance.now();
const whole = spawnSync(process.execPath, [BIN, 'test', 'day42'], {
  env: { ...process.env, NO_COLOR: '1' },
  encoding: 'utf8',
});
const testMs = performance.now() - t0;

const f = (ms) => `${(ms / 1000).toFixed(2)} s`;
console.log(`lab cleanup day42 after solve.mjs, sandbox, ${reps} repetitions (median)`);
console.log(`  aws sts get-caller-identity   ${f(median(t.aws))}`);
console.log(`  lab cleanup --dry-run         ${f(median(t.dry))}`);
console.log(`  lab cleanup (real, verified)  ${f(median(t.real))}`);
console.log(
  `lab test day42 (fresh sandbox, 5 steps, cleanup, compare): ${f(testMs)}, exit ${whole.status}`,
);
