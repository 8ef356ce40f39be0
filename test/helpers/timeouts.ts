// Every bound a test puts on time, scaled by one factor for the machine it runs on. A timeout
// here catches a hang, never a slow machine: on a quiet 2-core machine the suite's slowest test
// uses a fraction of its bound. On a busy machine (CI: load 8-18 on 2 cores, each process gets a
// tenth of a core) the factor grows with what else is running when the run starts
// (machineFactor), or LAB_TEST_TIMEOUT_FACTOR sets it. Read by vitest.config.ts (testTimeout,
// hookTimeout; it fixes the factor once for the whole run) and by the helpers' bounded waits.
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';

/** The factor on a quiet machine: the suite's own three files at a time keep both cores busy. */
const QUIET = 3;

let measured: number | undefined;

/** LAB_TEST_TIMEOUT_FACTOR (default: machineFactor(), measured once per process); at least 1. */
export function timeoutFactor(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.LAB_TEST_TIMEOUT_FACTOR;
  const n = raw === undefined || raw === '' ? (measured ??= machineFactor()) : Number(raw);
  if (!Number.isFinite(n) || n < 1) {
    throw new Error(`LAB_TEST_TIMEOUT_FACTOR must be a number ≥ 1 (got ${JSON.stringify(raw)})`);
  }
  return n;
}

/**
 * 3 on a quiet machine; with `busy` other runnable processes on C cores the suite gets C/(busy+C)
 * of the machine it had, so the factor grows by (busy+C)/C: 15 with 8 busy loops on 2 cores
 * (bench/load.mjs), 6 with two. `busy` is what runs now (the kernel's count of runnable tasks,
 * sampled: the load average lags a minute behind a load that just started), or the load
 * average when that is higher (a machine that was busy a moment ago is likely busy again).
 */
export function machineFactor(
  cores = availableParallelism(),
  busy = Math.max(otherRunnable(), loadavg()[0]),
): number {
  return Math.max(QUIET, Math.ceil((QUIET * (busy + cores)) / cores));
}

const PAUSE = new Int32Array(new SharedArrayBuffer(4));

/** Runnable tasks besides this one: the median of five samples of /proc/stat 20 ms apart. */
function otherRunnable(): number {
  const samples: number[] = [];
  for (let i = 0; i < 5; i++) {
    if (i) Atomics.wait(PAUSE, 0, 0, 20);
    try {
      const m = /^procs_running (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'));
      samples.push(m ? Number(m[1]) - 1 : 0);
    } catch {
      return 0; // no /proc (macOS): the load average alone
    }
  }
  return samples.sort((a, b) => a - b)[2];
}

/** `ms` (what the wait needs on a quiet machine, generously) times the machine's factor. */
export function scaled(ms: number): number {
  return Math.round(ms * timeoutFactor());
}
