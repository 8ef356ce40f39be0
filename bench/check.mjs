// `lab check day42` with all five steps passing vs one `aws sts get-caller-identity`,
// both against the same sandbox, side by side (alternating), several repetitions.
// Usage: node bench/check.mjs [repetitions]   (prints figures; asserts nothing)
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startTestSandbox } from '../test/helpers/sandbox.ts';
import { doLab } from './learner.mjs';
import { machine, median, row } from './stats.mjs';

const reps = Number(process.argv[2] ?? 15);
const BIN = fileURLToPath(new URL('../bin/lab.mjs', import.meta.url));
const sb = await startTestSandbox();
const env = { ...sb.env, NO_COLOR: '1' };

function run(cmd, args, ok = [0]) {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { env, encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (!ok.includes(r.status)) {
    throw new Error(`${cmd} ${args.join(' ')} → ${r.status}\n${r.stdout}\n${r.stderr}`);
  }
  return { ms, stdout: r.stdout };
}
const aws = (...a) => run('aws', a);
const lab = (...a) => run(process.execPath, [BIN, ...a], a[0] === 'check' ? [0, 1] : [0]);

try {
  await doLab('day42', env, lab);

  // Warm-up (disk cache, Python bytecode), then alternate so both see the same machine state.
  lab('check', 'day42', '--json', '--no-cleanup');
  aws('sts', 'get-caller-identity');
  const check = [];
  const cli = [];
  for (let i = 0; i < reps; i++) {
    check.push(lab('check', 'day42', '--json', '--no-cleanup').ms);
    cli.push(aws('sts', 'get-caller-identity').ms);
  }
  const mc = median(check);
  const ma = median(cli);
  console.log(`repetitions: ${reps}; ${machine(env)}`);
  console.log(row('lab check day42 (5/5 passed)', check, 30));
  console.log(row('aws sts get-caller-identity', cli, 30));
  console.log(`ratio check / one CLI call: ${(mc / ma).toFixed(2)} (target ≤ 0.50)`);
} finally {
  await sb.stop();
}
