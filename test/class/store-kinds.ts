// The class store's two kinds for a test file: SQLite in a temp folder and a PostgreSQL of the
// file's own (one server, a database per store), started before and removed after the file.
import { afterAll, beforeAll } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openClassStore, type ClassStore } from '../../runner/class/store/index.ts';
import { startTestPostgres, type TestPostgres } from '../helpers/postgres.ts';
import { scaled } from '../helpers/timeouts.ts';

export function storeKinds(prefix: string) {
  let pg: TestPostgres | undefined;
  let n = 0;
  const tmp = mkdtempSync(join(tmpdir(), prefix));
  beforeAll(async () => {
    pg = await startTestPostgres();
  }, scaled(40_000));
  afterAll(async () => {
    await pg?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });
  const stores: [string, () => Promise<ClassStore>][] = [
    ['sqlite', () => openClassStore({ sqlitePath: join(tmp, `s${++n}.db`) })],
    ['postgres', async () => openClassStore({ databaseUrl: await pg!.createDatabase() })],
  ];
  return {
    tmp,
    stores,
    postgres: () => pg!,
    /** The file of the newest SQLite store. */
    lastSqlite: () => join(tmp, `s${n}.db`),
  };
}
