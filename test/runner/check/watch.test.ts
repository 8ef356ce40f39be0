// `lab check --watch` piped (a log, `tee`): the first pass whole, then only what changed. It
// reprinted the whole block every pass, burying the one line that changed.
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { expect, test } from 'vitest';
import { useTestSandbox } from '../../helpers/sandbox.ts';
import { scaled } from '../../helpers/timeouts.ts';

const BIN = new URL('../../../bin/lab.mjs', import.meta.url).pathname;
const sb = useTestSandbox();

test('piped --watch: a pass prints only the steps that changed, and nothing when none did', async () => {
  const env = { ...sb.env, NO_COLOR: '1' };
  expect(spawnSync(process.execPath, [BIN, 'start', 'day42'], { env }).status).toBe(0);
  const watch = spawn(process.execPath, [BIN, 'check', 'day42', '--watch', '--interval', '1'], {
    env,
  });
  let out = '';
  const waiters = new Set<() => void>();
  watch.stdout.on('data', (d) => {
    out += d;
    for (const w of waiters) w();
  });
  const waitFor = (re: RegExp) =>
    new Promise<void>((resolve, reject) => {
      const look = () => {
        if (!re.test(out)) return;
        waiters.delete(look);
        resolve();
      };
      waiters.add(look);
      watch.on('exit', () => reject(new Error(`watch ended before ${re}: ${out}`)));
      look();
    });
  const code = new Promise((r) => watch.on('close', (c) => r(c)));
  try {
    await waitFor(/Checking again every 1 s/);
    // The learner does step 1 with the real CLI while the watch runs.
    const key = spawnSync('aws', ['iam', 'create-access-key', '--user-name', 'iam-admin'], {
      env: sb.env,
      encoding: 'utf8',
    });
    expect(key.status, key.stderr).toBe(0);
    await waitFor(/✔ create-key/);
    // Two more passes (each records its results) with nothing new: they print nothing.
    const passes = () => resultRows(sb.home);
    const seen = passes();
    const deadline = Date.now() + 60_000;
    while (passes() < seen + 2 * 5 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(passes()).toBeGreaterThanOrEqual(seen + 2 * 5);
  } finally {
    watch.kill('SIGINT');
  }
  expect(await code).toBe(1);
  // The first pass whole, once; then one pass's changes under its time (create-key passed, and
  // the steps whose expectations now name the new key), the new progress; no other pass printed.
  expect(out.match(/0\/5 steps complete/g)).toHaveLength(1);
  expect(out.match(/Checking again/g)).toHaveLength(1);
  expect(out).toMatch(/— \d\d:\d\d:\d\d UTC\n✔ create-key /);
  expect(out.match(/— \d\d:\d\d:\d\d UTC/g)).toHaveLength(1);
  expect(out.match(/1\/5 steps complete\./g)).toHaveLength(1);
});

/** How many step results the progress store holds (each pass records one per step). */
function resultRows(home: string): number {
  // A busy timeout, as the store itself opens it (runner/store/db.ts): the watching `lab check`
  // may be writing its pass right now (under 8 busy loops: "database is locked").
  const db = new DatabaseSync(join(home, 'progress.db'), {
    readOnly: true,
    timeout: scaled(10_000),
  });
  try {
    return (db.prepare('SELECT COUNT(*) n FROM results').get() as { n: number }).n;
  } finally {
    db.close();
  }
}
