// Stop what one `vitest run` left running (test/helpers/run-scope.ts), then delete its temp root.
// Used by test/global-setup.ts at teardown, and run as a detached process when the suite is
// interrupted: `node test/helpers/reap.ts <run id> <root> <vitest pid>` waits for vitest and its
// workers to be gone (so no test starts anything after the sweep), then sweeps.
import { rmSync } from 'node:fs';
import { processesOfRun, signalAll, type Found, type RunScope } from './run-scope.ts';

// Vitest's own workers and watchdog (which renames itself) carry the marker too; vitest stops
// them itself.
const isVitestWorker = (p: Found) =>
  p.args.includes('/vitest/dist/workers/') || p.args.startsWith('vitest-watchdog');
const gone = (pid: number) => {
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
};
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * SIGTERM every process of the run (a sandbox engine saves its last snapshot on it), wait until
 * they are gone (bounded: a loaded machine is slow to exit, not stuck), SIGKILL the rest, and
 * remove the run's temp root. Returns what it stopped.
 */
export async function sweep(scope: RunScope, exclude: Set<number>): Promise<Found[]> {
  const left = processesOfRun(scope, exclude).filter((p) => !isVitestWorker(p));
  const signalled = signalAll(left, 'SIGTERM');
  const deadline = Date.now() + 20_000;
  while (signalled.some((p) => !gone(p.pid)) && Date.now() < deadline) await pause(50);
  signalAll(
    signalled.filter((p) => !gone(p.pid)),
    'SIGKILL',
  );
  rmSync(scope.root, { recursive: true, force: true });
  return signalled;
}

async function reaper(id: string, root: string, vitestPid: number): Promise<void> {
  const scope = { id, root };
  // Vitest exits a moment after the signal; its watchdog then stops the workers. A worker that
  // is still up could start a sandbox after our sweep, so wait for all of them (bounded).
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const workers = processesOfRun(scope).filter(isVitestWorker);
    if (gone(vitestPid) && workers.length === 0) break;
    await pause(100);
  }
  // Workers still up after that are stuck: they are this run's too.
  const exclude = new Set([process.pid]);
  const stuck = signalAll(processesOfRun(scope, exclude).filter(isVitestWorker), 'SIGKILL');
  const stopped = await sweep(scope, exclude);
  const all = [...stuck, ...stopped];
  if (all.length) {
    process.stderr.write(
      `\nInterrupted: stopped ${all.length} process(es) this test run had started:\n` +
        all.map((p) => `  pid ${p.pid}: ${p.args.slice(0, 200)}`).join('\n') +
        '\n',
    );
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [id, root, pid] = process.argv.slice(2);
  if (!id || !root || !pid) {
    process.stderr.write('usage: node test/helpers/reap.ts <run id> <temp root> <vitest pid>\n');
    process.exit(2);
  }
  await reaper(id, root, Number(pid));
}
