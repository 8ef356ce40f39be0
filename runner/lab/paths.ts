// Where labs live. The default is the repository's own labs/ folder, found from this
// module's location (so `lab` works from any working directory); tests and authors can
// point elsewhere with `--labs <dir>` or LAB_LABS_DIR.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Env } from '../paths.ts';

/** `<repo>/labs`, resolved from this file (runner/lab/paths.ts). */
export const DEFAULT_LABS_ROOT = fileURLToPath(new URL('../../labs/', import.meta.url)).replace(
  /\/$/,
  '',
);

/** `--labs <dir>` > `$LAB_LABS_DIR` > `<repo>/labs`. */
export function labsRoot(flag?: string, env: Env = process.env): string {
  if (flag) return resolve(flag);
  if (env.LAB_LABS_DIR) return resolve(env.LAB_LABS_DIR);
  return DEFAULT_LABS_ROOT;
}
