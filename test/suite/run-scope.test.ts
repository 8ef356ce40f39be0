// The suite stops what it started and nothing else (issues 16 and 22): a nested `vitest run`
// with the project's global setup leaves a sandbox running and a "person" on the same machine
// starts one meanwhile (state under the temp folder, as the issue found). After the run, and
// after Ctrl-C / SIGTERM to vitest, the run's own sandbox is stopped and the person's runs on.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stopSandbox } from '../../sandbox/index.ts';
import { ROOT } from '../sandbox/run-cli.ts';
import { scaled } from '../helpers/timeouts.ts';

const VITEST = join(ROOT, 'node_modules/vitest/vitest.mjs');
const CONFIG = join(ROOT, 'test/suite/fixtures/vitest.config.ts');
const homes: string[] = [];
afterAll(async () => {
  for (const home of homes) await stopSandbox({ home });
  for (const home of homes) rmSync(home, { recursive: true, force: true });
});

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Until `cond` holds: checked every 50 ms, bounded by what it waits for (scaled). */
async function until(cond: () => boolean, what: string, ms: number): Promise<void> {
  const deadline = Date.now() + scaled(ms);
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function nestedRun(hang: boolean) {
  const dir = mkdtempSync(join(tmpdir(), 'lab-scope-'));
  const person = join(dir, 'person-home');
  homes.push(person);
  const out = join(dir, 'pids.json');
  const child = spawn(process.execPath, [VITEST, 'run', '--config', CONFIG], {
    cwd: ROOT,
    env: {
      ...process.env,
      FIXTURE_OUT: out,
      FIXTURE_PERSON_HOME: person,
      FIXTURE_PERSON_TMP: dir,
      FIXTURE_HANG: hang ? '1' : '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group, as in a terminal: Ctrl-C reaches the whole group
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const pids = () => JSON.parse(readFileSync(out, 'utf8')) as { mine: number[]; person: number[] };
  return { child, exited, out, pids, output: () => output };
}

describe('the suite stops only what it started', () => {
  it('after a run: the leaked sandbox is stopped and named, a person’s sandbox runs on', async () => {
    const run = nestedRun(false);
    expect(await run.exited, run.output()).toBe(0);
    const { mine, person } = run.pids();
    expect(mine.length).toBe(2);
    expect(run.output()).toMatch(/Stopped \d+ process\(es\) this run's tests left running/);
    await until(() => mine.every((p) => !alive(p)), "the run's sandbox to stop", 20_000);
    expect(person.every(alive), run.output()).toBe(true);
  });

  // Ctrl-C in a terminal: SIGINT to vitest's whole process group (workers included); CI's stop:
  // SIGTERM to vitest alone.
  for (const [signal, to] of [
    ['SIGINT', 'group'],
    ['SIGTERM', 'vitest'],
  ] as const) {
    it(`after ${signal} to ${to}: the run's sandbox is stopped, a person’s runs on`, async () => {
      const run = nestedRun(true);
      await until(() => existsSync(run.out), 'the fixture to start its sandboxes', 60_000);
      const { mine, person } = run.pids();
      expect(mine.every(alive)).toBe(true);
      process.kill(to === 'group' ? -run.child.pid! : run.child.pid!, signal);
      await run.exited;
      await until(() => mine.every((p) => !alive(p)), "the run's sandbox to stop", 40_000);
      expect(person.every(alive), run.output()).toBe(true);
    });
  }
});
