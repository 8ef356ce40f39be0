// `lab check day42` as a learner types it inside `lab shell` — the `lab` on PATH there (the
// launcher next to the `aws` wrapper: this Node + bin/lab.mjs, no npx) — against one
// `aws sts get-caller-identity` typed in the same shell (through the wrapper), side by side
// (alternating), plus `npx lab check day42` for reference. All five steps pass first.
// Usage: node bench/check-shell.mjs [repetitions]   (prints figures; asserts nothing)
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestSandbox } from '../test/helpers/sandbox.ts';
import { writeLabLauncher } from '../runner/commands/sandbox/launcher.ts';
import { doLab } from './learner.mjs';
import { machine, median, row } from './stats.mjs';

const reps = Number(process.argv[2] ?? 11);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const sb = await startTestSandbox();
// The shell's environment: the sandbox's bin (aws wrapper, lab launcher) first on PATH.
const binDir = join(sb.home, 'sandbox', 'bin');
writeLabLauncher(binDir);
const env = { ...sb.env, NO_COLOR: '1' };

// The same shell with Debian's CLI v2.9 as the real `aws` behind the wrapper.
const [wrapperDir, ...rest] = env.PATH.split(':');
const envV2 = { ...env, PATH: [wrapperDir, '/usr/bin', ...rest].join(':') };

function run(cmd, args, ok = [0], e = env) {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { env: e, encoding: 'utf8', cwd: ROOT });
  const ms = performance.now() - t0;
  if (!ok.includes(r.status)) {
    throw new Error(`${cmd} ${args.join(' ')} → ${r.status}\n${r.stdout}\n${r.stderr}`);
  }
  return { ms, stdout: r.stdout };
}
const aws = (...a) => run('aws', a);
const awsV2 = (...a) => run('aws', a, [0], envV2);
const lab = (...a) => run('lab', a, a[0] === 'check' ? [0, 1] : [0]);
const npxLab = (...a) => run('npx', ['lab', ...a], [0, 1]);

try {
  await doLab('day42', env, lab);

  // Warm-up, then alternate so all three see the same machine state.
  lab('check', 'day42', '--no-cleanup');
  aws('sts', 'get-caller-identity');
  npxLab('check', 'day42', '--no-cleanup');
  const check = [];
  const cli = [];
  const viaNpx = [];
  const cliV2 = [];
  awsV2('sts', 'get-caller-identity');
  for (let i = 0; i < reps; i++) {
    check.push(lab('check', 'day42', '--no-cleanup').ms);
    cli.push(aws('sts', 'get-caller-identity').ms);
    cliV2.push(awsV2('sts', 'get-caller-identity').ms);
    viaNpx.push(npxLab('check', 'day42', '--no-cleanup').ms);
  }
  console.log(`repetitions: ${reps}; ${machine(env)}`);
  console.log(row('lab check day42 (5/5, `lab` on PATH)', check));
  console.log(row('aws sts get-caller-identity (wrapper → v1)', cli));
  console.log(row('aws sts get-caller-identity (wrapper → v2.9)', cliV2));
  console.log(row('npx lab check day42 (reference)', viaNpx));
  console.log(
    `ratio lab check / one aws call: v1 ${(median(check) / median(cli)).toFixed(2)}, ` +
      `v2.9 ${(median(check) / median(cliV2)).toFixed(2)} (target ≤ 0.50); ` +
      `npx lab check / v1: ${(median(viaNpx) / median(cli)).toFixed(2)}`,
  );
} finally {
  await sb.stop();
}
