#!/usr/bin/env node
// Where the suite's CPU goes (issue 22): runs vitest (all files, or the ones given) with
// LAB_TEST_CPU_LOG, then prints each file's CPU — the worker's own and that of the processes it
// started and waited for (AWS CLIs, `lab`, browsers, sandboxes it stopped) — heaviest first; the
// run's total, with the part spent in the warm AWS CLI servers (they run the tests' CLI commands,
// so a file's own figure leaves those out) and the part no file waited for (sandboxes that
// outlived their worker, vitest itself); and how many assertions the tests made (a faster suite
// must not check less); and how fast the cores were (a fixed loop's CPU before and after: a busy
// host makes every figure larger, so runs compare through it).
//   node bench/suite-cpu.mjs [--top 30] [vitest args…]
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const args = process.argv.slice(2);
let top = 30;
const t = args.indexOf('--top');
if (t >= 0) top = Number(args.splice(t, 2)[1]);
const dir = mkdtempSync(join(tmpdir(), 'suite-cpu-'));
const log = join(dir, 'cpu.jsonl');
// The warm AWS CLI servers (test/helpers/warm-cli) run the tests' CLI commands in their own
// forks, which no test process waits for: each server adds its CPU here when the run stops it.
const warmLog = join(dir, 'warm-cli.jsonl');

/** CPU (s) of this process's waited-for children, from /proc/self/stat (cutime + cstime). */
function childrenCpu() {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[13]) + Number(f[14])) / 100;
}

/**
 * How fast this machine's cores are right now: the CPU (s) of a fixed loop. A virtual machine's
 * host may be busy, and then every figure here grows with it, the suite's CPU included: compare
 * runs through this (bench/README.md, "Stop 18").
 */
function referenceLoop() {
  const start = process.cpuUsage();
  let x = 0;
  for (let i = 0; i < 3e8; i++) x = (x + i) % 1000003;
  const { user, system } = process.cpuUsage(start);
  return { cpu: (user + system) / 1e6, x };
}
const speedBefore = referenceLoop().cpu;

const t0 = Date.now();
const child = spawn('npx', ['vitest', 'run', ...args], {
  stdio: 'inherit',
  env: { ...process.env, LAB_TEST_CPU_LOG: log, LABRUNNER_WARM_CLI_CPU_LOG: warmLog },
});
child.on('exit', (code) => {
  const wall = (Date.now() - t0) / 1000;
  const lines = (f) => (existsSync(f) ? readFileSync(f, 'utf8').trim().split('\n') : []);
  const warm = lines(warmLog)
    .filter(Boolean)
    .map((l) => JSON.parse(l))
    .reduce((s, w) => s + w.server + w.children, 0);
  const total = childrenCpu() + warm;
  const rows = lines(log)
    .filter(Boolean)
    .map((l) => JSON.parse(l));
  const cpu = (r) => (r.selfMs + r.childrenMs) / 1000;
  rows.sort((a, b) => cpu(b) - cpu(a));
  const sum = rows.reduce((s, r) => s + cpu(r), 0);
  const tests = rows.reduce((s, r) => s + (r.tests ?? 0), 0);
  const assertions = rows.reduce((s, r) => s + (r.assertions ?? 0), 0);
  const fmt = (n) => n.toFixed(1).padStart(7);
  console.log(
    `\n${'cpu s'.padStart(7)} ${'worker'.padStart(7)} ${'waited'.padStart(7)} ${'wall s'.padStart(7)}  file`,
  );
  for (const r of rows.slice(0, top)) {
    const file = relative(process.cwd(), r.file);
    console.log(
      `${fmt(cpu(r))} ${fmt(r.selfMs / 1000)} ${fmt(r.childrenMs / 1000)} ${fmt(r.wallMs / 1000)}  ${file}`,
    );
  }
  console.log(
    `\n${rows.length} files: ${sum.toFixed(0)} s of CPU in the files, ${total.toFixed(0)} s in the run ` +
      `(${warm.toFixed(0)} s of it in the warm AWS CLI servers, ${(total - sum - warm).toFixed(0)} s ` +
      `elsewhere: sandboxes no file waited for, vitest), ${wall.toFixed(0)} s of wall time.\n` +
      `${tests} tests made ${assertions} assertions.\n` +
      `The reference loop (the cores' speed; lower is faster): ${speedBefore.toFixed(2)} s before, ` +
      `${referenceLoop().cpu.toFixed(2)} s after.`,
  );
  process.exit(code ?? 1);
});
