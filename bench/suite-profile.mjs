#!/usr/bin/env node
// Where the test suite's CPU goes: runs `vitest run [args]` and samples, every 200 ms, the CPU
// time (user + system, from /proc) of every process the run started (vitest's descendants, and
// the detached sandboxes, found by the run's marker LABRUNNER_TEST_RUN), grouped by what the
// process is (a test worker, the sandbox engine, an `aws` CLI, `lab`, Chromium, …).
//   node bench/suite-profile.mjs [vitest args, e.g. test/sandbox/s3.test.ts]
// A process that lives less than one sample is missed: the figures are lower bounds.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';

const HZ = 100; // USER_HZ on Linux
const KINDS = [
  ['vitest worker', (a) => a.includes('/vitest/dist/workers/')],
  ['vitest main', (a) => a.includes('vitest.mjs')],
  ['sandbox engine (moto)', (a) => a.includes('sandbox/engine/engine.py')],
  ['sandbox gateway', (a) => a.includes('sandbox/gateway/main.ts')],
  ['lab CLI', (a) => a.includes('bin/lab.mjs')],
  [
    'aws CLI v1 (pyenv)',
    (a) =>
      /\.pyenv\/versions\/.*\/bin\/(python[\d.]*\s+\S*)?aws\b|\.pyenv\/versions\/[^ ]*\/bin\/aws/.test(
        a,
      ),
  ],
  ['aws CLI v2.9 (Debian)', (a) => a.includes('/usr/bin/aws') || a.includes('.aws-endpoint.py')],
  [
    'sandbox start probes (python -c)',
    (a) => /python[\d.]* -c import (sys, moto|botocore)/.test(a),
  ],
  ['pyenv shim / other pyenv python', (a) => a.includes('pyenv')],
  ['chromium', (a) => a.includes('chromium')],
  ['postgres', (a) => a.includes('postgres')],
  ['astro/esbuild', (a) => a.includes('esbuild') || a.includes('astro')],
  ['shell', (a) => /^(\/bin\/|\/usr\/bin\/)?(ba|z|)sh\b/.test(a)],
];
const kindOf = (args) =>
  KINDS.find(([, f]) => f(args))?.[0] ?? `other: ${args.split(' ')[0].split('/').pop()}`;

// The project's own Node 24 (what `npm test` runs), when this script ran on an older one.
const OWN_NODE = 'node_modules/node/bin/node';
const child = spawn(
  existsSync(OWN_NODE) ? OWN_NODE : process.execPath,
  ['node_modules/vitest/vitest.mjs', 'run', ...process.argv.slice(2)],
  {
    stdio: 'inherit',
  },
);
const t0 = Date.now();
let runId;
const seen = new Map(); // pid+starttime -> { kind, cpu }
function sample() {
  const procs = [];
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      procs.push({
        pid: Number(p),
        ppid: Number(f[1]),
        cpu: Number(f[11]) + Number(f[12]),
        start: f[19],
      });
    } catch {}
  }
  const byPid = new Map(procs.map((p) => [p.pid, p]));
  const descends = (p) => {
    for (let q = p, i = 0; q && i < 50; q = byPid.get(q.ppid), i++)
      if (q.pid === child.pid) return true;
    return false;
  };
  for (const p of procs) {
    let ours = descends(p);
    let env = '';
    if (!ours || !runId) {
      try {
        env = readFileSync(`/proc/${p.pid}/environ`, 'utf8');
      } catch {
        continue;
      }
      const m = /LABRUNNER_TEST_RUN=([^\0]+)/.exec(env);
      if (ours && m && !runId) runId = m[1];
      if (!ours && runId && m?.[1] === runId) ours = true;
    }
    if (!ours) continue;
    const key = `${p.pid}:${p.start}`;
    let s = seen.get(key);
    // Re-read each time: a process changes what it is on exec (pyenv's shim becomes python).
    let args = '';
    try {
      args = readFileSync(`/proc/${p.pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
    } catch {}
    if (!args) continue;
    if (!s) seen.set(key, (s = { kind: kindOf(args), cpu: 0 }));
    else s.kind = kindOf(args);
    s.cpu = Math.max(s.cpu, p.cpu);
  }
}
const timer = setInterval(sample, 200);
child.on('exit', (code) => {
  clearInterval(timer);
  const totals = new Map();
  for (const { kind, cpu } of seen.values()) {
    const t = totals.get(kind) ?? { cpu: 0, n: 0 };
    t.cpu += cpu / HZ;
    t.n++;
    totals.set(kind, t);
  }
  const all = [...totals.values()].reduce((a, t) => a + t.cpu, 0);
  console.log(
    `\nwall ${((Date.now() - t0) / 1000).toFixed(0)} s, CPU seen ${all.toFixed(0)} s (lower bound), load ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`,
  );
  for (const [kind, t] of [...totals].sort((a, b) => b[1].cpu - a[1].cpu)) {
    console.log(
      `  ${kind.padEnd(28)} ${t.cpu.toFixed(1).padStart(7)} s CPU  ${String(t.n).padStart(5)} processes  ${(t.cpu / t.n).toFixed(2)} s each`,
    );
  }
  process.exit(code ?? 1);
});
