// `lab check` of the S3 and EC2 labs (issue 11), every step passing, vs one `aws` call, against
// the same sandbox, alternating, several repetitions. Each lab is first done by its solve.mjs.
// Usage: node bench/check-cloud.mjs [repetitions]   (prints figures; asserts nothing)
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startTestSandbox } from '../test/helpers/sandbox.ts';
import { doLab } from './learner.mjs';
import { machine, median, row } from './stats.mjs';

const reps = Number(process.argv[2] ?? 9);
const BIN = fileURLToPath(new URL('../bin/lab.mjs', import.meta.url));
const LABS = ['s3-basics', 'ec2-first-instance'];
const sb = await startTestSandbox();
const env = { ...sb.env, NO_COLOR: '1' };

function run(cmd, args, ok = [0]) {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { env, encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (!ok.includes(r.status))
    throw new Error(`${cmd} ${args.join(' ')} → ${r.status}\n${r.stderr}`);
  return { ms, stdout: r.stdout };
}
const lab = (...a) => run(process.execPath, [BIN, ...a], a[0] === 'check' ? [0, 1] : [0]);

try {
  for (const id of LABS) await doLab(id, sb.env, lab);
  run('aws', ['sts', 'get-caller-identity']); // warm-up
  const times = Object.fromEntries([...LABS, 'aws'].map((k) => [k, []]));
  for (let i = 0; i < reps; i++) {
    for (const id of LABS) times[id].push(lab('check', id, '--json', '--no-cleanup').ms);
    times.aws.push(run('aws', ['sts', 'get-caller-identity']).ms);
  }
  console.log(`repetitions: ${reps}; ${machine(env)}`);
  for (const id of LABS) console.log(row(`lab check ${id}`, times[id], 30));
  console.log(row('aws sts get-caller-identity', times.aws, 30));
  for (const id of LABS) {
    console.log(
      `ratio ${id} / one CLI call: ${(median(times[id]) / median(times.aws)).toFixed(2)}`,
    );
  }
} finally {
  await sb.stop();
}
