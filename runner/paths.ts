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
