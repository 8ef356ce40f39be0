import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export type Env = Record<string, string | undefined>;

/**
 * Where labrunner keeps its state: `$LAB_HOME`, else `$XDG_STATE_HOME/labrunner`,
 * else `~/.local/state/labrunner` (the XDG default).
 */
export function labHome(env: Env = process.env): string {
  if (env.LAB_HOME) return env.LAB_HOME;
  const xdg = env.XDG_STATE_HOME || join(env.HOME || homedir(), '.local', 'state');
  return join(xdg, 'labrunner');
}

/**
 * The lab home and what it holds are the learner's alone: progress (account and key ids),
 * the class token, `lab serve`'s token, the sandbox's keys. Another local user must not read
 * them (issue 16 found `progress.db` 0644 in a 0755 home). Create the home 0700, and tighten
 * one made by an older version.
 */
export function privateHome(home: string): string {
  mkdirSync(home, { recursive: true, mode: 0o700 });
  chmodSync(home, 0o700);
  return home;
}

/**
 * A SQLite file readable by its owner only, before SQLite opens it: SQLite creates the `-wal`
 * and `-shm` files with the database file's own permissions, so they follow. Files an older
 * version left 0644 are tightened.
 */
export function privateDbFile(file: string): string {
  if (!existsSync(file)) closeSync(openSync(file, 'a', 0o600));
  for (const f of [file, `${file}-wal`, `${file}-shm`]) {
    if (existsSync(f)) chmodSync(f, 0o600);
  }
  return file;
}
