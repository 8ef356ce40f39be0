// SQLite driver for the class store (node:sqlite, the default). One connection;
// node:sqlite is synchronous, so a transaction that awaits could interleave
// with another request's statements: a promise-chain lock makes every
// transaction run alone, and statements outside one wait their turn.
import { DatabaseSync } from 'node:sqlite';
import { chmodSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Sql } from './sql.ts';

export function openSqlite(path: string): Sql {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const db = new DatabaseSync(path, { timeout: 10_000 });
  // The file holds hashed tokens and learner names: owner-only.
  if (path !== ':memory:') chmodSync(path, 0o600);
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;');
  const stmts = new Map<string, ReturnType<DatabaseSync['prepare']>>();
  const prepare = (sql: string) => {
    let s = stmts.get(sql);
    if (!s) {
      // Batch inserts vary in size: keep the cache bounded.
      if (stmts.size > 200) stmts.clear();
      stmts.set(sql, (s = db.prepare(sql)));
    }
    return s;
  };
  // Array mode is a property of a prepared statement: those live in a cache of their own.
  const arrayStmts = new Map<string, ReturnType<DatabaseSync['prepare']>>();
  const prepareArrays = (sql: string) => {
    let s = arrayStmts.get(sql);
    if (!s) {
      if (arrayStmts.size > 50) arrayStmts.clear();
      s = db.prepare(sql);
      s.setReturnArrays(true);
      arrayStmts.set(sql, s);
    }
    return s;
  };
  const bind = (params: unknown[]) => params.map((p) => (p === undefined ? null : p)) as never[];

  let lock: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = lock.then(fn, fn);
    lock = next.catch(() => undefined);
    return next;
  };

  const direct: Sql = {
    kind: 'sqlite',
    all: async <T>(sql: string, params: unknown[] = []) =>
      prepare(sql).all(...bind(params)) as unknown as T[],
    arrays: async <T extends unknown[]>(sql: string, params: unknown[] = []) =>
      prepareArrays(sql).all(...bind(params)) as unknown as T[],
    run: async (sql: string, params: unknown[] = []) =>
      Number(prepare(sql).run(...bind(params)).changes),
    exec: async (sql: string) => void db.exec(sql),
    tx: (fn) => fn(direct),
    close: async () => db.close(),
  };

  return {
    kind: 'sqlite',
    all: (sql, params) => serial(() => direct.all(sql, params)),
    arrays: (sql, params) => serial(() => direct.arrays(sql, params)),
    run: (sql, params) => serial(() => direct.run(sql, params)),
    exec: (sql) => serial(() => direct.exec(sql)),
    tx: (fn) =>
      serial(async () => {
        // IMMEDIATE takes the write lock up front: another process (`lab class create`
        // on the server machine) waits on busy_timeout instead of deadlocking.
        db.exec('BEGIN IMMEDIATE');
        try {
          const out = await fn(direct);
          db.exec('COMMIT');
          return out;
        } catch (e) {
          if (db.isTransaction) db.exec('ROLLBACK');
          throw e;
        }
      }),
    close: () => serial(async () => db.close()),
  };
}
