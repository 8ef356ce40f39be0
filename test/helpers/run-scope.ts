// What one `vitest run` started, and only that: the suite's own processes carry a per-run marker
// in their environment (RUN_VAR=<id>), and their files live under a per-run temp root (TMPDIR
// points there for every worker and every child, so `mkdtemp(tmpdir())` lands inside it).
// test/global-setup.ts makes both; teardown, an interrupt and the reaper (test/helpers/reap.ts)
// stop what matches. A sandbox someone else started on the machine, even one whose state is
// under /tmp, carries neither, so it is never touched (issue 16).
import { readdirSync, readFileSync } from 'node:fs';

/** The marker variable. Not `LAB_*`/`AWS_*`: test helpers strip those from a child's env. */
export const RUN_VAR = 'LABRUNNER_TEST_RUN';

export interface RunScope {
  /** Unique per `vitest run` (the temp root's name). */
  id: string;
  /** The temp root every worker's tmpdir() points at. */
  root: string;
}

export interface Found {
  pid: number;
  /** The command line, for the message naming it. */
  args: string;
}

/**
 * Processes started by this run: their environment holds the marker, or their command line
 * names a path under the run's temp root (a child given a hand-built environment, e.g. a
 * sandbox started through `env: {}`). Never `exclude`d pids (this process, its parents).
 */
export function processesOfRun(scope: RunScope, exclude: Set<number> = new Set()): Found[] {
  const found: Found[] = [];
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return found; // no /proc (not Linux): nothing to look at
  }
  const marker = `${RUN_VAR}=${scope.id}`;
  const under = `${scope.root}/`;
  for (const p of pids) {
    const pid = Number(p);
    if (exclude.has(pid)) continue;
    let args: string[];
    let env: string[];
    try {
      args = readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0').filter(Boolean);
      env = readFileSync(`/proc/${p}/environ`, 'utf8').split('\0');
    } catch {
      continue; // gone meanwhile, or not ours to read
    }
    if (args.length === 0) continue; // a zombie or a kernel thread
    if (env.includes(marker) || args.some((a) => a.startsWith(under) || a.includes(`=${under}`)))
      found.push({ pid, args: args.join(' ') });
  }
  return found;
}

/** This process and its ancestors: never stopped by their own sweep. */
export function selfAndAncestors(): Set<number> {
  const out = new Set<number>([process.pid]);
  let pid = process.ppid;
  while (pid > 1 && !out.has(pid)) {
    out.add(pid);
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      pid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    } catch {
      break;
    }
  }
  return out;
}

/** Send `signal` to each; a pid that is gone is skipped. Returns the ones signalled. */
export function signalAll(list: Found[], signal: NodeJS.Signals): Found[] {
  return list.filter(({ pid }) => {
    try {
      process.kill(pid, signal);
      return true;
    } catch {
      return false;
    }
  });
}
