// A start lock: two `lab` processes starting the sandbox at once must not spawn two engines.
import { openSync, closeSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { SandboxError } from '../errors.ts';
import { alive, sleep } from './processes.ts';

export async function withLock<T>(
  path: string,
  fn: () => Promise<T>,
  timeoutMs = 90_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = Number(safeRead(path));
      // A lock left by a process that died (kill -9 mid-start) is stale: take it over.
      if (!holder || (!alive(holder) && holder !== process.pid)) {
        rmSync(path, { force: true });
        continue;
      }
      if (Date.now() > deadline) {
        throw new SandboxError(
          'sandbox_busy',
          `Another labrunner process (pid ${holder}) is starting or stopping the sandbox.`,
          `Wait for it to finish, or remove ${path} if no such process exists.`,
        );
      }
      await sleep(50);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(path, { force: true });
  }
}

function safeRead(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return '';
  }
}
