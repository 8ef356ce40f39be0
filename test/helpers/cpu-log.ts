// Where a test file's CPU goes, for bench/suite-cpu.mjs: with LAB_TEST_CPU_LOG set, each file
// appends one JSON line at its end: the worker's own CPU, the CPU of the child processes it
// started and waited for (the AWS CLIs, `lab`, browsers), and the tests and assertions it ran.
// Sandboxes that outlive their worker are not in it: the suite's total minus the files' sum is
// theirs. Without the variable: nothing.
import { appendFileSync, readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';

const LOG = process.env.LAB_TEST_CPU_LOG;
const TICK_MS = 10; // Linux USER_HZ is 100 on every architecture Node supports

/** CPU (ms) of this process's waited-for children, from /proc/self/stat (cutime, cstime). */
function childrenMs(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[13]) + Number(fields[14])) * TICK_MS;
}

if (LOG) {
  let start = 0;
  let assertions = 0;
  let tests = 0;
  beforeAll(() => {
    start = Date.now();
  });
  // What the file checked: the suite may get faster, never by checking less (issue 22).
  afterEach(() => {
    assertions += expect.getState().assertionCalls;
    tests++;
  });
  afterAll(() => {
    const self = process.cpuUsage();
    appendFileSync(
      LOG,
      JSON.stringify({
        file: expect.getState().testPath,
        pid: process.pid,
        wallMs: Date.now() - start,
        selfMs: Math.round((self.user + self.system) / 1000),
        childrenMs: childrenMs(),
        tests,
        assertions,
      }) + '\n',
    );
  });
}
