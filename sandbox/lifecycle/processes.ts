// Detached child processes: start one, wait for its `ready <url>` line, tell whether a pid
// is still the process we started, and stop it.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, readdirSync, renameSync, statSync } from 'node:fs';
import { SandboxError } from '../errors.ts';

export interface Launch {
  /** Human name for messages: "engine" or "gateway". */
  name: string;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** stdout and stderr are appended here; the child outlives `lab`, so no pipes. */
  logFile: string;
  timeoutMs?: number;
}

export interface Started {
  pid: number;
  url: string;
}

/** Start a detached process and resolve once it printed `ready <url>` to its log. */
export async function launch(l: Launch): Promise<Started> {
  // Logs are appended across restarts; keep one previous generation once one passes 1 MB.
  if (fileSize(l.logFile) > 1 << 20) renameSync(l.logFile, `${l.logFile}.1`);
  const offset = fileSize(l.logFile);
  const fd = openSync(l.logFile, 'a', 0o600);
  let child;
  try {
    child = spawn(l.command, l.args, {
      cwd: l.cwd,
      env: l.env,
      detached: true, // its own process group: survives the `lab` process and its Ctrl-C
      stdio: ['ignore', fd, fd],
    });
  } finally {
    closeSync(fd);
  }
  let exited: { code: number | null; signal: string | null } | undefined;
  let spawnError: Error | undefined;
  child.once('exit', (code, signal) => (exited = { code, signal }));
  child.once('error', (e) => (spawnError = e));
  child.unref();

  const deadline = Date.now() + (l.timeoutMs ?? 30_000);
  for (;;) {
    const out = readFrom(l.logFile, offset);
    const m = /^ready (\S+)\s*$/m.exec(out);
    if (m && child.pid) return { pid: child.pid, url: m[1] };
    if (spawnError) {
      throw new SandboxError(
        'sandbox_start_failed',
        `Could not start the ${l.name}: ${spawnError.message}`,
      );
    }
    if (exited) {
      const e = new SandboxError(
        'sandbox_start_failed',
        `The sandbox ${l.name} exited while starting (${exited.signal ?? `exit code ${exited.code}`}).`,
        `Its log: ${l.logFile}\n${tail(out)}`,
      );
      (e as SandboxError & { exitStatus?: number | null }).exitStatus = exited.code;
      throw e;
    }
    if (Date.now() > deadline) {
      if (child.pid) signal(child.pid, 'SIGKILL');
      throw new SandboxError(
        'sandbox_start_failed',
        `The sandbox ${l.name} did not become ready within ${Math.round((l.timeoutMs ?? 30_000) / 1000)} s.`,
        `Its log: ${l.logFile}\n${tail(out)}`,
      );
    }
    await sleep(20);
  }
}

/** Is this pid alive and (where /proc exists) still running our script? Guards against pid reuse. */
export function isOurs(pid: number | undefined, marker: string): boolean {
  if (!pid || !alive(pid)) return false;
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.includes(marker);
  } catch {
    return true; // no /proc (macOS): a live pid is the best evidence we have
  }
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !isZombie(pid);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A zombie has exited but is not reaped yet (its parent may be this very process). A killed
 * multi-threaded process (node) shows its main thread as a zombie while other threads are
 * still tearing down and holding its sockets, so it counts as gone only when every thread is.
 */
function isZombie(pid: number): boolean {
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return false; // no /proc: trust kill(pid, 0)
  }
  return tasks.every((t) => {
    try {
      return / [ZX] /.test(
        readFileSync(`/proc/${pid}/task/${t}/stat`, 'utf8').replace(/^.*\)/, ''),
      );
    } catch {
      return true; // that thread is gone
    }
  });
}

/** SIGTERM, wait up to `graceMs`, then SIGKILL. Resolves once the pid is gone. */
export async function stop(pid: number, graceMs = 5_000): Promise<void> {
  signal(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (alive(pid) && Date.now() < deadline) await sleep(25);
  if (alive(pid)) {
    signal(pid, 'SIGKILL');
    while (alive(pid)) await sleep(10);
  }
}

function signal(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    /* already gone */
  }
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

function readFrom(path: string, offset: number): string {
  try {
    return readFileSync(path).subarray(offset).toString('utf8');
  } catch {
    return '';
  }
}

function tail(text: string, lines = 12): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
