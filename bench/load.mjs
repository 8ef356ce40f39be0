#!/usr/bin/env node
// A reproducible busy machine for measuring the test suite under load (issue 22): N busy-loop
// processes (default 8, on a 2-core machine a load average of ~8 on top of the suite's own),
// each spinning at full speed until this script is stopped or --seconds have passed.
//   node bench/load.mjs [--procs 8] [--seconds 3600] &  npm test;  kill %1
// Or around one command: node bench/load.mjs --procs 8 -- npm test   (exit status: the command's)
// The loops are children of this process and stop with it (SIGINT, SIGTERM, or its end).
import { fork, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

if (process.argv[2] === '--spin') {
  // A child: burn CPU in slices, so it still notices its parent is gone.
  const ppid = process.ppid;
  for (;;) {
    const until = Date.now() + 100;
    while (Date.now() < until);
    if (process.ppid !== ppid) process.exit(0);
  }
}

const args = process.argv.slice(2);
const sep = args.indexOf('--');
const opts = sep < 0 ? args : args.slice(0, sep);
const command = sep < 0 ? [] : args.slice(sep + 1);
const opt = (name, dflt) => {
  const i = opts.indexOf(`--${name}`);
  return i < 0 ? dflt : Number(opts[i + 1]);
};
const procs = opt('procs', 8);
const seconds = opt('seconds', command.length ? Infinity : 3600);

const spinners = Array.from({ length: procs }, () =>
  fork(new URL(import.meta.url).pathname, ['--spin'], { stdio: 'ignore' }),
);
const stop = (code) => {
  for (const s of spinners) s.kill('SIGKILL');
  process.exit(code);
};
process.on('SIGINT', () => stop(130));
process.on('SIGTERM', () => stop(143));
console.error(`bench/load.mjs: ${procs} busy loops (pids ${spinners.map((s) => s.pid).join(' ')})`);
if (Number.isFinite(seconds)) setTimeout(() => stop(0), seconds * 1000);
if (command.length) {
  const t0 = Date.now();
  // The suite's bounds are quiet-machine figures times LAB_TEST_TIMEOUT_FACTOR (default 3, for a
  // machine about as busy as the suite makes it alone). N busy loops on C cores leave the suite
  // C/(N+C) of the machine it had, so the factor grows by (N+C)/C, as a CI on a busy machine
  // would raise it (docs/testing.md). A factor already set is kept.
  const cores = availableParallelism();
  const env = { ...process.env };
  env.LAB_TEST_TIMEOUT_FACTOR ||= String(Math.ceil((3 * (procs + cores)) / cores));
  console.error(`bench/load.mjs: LAB_TEST_TIMEOUT_FACTOR=${env.LAB_TEST_TIMEOUT_FACTOR}`);
  const child = spawn(command[0], command.slice(1), { stdio: 'inherit', env });
  child.on('exit', (code, signal) => {
    const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
    console.error(
      `bench/load.mjs: ${command.join(' ')} took ${((Date.now() - t0) / 1000).toFixed(0)} s under ${procs} busy loops (load ${load})`,
    );
    stop(code ?? (signal ? 1 : 0));
  });
}
