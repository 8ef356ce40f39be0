// The progress store: one SQLite file per lab home, shared by every `lab`
// process (two `lab check` runs at once, `lab serve`, the cleanup). WAL lets
// readers and one writer work at once; busy_timeout makes a second writer wait
// instead of failing; every write is one short IMMEDIATE transaction.
import { DatabaseSync } from 'node:sqlite';
import { join } from 'node:path';
import { LabError } from '../errors.ts';
import { privateDbFile, privateHome } from '../paths.ts';

export type Store = DatabaseSync;

/** Where the store lives inside a lab home. */
export function storePath(home: string): string {
  return join(home, 'progress.db');
}

// Append-only: each entry moves the schema from version i to i+1 (PRAGMA user_version).
const MIGRATIONS: string[] = [
  `CREATE TABLE runs (
     id INTEGER PRIMARY KEY,
     lab TEXT NOT NULL,
     target TEXT NOT NULL,
     account_id TEXT NOT NULL,
     learner TEXT NOT NULL,
     started_at TEXT NOT NULL,
     ended_at TEXT,
     status TEXT NOT NULL DEFAULT 'running'
   );
   CREATE INDEX runs_current ON runs (lab, target, account_id, status);
   CREATE TABLE ledger (
     id INTEGER PRIMARY KEY,
     run_id INTEGER NOT NULL REFERENCES runs(id),
     kind TEXT NOT NULL,
     resource_id TEXT NOT NULL,
     details TEXT NOT NULL DEFAULT '{}',
     created_by TEXT NOT NULL,
     created_at TEXT NOT NULL,
     removed_at TEXT,
     UNIQUE (run_id, kind, resource_id)
   );
   CREATE TABLE results (
     id INTEGER PRIMARY KEY,
     run_id INTEGER REFERENCES runs(id),
     lab TEXT NOT NULL,
     step TEXT NOT NULL,
     status TEXT NOT NULL,
     evidence TEXT,
     hint TEXT,
     at TEXT NOT NULL,
     duration_ms INTEGER NOT NULL,
     learner TEXT NOT NULL
   );
   CREATE INDEX results_latest ON results (lab, step, id);`,
  // What the account held when the run started (e.g. the lab user's existing key ids), as JSON:
  // checks tell the learner's new resources from old ones by it.
  `ALTER TABLE runs ADD COLUMN baseline TEXT NOT NULL DEFAULT '{}';`,
  // What a failed step expected, so a page that follows the store shows it as `lab check` does.
  `ALTER TABLE results ADD COLUMN expected TEXT;`,
  // Knowledge checks (runner/quiz/): every answer given, right or not, in order.
  `CREATE TABLE quiz_answers (
     id INTEGER PRIMARY KEY,
     lab TEXT NOT NULL,
     quiz TEXT NOT NULL,
     answer TEXT NOT NULL,
     correct INTEGER NOT NULL,
     at TEXT NOT NULL
   );
   CREATE INDEX quiz_answers_lab ON quiz_answers (lab, quiz, id);`,
];

/** Open (creating and migrating if needed) the store under `home`. Close it with `store.close()`. */
export function openStore(home: string): Store {
  let db: DatabaseSync;
  try {
    privateHome(home); // 0700, progress.db 0600: account and key ids are the learner's
    // `timeout` is SQLite's busy_timeout: wait for a concurrent writer rather than fail.
    db = new DatabaseSync(privateDbFile(storePath(home)), { timeout: 10_000 });
    db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;');
    migrate(db);
  } catch (e) {
    throw new LabError(
      'store_unavailable',
      `Cannot open the progress store ${storePath(home)}: ${(e as Error).message}`,
      'Check that the lab home is writable (LAB_HOME overrides where it is).',
    );
  }
  return db;
}

function migrate(db: DatabaseSync): void {
  const version = () =>
    (db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version;
  if (version() >= MIGRATIONS.length) return;
  // Re-read the version inside the write lock: another process may have migrated meanwhile.
  tx(db, () => {
    for (let v = version(); v < MIGRATIONS.length; v++) {
      db.exec(MIGRATIONS[v]);
      db.exec(`PRAGMA user_version = ${v + 1}`);
    }
  });
}

/** Run `fn` in one IMMEDIATE transaction (takes the write lock up front, so no upgrade deadlock). */
export function tx<T>(db: DatabaseSync, fn: () => T): T {
  db.exec('BEGIN IMMEDIATE');
  try {
    const out = fn();
    db.exec('COMMIT');
    return out;
  } catch (e) {
    if (db.isTransaction) db.exec('ROLLBACK');
    throw e;
  }
}

/** Timestamps are ISO 8601 UTC with milliseconds, so text order is time order. */
export function iso(d: Date): string {
  return d.toISOString();
}
