// Noticing that the progress store changed, whoever changed it: a `lab check` in a
// terminal (another process), the page's own check, a cleanup. One SQLite connection
// polls `PRAGMA data_version` — a counter that moves whenever another connection commits
// (https://sqlite.org/pragma.html#pragma_data_version) — every `intervalMs` while anyone
// listens. Cheaper and more dependable than fs.watch on a WAL database, whose writes land
// in -wal and -shm files first.
import type { Store } from '../store/index.ts';

export interface StoreWatcher {
  /** Call `onChange` after every change; returns the function that stops it. */
  subscribe(onChange: () => void): () => void;
}

export function storeWatcher(open: () => Store, intervalMs = 500): StoreWatcher {
  const subs = new Set<() => void>();
  let db: Store | undefined;
  let timer: NodeJS.Timeout | undefined;
  let last: number | undefined;

  const tick = () => {
    try {
      db ??= open();
      const v = (db.prepare('PRAGMA data_version').get() as { data_version: number }).data_version;
      if (last !== undefined && v !== last) for (const f of subs) f();
      last = v;
    } catch {
      // The lab home may be mid-creation or briefly locked: try again on the next tick.
      db?.close();
      db = undefined;
    }
  };
  const stop = () => {
    clearInterval(timer);
    timer = undefined;
    db?.close();
    db = undefined;
    last = undefined;
  };

  return {
    subscribe(onChange) {
      subs.add(onChange);
      if (!timer) {
        tick();
        timer = setInterval(tick, intervalMs);
        timer.unref();
      }
      return () => {
        subs.delete(onChange);
        if (subs.size === 0) stop();
      };
    },
  };
}
