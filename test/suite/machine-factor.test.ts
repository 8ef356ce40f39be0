// The time bounds' factor follows the machine (test/helpers/timeouts.ts, docs/testing.md): a
// run started beside a busy loop or a CI neighbour gets bounds grown by what else is running,
// without anyone setting LAB_TEST_TIMEOUT_FACTOR (issue 22: 0 failures under load).
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, expect, it } from 'vitest';
import { machineFactor, timeoutFactor } from '../helpers/timeouts.ts';

it('is 3 on a quiet machine and grows by (busy + cores) / cores', () => {
  expect(machineFactor(2, 0)).toBe(3);
  expect(machineFactor(2, 0.4)).toBe(4); // rounded up: a bound is never shortened
  expect(machineFactor(2, 2)).toBe(6);
  expect(machineFactor(2, 8)).toBe(15); // bench/load.mjs's 8 busy loops on 2 cores
  expect(machineFactor(4, 1)).toBe(4);
});

it('LAB_TEST_TIMEOUT_FACTOR wins, and a nonsense value is an error', () => {
  expect(timeoutFactor({ LAB_TEST_TIMEOUT_FACTOR: '7' })).toBe(7);
  expect(() => timeoutFactor({ LAB_TEST_TIMEOUT_FACTOR: 'fast' })).toThrow(/number ≥ 1/);
  expect(() => timeoutFactor({ LAB_TEST_TIMEOUT_FACTOR: '0.5' })).toThrow(/number ≥ 1/);
});

const spinners: ChildProcess[] = [];
afterAll(() => {
  for (const s of spinners) s.kill('SIGKILL');
});

it('counts what is running now: four busy loops raise it to at least 3 × (4 + cores) / cores', async () => {
  const SPIN = 'process.stdout.write("go\\n"); for (;;);';
  for (let i = 0; i < 4; i++) spinners.push(spawn(process.execPath, ['-e', SPIN]));
  // Each loop is runnable from its first output on, for as long as it lives.
  await Promise.all(spinners.map((s) => new Promise((resolve) => s.stdout!.once('data', resolve))));
  const cores = 2;
  expect(machineFactor(cores)).toBeGreaterThanOrEqual(Math.ceil((3 * (4 + cores)) / cores));
});
