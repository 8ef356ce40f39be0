import pc from 'picocolors';
import yoctoSpinner, { type Spinner } from 'yocto-spinner';

/** Colours honour NO_COLOR, FORCE_COLOR and whether stdout is a terminal (picocolors decides). */
export const color = pc;

export interface Progress {
  update(text: string): void;
  /** Erase the spinner line and show the cursor again. Safe to call twice. */
  stop(): void;
}

/**
 * `--json`: the command's one document, on one line of stdout. Errors never come here: main.ts
 * prints them as `{"error": …}`. Progress stays off stdout (progress() below).
 */
export function printJson(doc: unknown): void {
  console.log(JSON.stringify(doc));
}

const quiet: Progress = { update: () => {}, stop: () => {} };
const active = new Set<Progress>();

/**
 * A spinner on a terminal; on anything else (CI, a pipe on either stream, --json) a plain line
 * on stderr, so progress never pollutes machine-readable stdout.
 *
 * yocto-spinner draws on stderr only while it spins and stops its timer on stop().
 * `handleSignals: false`: its own Ctrl-C handler would call process.exit() and skip
 * the command's cleanup (runner/interrupt.ts stops every spinner before it exits).
 */
export function progress(text: string, opts: { quiet?: boolean } = {}): Progress {
  if (opts.quiet) return quiet;
  if (!interactive()) {
    process.stderr.write(`${text}\n`);
    return quiet;
  }
  const s: Spinner = yoctoSpinner({ text, stream: process.stderr, handleSignals: false }).start();
  const handle: Progress = {
    update: (t) => {
      if (active.has(handle)) s.text = t;
    },
    stop: () => {
      if (active.delete(handle)) s.stop();
    },
  };
  active.add(handle);
  return handle;
}

/** Stop every running spinner: before an error is printed, on Ctrl-C, before a child takes the terminal. */
export function stopAllProgress(): void {
  for (const p of [...active]) p.stop();
}

function interactive(): boolean {
  // Both on the terminal: with stdout piped (`lab check | cat`, `| less`), the reader prints the
  // results on the same screen while the spinner redraws and erases "its" line under them,
  // leaving a frame glued to their first line.
  return (
    !!process.stderr.isTTY &&
    !!process.stdout.isTTY &&
    process.env.TERM !== 'dumb' &&
    !('CI' in process.env)
  );
}
