import { defineConfig } from 'vitest/config';
import { machineFactor, scaled } from './test/helpers/timeouts.ts';

// One factor for the whole run, from how busy the machine is as it starts (or as set): every
// worker and every process the tests start inherit it, so a bound means the same everywhere.
if (!process.env.LAB_TEST_TIMEOUT_FACTOR) {
  process.env.LAB_TEST_TIMEOUT_FACTOR = String(machineFactor());
  if (Number(process.env.LAB_TEST_TIMEOUT_FACTOR) > 3) {
    console.log(`A busy machine: test time bounds ×${process.env.LAB_TEST_TIMEOUT_FACTOR}`);
  }
}

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // One scope per run: a temp root and an environment marker for everything the tests start;
    // after the run and on Ctrl-C/SIGTERM, what is left of it (and only that) is stopped.
    globalSetup: ['test/global-setup.ts'],
    // LAB_TEST_CPU_LOG=<file>: each file's CPU, for bench/suite-cpu.mjs (nothing without it).
    setupFiles: ['test/helpers/cpu-log.ts'],
    // Tests start real sandboxes (moto + gateway), browsers and databases. Bounds catch hangs,
    // not slow machines: they scale with LAB_TEST_TIMEOUT_FACTOR (test/helpers/timeouts.ts).
    testTimeout: scaled(60_000),
    hookTimeout: scaled(60_000),
    // expect.poll's own default is 1 s: a page or a server that answers in 2 s on a busy machine
    // failed the test (the dashboard's sign-in alert in issue 22).
    expect: { poll: { timeout: scaled(5_000) } },
    pool: 'forks',
    // Most of a test's time is spent waiting on other processes (moto, the AWS CLIs, Chromium),
    // so three files at a time on two cores halve the suite's wall time (bench/README.md).
    // Vitest's default on two cores is one file at a time.
    maxWorkers: 3,
  },
});
