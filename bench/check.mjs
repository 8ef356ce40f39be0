// `lab check day42` with all five steps passing vs one `aws sts get-caller-identity`,
// both against the same sandbox, side by side (alternating), several repetitions.
// Usage: node bench/check.mjs [repetitions]   (prints figures; asserts nothing)
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startTestSandbox } from '../test/helpers/sandbox.ts';
import { machine, median, row } from './stats.mjs';

const reps = Number(process.argv[2] ?? 15);
const BIN = fileURLToPath(new URL('../bin/lab.mjs', import.meta.url));
const sb = await startTestSandbox();
const env = { ...sb.env, NO_COLOR: '1' };

function run(cmd, args, ok = [0]) {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { env, encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (!ok.includes(r.status) && !args.includes('describe-instances')) {
    throw new Error(`${cmd} ${args.join(' ')} → ${r.status}\n${r.stdout}\n${r.stderr}`);
  }
  return { ms, stdout: r.stdout };
}
const aws = (...a) => run('aws', a);
const lab = (...a) => run(process.execPath, [BIN, ...a], a[0] === 'check' ? [0, 1] : [0]);

try {
  // Do the lab as a learner would, so every step passes.
  lab('start', 'day42');
  const key = JSON.parse(
    aws('iam', 'create-access-key', '--user-name', 'iam-admin').stdout,
  ).AccessKey;
  aws('configure', 'set', 'aws_access_key_id', key.AccessKeyId, '--profile', 'bench');
  aws('configure', 'set', 'aws_secret_access_key', key.SecretAccessKey, '--profile', 'bench');
  aws('configure', 'set', 'region', 'ap-southeast-2', '--profile', 'bench');
  aws('iam', 'list-users', '--profile', 'bench');
  aws('ec2', 'describe-instances', '--profile', 'bench');
  lab('check', 'day42', '--no-cleanup'); // records the verified profile while the key is live
  aws(
    'iam',
    'update-access-key',
    '--user-name',
    'iam-admin',
    '--access-key-id',
    key.AccessKeyId,
    '--status',
    'Inactive',
  );
  aws('iam', 'delete-access-key', '--user-name', 'iam-admin', '--access-key-id', key.AccessKeyId);
  const all = JSON.parse(lab('check', 'day42', '--json', '--no-cleanup').stdout);
  if (!all.steps.every((s) => s.status === 'passed'))
    throw new Error(`not all passed: ${JSON.stringify(all)}`);

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
