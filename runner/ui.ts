import pc from 'picocolors';
import { createSpinner } from 'nanospinner';

/** Colours honour NO_COLOR, FORCE_COLOR and whether stdout is a terminal (picocolors decides). */
export const color = pc;

/**
 * A spinner on a terminal; on anything else (CI, a pipe, --json) a plain line
 * on stderr, so progress never pollutes machine-readable stdout.
 */
export function progress(text: string, opts: { quiet?: boolean } = {}) {
  if (opts.quiet) return { update: (_t: string) => {}, stop: () => {} };
  if (process.stderr.isTTY) {
    const s = createSpinner(text, { stream: process.stderr }).start();
    return { update: (t: string) => s.update({ text: t }), stop: () => s.clear() };
  }
  process.stderr.write(`${text}\n`);
  return { update: (_t: string) => {}, stop: () => {} };
}
