// `lab` on PATH where the sandbox's `aws` wrapper is (`lab shell`, `eval "$(lab sandbox env)"`):
// a two-line script that runs this Node with this checkout's bin/lab.mjs. No npx in between,
// which costs ~0.8 s per call, and no dependence on which `node` the learner's PATH finds
// (the system one may be too old; this is the one running now).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { shellQuote } from './common.ts';

export const LAB_ENTRY = fileURLToPath(new URL('../../../bin/lab.mjs', import.meta.url));

export function labLauncher(node = process.execPath, entry = LAB_ENTRY): string {
  return `#!/bin/sh\n# labrunner: the lab command of ${entry}\nexec ${shellQuote(node)} ${shellQuote(entry)} "$@"\n`;
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
