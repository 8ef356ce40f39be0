// `lab` on PATH where the sandbox's `aws` wrapper is (`lab shell`, `eval "$(lab sandbox env)"`):
// a two-line script that runs this Node with this checkout's bin/lab.mjs. No npx in between,
// which costs ~0.8 s per call, and no dependence on which `node` the learner's PATH finds
// (the system one may be too old; this is the one running now).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { blobPath, SNAPSHOT_COMMANDS } from '../../snapshot/where.ts';
import { shellQuote } from './common.ts';

export const LAB_ENTRY = fileURLToPath(new URL('../../../bin/lab.mjs', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../', import.meta.url)).replace(/\/$/, '');

/**
 * `lab check` and `lab status` start from the start-up snapshot when one is built for this Node
 * (runner/snapshot/: the evaluated runner and SDK, ~0.1 s less CPU per start) and it belongs to
 * the binary now at that path: the same mtime, to the nanosecond (neither -nt nor -ot; shell
 * built-ins, no fork). Another binary there (an upgrade in place) or a blob written since its
 * build runs the sources, which rebuild it; Node never sees a blob it would refuse (exit 14).
 * Its main function runs the sources too whenever a file it was built from changed.
 * LAB_SNAPSHOT=0 skips it. Everything else, and any start without it, as before.
 */
export function labLauncher(node = process.execPath, entry = LAB_ENTRY): string {
  const [n, e] = [shellQuote(node), shellQuote(entry)];
  const blob = shellQuote(blobPath(ROOT, node));
  return [
    '#!/bin/sh',
    `# labrunner: the lab command of ${entry}`,
    `case "$1" in ${SNAPSHOT_COMMANDS.join('|')})`,
    `  if [ "$LAB_SNAPSHOT" != 0 ] && [ -r ${blob} ] &&`,
    `    ! [ ${blob} -nt ${n} ] && ! [ ${blob} -ot ${n} ]; then`,
    `    exec ${n} --snapshot-blob ${blob} ${e} "$@"`,
    '  fi ;;',
    'esac',
    `exec ${n} ${e} "$@"`,
    '',
  ].join('\n');
}

/** Write `<binDir>/lab` (only when it differs: two checkouts may share nothing but this folder). */
export function writeLabLauncher(binDir: string): string {
  mkdirSync(binDir, { recursive: true, mode: 0o700 });
  const path = join(binDir, 'lab');
  const text = labLauncher();
  if (!existsSync(path) || readFileSync(path, 'utf8') !== text) {
    writeFileSync(path, text, { mode: 0o755 });
  }
  return path;
}
