// How fast `lab` starts, against the real AWS CLI binaries as the baseline (issue 19):
// `lab check day42` as typed in `lab shell` (the launcher on PATH there: this Node +
// bin/lab.mjs, no npx) at 0/5, 3/5 and 5/5 steps done, side by side (alternating) with one
// `aws sts get-caller-identity` of each CLI binary itself — pyenv's v1 (the binary `pyenv which
// aws` names, not the shim) and Debian's v2.9 `/usr/bin/aws` (with --endpoint-url: 2.9 ignores
// AWS_ENDPOINT_URL) — never through the sandbox's wrapper. Also `lab --help` and a bare Node.
// Usage: node bench/startup.mjs [repetitions]   (prints figures; asserts nothing)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { $ } from 'zx';
import { startTestSandbox } from '../test/helpers/sandbox.ts';
import { writeLabLauncher } from '../runner/commands/sandbox/launcher.ts';
import { loadSolve } from '../runner/labtest/run.ts';
import { machine, median, row } from './stats.mjs';

const reps = Number(process.argv[2] ?? 9);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const sb = await startTestSandbox();
// Stopped early (Ctrl-C, kill): stop the sandbox too, or its two processes outlive the bench.
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => void sb.stop().finally(() => process.exit(130)));
}
const binDir = join(sb.home, 'sandbox', 'bin');
const lab = writeLabLauncher(binDir);
const env = { ...sb.env, NO_COLOR: '1' };
const v1 = spawnSync('pyenv', ['which', 'aws'], { encoding: 'utf8' }).stdout.trim();
const v2 = '/usr/bin/aws';

// CPU time (user + sys) beside wall time: on this shared machine wall time is mostly waiting
// for a core, and CPU time is what a quiet laptop would spend (GNU time, when installed).
const GNU_TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
const cpu = new Map();

function time(cmd, args, ok = [0], extra = {}) {
  const t0 = performance.now();
  const [c, a] = GNU_TIME ? [GNU_TIME, ['-f', 'cpu %U %S', cmd, ...args]] : [cmd, args];
  const r = spawnSync(c, a, { env: { ...env, ...extra }, encoding: 'utf8', cwd: ROOT });
  const ms = performance.now() - t0;
  if (!ok.includes(r.status))
    throw new Error(`${cmd} ${args.join(' ')} → ${r.status}\n${r.stderr}`);
  const m = /cpu ([\d.]+) ([\d.]+)\s*$/.exec(r.stderr);
  if (m) time.cpu = (Number(m[1]) + Number(m[2])) * 1000;
  return ms;
}
/** Wall time of `f`, its CPU time kept under `key`. */
function timed(key, f) {
  const ms = f();
  if (time.cpu !== undefined) cpu.set(key, [...(cpu.get(key) ?? []), time.cpu]);
  return ms;
}
const check = () => timed('snapshot', () => time(lab, ['check', 'day42', '--no-cleanup'], [0, 1]));
// The same check from the sources (LAB_SNAPSHOT=0: the launcher skips the start-up snapshot).
const fromSources = () =>
  timed('sources', () =>
    time(lab, ['check', 'day42', '--no-cleanup'], [0, 1], { LAB_SNAPSHOT: '0' }),
  );
const awsV1 = () => timed('v1', () => time(v1, ['sts', 'get-caller-identity']));
const awsV2 = () =>
  timed('v2', () => time(v2, ['--endpoint-url', sb.endpoint, 'sts', 'get-caller-identity']));

/** Alternate the three so they see the same machine; one warm-up each first. */
function measure(label) {
  // Confirm which code runs at this step count (a stale snapshot would measure the sources).
  const used = spawnSync(lab, ['check', 'day42', '--no-cleanup'], {
    env: { ...env, LAB_SNAPSHOT_DEBUG: '1' },
    encoding: 'utf8',
  });
  const said = used.stderr.split('\n').filter((l) => l.startsWith('lab: '));
  if (!said[0]?.includes('from the start-up snapshot')) throw new Error(said.join('\n'));
  if (said.some((l) => l.includes('loaded from node_modules'))) console.log(`  ${said.at(-1)}`);
  (check(), awsV1(), awsV2(), fromSources());
  const c = [];
  const a1 = [];
  const a2 = [];
  const src = [];
  for (let i = 0; i < reps; i++) {
    c.push(check());
    a1.push(awsV1());
    a2.push(awsV2());
    src.push(fromSources());
  }
  console.log(row(`lab check day42 at ${label}`, c));
  console.log(row('  the same from the sources (LAB_SNAPSHOT=0)', src));
  console.log(row('  aws sts get-caller-identity, v1 binary', a1));
  console.log(row('  aws sts get-caller-identity, v2.9 binary', a2));
  console.log(
    `  ratio check / one aws call: v1 ${(median(c) / median(a1)).toFixed(2)}, v2.9 ${(median(c) / median(a2)).toFixed(2)} (target ≤ 0.30)`,
  );
  if (cpu.size) {
    const m = (k) => median(cpu.get(k).slice(-reps));
    console.log(
      `  CPU (user+sys) medians: check ${m('snapshot').toFixed(0)} ms, from the sources ${m('sources').toFixed(0)} ms, aws v1 ${m('v1').toFixed(0)} ms, v2.9 ${m('v2').toFixed(0)} ms; ratio v1 ${(m('snapshot') / m('v1')).toFixed(2)}, v2.9 ${(m('snapshot') / m('v2')).toFixed(2)}`,
    );
  }
}

try {
  // The start-up snapshot `lab check` starts from in `lab shell` (runner/snapshot/): built here
  // first (a learner's first check builds it in the background), then confirmed in use.
  const built = spawnSync(process.execPath, [join(ROOT, 'runner/snapshot/build.ts'), '--verbose'], {
    encoding: 'utf8',
  });
  if (built.status !== 0) throw new Error(`snapshot build failed:\n${built.stderr}`);
  console.log(built.stderr.trim());
  time(lab, ['start', 'day42']);
  const used = spawnSync(lab, ['check', 'day42', '--no-cleanup'], {
    env: { ...env, LAB_SNAPSHOT_DEBUG: '1' },
    encoding: 'utf8',
  });
  if (!used.stderr.includes('from the start-up snapshot')) {
    throw new Error(`lab check did not start from the snapshot:\n${used.stderr}`);
  }
  console.log(`repetitions: ${reps}; ${machine(env)}; v1 binary ${v1}`);
  const help = [];
  const bare = [];
  time(lab, ['--help']);
  for (let i = 0; i < reps; i++) {
    help.push(time(lab, ['--help']));
    bare.push(time(process.execPath, ['-e', '0']));
  }
  console.log(row('lab --help (target ≤ 150 ms)', help));
  console.log(row('  node -e 0 (a bare Node start)', bare));

  measure('0/5');
  const steps = await loadSolve('day42');
  const z = $({ env, quiet: true });
  const state = {};
  const ids = Object.keys(steps);
  for (const id of ids.slice(0, 3)) {
    await steps[id]({ $: z, env, state });
    time(lab, ['check', 'day42', '--no-cleanup'], [0, 1]); // as the learner checks each step
  }
  measure('3/5');
  for (const id of ids.slice(3)) {
    await steps[id]({ $: z, env, state });
    time(lab, ['check', 'day42', '--no-cleanup'], [0, 1]);
  }
  measure('5/5 (--no-cleanup)');
} finally {
  await sb.stop();
}
