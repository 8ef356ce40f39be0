// Every bound a test puts on time, scaled by one factor for the machine it runs on. A timeout
// here catches a hang, never a slow machine: on a quiet 2-core machine the suite's slowest test
// uses a fraction of its bound, and a busy CI machine (load 8-18 on 2 cores: each process gets
// a tenth of a core) raises LAB_TEST_TIMEOUT_FACTOR instead of the tests guessing. Read by
// vitest.config.ts (testTimeout, hookTimeout) and by the helpers' bounded waits.

/** LAB_TEST_TIMEOUT_FACTOR (default 3: a loaded shared machine passes); at least 1. */
export function timeoutFactor(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.LAB_TEST_TIMEOUT_FACTOR;
  const n = raw === undefined || raw === '' ? 3 : Number(raw);
  if (!Number.isFinite(n) || n < 1) {
    throw new Error(`LAB_TEST_TIMEOUT_FACTOR must be a number ≥ 1 (got ${JSON.stringify(raw)})`);
  }
  return n;
}

/** `ms` (what the wait needs on a quiet machine, generously) times the machine's factor. */
export function scaled(ms: number): number {
  return Math.round(ms * timeoutFactor());
}
