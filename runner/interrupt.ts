// Ctrl-C (SIGINT), `kill` (SIGTERM) and a closed terminal (SIGHUP): one policy for the CLI.
// Every spinner stops and the cursor comes back first. Then the innermost command that said
// how to stop (onInterrupt) does so — `lab check --watch` ends its loop, `lab serve` closes,
// `lab test` stops its temporary sandbox, `lab shell` leaves Ctrl-C to the shell it runs —
// or, when none did, the CLI says what state it leaves and exits 128 + the signal number.
import { stopAllProgress } from './ui.ts';

export type InterruptSignal = 'SIGINT' | 'SIGTERM' | 'SIGHUP';
type Handler = (signal: InterruptSignal) => void;

const SIGNALS: Record<InterruptSignal, number> = { SIGINT: 2, SIGHUP: 1, SIGTERM: 15 };
const handlers: Handler[] = [];
let note: string | undefined;
let installed = false;
let json = false;

/** While registered, `fn` decides what a signal does (the latest registration wins). Returns its removal. */
export function onInterrupt(fn: Handler): () => void {
  handlers.push(fn);
  return () => {
    const i = handlers.lastIndexOf(fn);
    if (i >= 0) handlers.splice(i, 1);
  };
}

/** What an interrupt right now would leave behind, said on the way out (undefined: nothing to say). */
export function setInterruptNote(text: string | undefined): void {
  note = text;
}

export function exitCodeFor(signal: InterruptSignal): number {
  return 128 + SIGNALS[signal];
}

/**
 * Called once by main(): from here on the CLI, not Node's default, answers these signals.
 * `asJson`: the command was run with --json, so an interrupt is said on stdout as its one
 * JSON document too.
 */
export function installInterruptHandling(asJson = false): void {
  json = asJson;
  if (installed) return;
  installed = true;
  for (const sig of Object.keys(SIGNALS) as InterruptSignal[]) process.on(sig, () => handle(sig));
  // Whatever the way out (an error, process.exit), the cursor is shown again.
  process.on('exit', stopAllProgress);
}

function handle(signal: InterruptSignal): void {
  stopAllProgress();
  const top = handlers.at(-1);
  if (top) return top(signal);
  if (process.stderr.isTTY) process.stderr.write('\n');
  const message = `Interrupted${note ? `: ${note}` : '.'}`;
  process.stderr.write(`${message}\n`);
  sayInterruptedAsJson(signal, message);
  process.exit(exitCodeFor(signal));
}

/**
 * With --json, the one document an interrupted command prints: `{"error": {"code":
 * "interrupted", …}}`. For handlers that stop their own way and exit (lab test); without
 * --json it prints nothing.
 */
export function sayInterruptedAsJson(signal: InterruptSignal, message: string): void {
  if (!json) return;
  const error = { code: 'interrupted', message, hint: null, signal };
  process.stdout.write(`${JSON.stringify({ error })}\n`);
}

/**
 * stdout's reader went away (`lab check --watch | head`: EPIPE). A command that runs until it is
 * stopped (--watch, lab serve, lab test) stops as on a closed terminal: nothing reads it any more.
 * Any other command finishes its work (a due cleanup included), as `git log | head` does.
 */
export function outputClosed(): void {
  handlers.at(-1)?.('SIGHUP');
}
