import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Stops sandbox processes a test left running, and names them (test/global-setup.ts).
    globalSetup: ['test/global-setup.ts'],
    // Tests start real sandboxes (moto + gateway), browsers and databases.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Most of a test's time is spent waiting on other processes (moto, the AWS CLIs, Chromium),
    // so three files at a time on two cores halve the suite's wall time (bench/README.md).
    // Vitest's default on two cores is one file at a time.
    maxWorkers: 3,
  },
});
