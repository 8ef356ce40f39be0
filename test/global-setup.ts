// After the whole suite: stop any sandbox process a test left running. Sandboxes run detached
// (they outlive the `lab` command that started them, by design), so a test that forgets its
// afterAll, or dies before it, leaves an engine and a gateway behind on the developer's machine.
// Only processes of this checkout, with their state under the temp folder, that were not there
// when the suite began: a developer's own sandbox is never touched. Each one is named, so the
// leaking test can be found.
import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function testSandboxProcesses(): Map<number, string> {
  const found = new Map<number, string>();
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return found; // no /proc (not Linux): nothing to look at
  }
  for (const pid of pids) {
    let args: string[];
    try {
      args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    const ours = args.some(
      (a) => a === `${ROOT}sandbox/engine/engine.py` || a === `${ROOT}sandbox/gateway/main.ts`,
    );
    const state = args[args.indexOf('--state-dir') + 1] ?? '';
    if (ours && args.includes('--state-dir') && state.startsWith(tmpdir()))
      found.set(Number(pid), state);
  }
  return found;
}

export default function setup() {
  const before = new Set(testSandboxProcesses().keys());
  return function teardown() {
    const left = [...testSandboxProcesses()].filter(([pid]) => !before.has(pid));
    for (const [pid] of left) {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        // gone meanwhile
      }
    }
    if (left.length) {
      console.warn(
        `Stopped ${left.length} sandbox process(es) a test left running:\n` +
          left.map(([pid, state]) => `  pid ${pid}, state ${state}`).join('\n'),
      );
    }
  };
}
