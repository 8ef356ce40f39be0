// The lab home is the learner's alone (issue 16: `progress.db` was 0644 in a 0755 home, so
// another local user read account and key ids). `lab` makes the home 0700 and its files
// 0600, and tightens a home an older version left open.
import { DatabaseSync } from 'node:sqlite';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeMembership } from '../../runner/class/membership.ts';
import { publishResults } from '../../runner/class/outbox.ts';
import { openStore } from '../../runner/store/index.ts';
import { cleanEnv, lab } from '../sandbox/run-cli.ts';

const parent = mkdtempSync(join(tmpdir(), 'lab-home-perm-'));
afterAll(() => rmSync(parent, { recursive: true, force: true }));

const mode = (p: string) => statSync(p).mode & 0o777;
/** Every file and folder under `home` that another user could read or enter. */
function openToOthers(home: string): string[] {
  const found: string[] = [];
  const walk = (p: string) => {
    const st = statSync(p);
    if (st.mode & 0o077) found.push(`${p} ${(st.mode & 0o777).toString(8)}`);
    if (st.isDirectory()) for (const e of readdirSync(p)) walk(join(p, e));
  };
  walk(home);
  return found;
}

describe('the lab home', () => {
  it('is created 0700 with progress.db (and its WAL files) 0600', async () => {
    const home = join(parent, 'fresh', 'labrunner'); // as ~/.local/state/labrunner: not there yet
    const store = openStore(home); // what `lab start` and `lab check` record progress in
    store.exec('CREATE TABLE IF NOT EXISTS probe (x); INSERT INTO probe VALUES (1);');
    expect(existsSync(join(home, 'progress.db-wal'))).toBe(true);
    store.close();
    const r = await lab(['status'], cleanEnv({ LAB_HOME: home }));
    expect(r.code, r.stderr).toBe(0);
    expect(mode(home)).toBe(0o700);
    expect(openToOthers(home)).toEqual([]);
  });

  it('tightens a home an older version left 0755 with a 0644 progress.db', async () => {
    const home = join(parent, 'old');
    mkdirSync(home, { mode: 0o755 });
    chmodSync(home, 0o755);
    const db = new DatabaseSync(join(home, 'progress.db'));
    db.exec('PRAGMA journal_mode = WAL; CREATE TABLE t (x); INSERT INTO t VALUES (1);');
    db.close();
    chmodSync(join(home, 'progress.db'), 0o644);
    expect(openToOthers(home).length).toBeGreaterThan(0);
    const r = await lab(['status'], cleanEnv({ LAB_HOME: home }));
    expect(r.code, r.stderr).toBe(0);
    expect(openToOthers(home)).toEqual([]);
  });

  it('keeps the class membership and the outbox 0600 too', async () => {
    const home = join(parent, 'class', 'labrunner');
    writeMembership(home, {
      url: 'http://127.0.0.1:9',
      classId: 'c_1',
      className: 'C',
      learnerId: 'l_1',
      name: 'Lee',
      token: 'lrn_secret',
      joinedAt: new Date().toISOString(),
    });
    await publishResults(home, 'day42', [{ id: 'create-key', status: 'failed' }], {
      runId: 1,
      log: () => {},
      timeoutMs: 500,
    }); // nothing listens on port 9: queued in the outbox
    expect(mode(home)).toBe(0o700);
    expect(openToOthers(home)).toEqual([]);
  });
});
