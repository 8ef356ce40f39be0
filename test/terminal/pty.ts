// The terminal test harness: run a command in a real pseudo-terminal (@lydell/node-pty), type
// into it, and read the screen the way a person sees it (@xterm/headless renders the bytes, so
// a spinner that redraws one line leaves one line, and cursor movement is applied).
// Tests assert the exit code and the final screen; never how long something took.
import { fileURLToPath } from 'node:url';
import pty from '@lydell/node-pty';
import xterm from '@xterm/headless';
import { scaled } from '../helpers/timeouts.ts';
import { withoutWarmCli } from '../helpers/warm-cli/install.ts';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const LAB = fileURLToPath(new URL('../../bin/lab.mjs', import.meta.url));
/** The spinner's frames (yocto-spinner's dots): none may be left on a final screen. */
export const SPINNER_FRAMES = /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/;

export interface Exit {
  code: number;
  signal: number;
}

export interface Term {
  /** Type text (use \r for Enter, \x03 for Ctrl-C). */
  type(text: string): void;
  /** Wait until the output (ANSI stripped) from offset `from` on matches; returns the match. */
  waitFor(pattern: RegExp, timeoutMs?: number, from?: number): Promise<RegExpMatchArray>;
  /** Everything the program printed so far, ANSI stripped (scrollback included). */
  text(): string;
  /** The rendered screen plus scrollback, trailing blanks trimmed. */
  screen(): Promise<string>;
  /** Whether the cursor is visible now (the last ?25l/?25h the program wrote). */
  cursorShown(): boolean;
  /** The exit, or a rejection naming what the screen shows when it does not come in time. */
  exited(timeoutMs?: number): Promise<Exit>;
  kill(signal?: string): void;
  pid: number;
}

const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)|\x1b[=>()][0-9A-Za-z]?|\r/g;

export function stripAnsi(s: string): string {
  return s.replace(ANSI, '');
}

// CI machines export CI (and friends), and terminal tools such as the spinner
// then stop animating. A learner's terminal has none of them.
const CI_VARS =
  /^(CI|CONTINUOUS_INTEGRATION|BUILD_NUMBER|RUN_ID|GITHUB_ACTIONS|GITLAB_CI|BUILDKITE|CIRCLECI|TRAVIS|JENKINS_URL|TEAMCITY_VERSION)$/;
function personsTerminal(env: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter(([k]) => !CI_VARS.test(k)));
}

export function spawnTerm(
  command: string,
  args: string[],
  opts: { env: Record<string, string>; cwd?: string; cols?: number; rows?: number },
): Term {
  const cols = opts.cols ?? 120;
  const rows = opts.rows ?? 40;
  const p = pty.spawn(command, args, {
    name: 'xterm-256color',
    cols,
    rows,
    cwd: opts.cwd ?? ROOT,
    env: personsTerminal({ TERM: 'xterm-256color', ...withoutWarmCli(opts.env) }),
  });
  const vt = new xterm.Terminal({ cols, rows, scrollback: 5000, allowProposedApi: true });
  let raw = '';
  let pending = Promise.resolve();
  const waiters = new Set<() => void>();
  let exit: Exit | undefined;
  p.onData((d) => {
    raw += d;
    pending = pending.then(() => new Promise<void>((r) => vt.write(d, r)));
    for (const w of waiters) w();
  });
  p.onExit((e) => {
    exit = { code: e.exitCode, signal: e.signal ?? 0 };
    for (const w of waiters) w();
  });
  const until = <T>(get: () => T | undefined, timeoutMs: number, what: () => string) =>
    new Promise<T>((resolve, reject) => {
      const check = () => {
        const v = get();
        if (v === undefined) return;
        waiters.delete(check);
        clearTimeout(timer);
        resolve(v);
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`${what()}\n--- the terminal shows ---\n${tail(stripAnsi(raw))}`));
      }, scaled(timeoutMs));
      waiters.add(check);
      check();
    });
  return {
    pid: p.pid,
    type: (text) => p.write(text),
    waitFor: (pattern, timeoutMs = 60_000, from = 0) =>
      until(
        () => stripAnsi(raw).slice(from).match(pattern) ?? undefined,
        timeoutMs,
        () => `timed out waiting for ${pattern}`,
      ),
    text: () => stripAnsi(raw),
    async screen() {
      await pending;
      const b = vt.buffer.active;
      const lines: string[] = [];
      for (let i = 0; i < b.length; i++) lines.push(b.getLine(i)?.translateToString(true) ?? '');
      return lines.join('\n').trimEnd();
    },
    cursorShown() {
      const hide = raw.lastIndexOf('\x1b[?25l');
      return hide < 0 || raw.lastIndexOf('\x1b[?25h') > hide;
    },
    exited: (timeoutMs = 60_000) =>
      until(
        () => exit,
        timeoutMs,
        () => `${command} ${args.join(' ')} did not exit within ${timeoutMs / 1000} s`,
      ),
    kill: (signal = 'SIGTERM') => {
      if (!exit) p.kill(signal);
    },
  };
}

function tail(s: string): string {
  return s.split('\n').slice(-25).join('\n');
}

/** `lab …` in a terminal, with Node 24 (the one running the tests). */
export function labTerm(args: string[], env: Record<string, string>, cols?: number): Term {
  return spawnTerm(process.execPath, [LAB, ...args], { env, cols });
}

/** The final-screen contract of every command: exited by itself, no spinner left, cursor shown. */
export async function finalScreen(t: Term, timeoutMs = 90_000) {
  const exit = await t.exited(timeoutMs);
  const screen = await t.screen();
  return { exit, screen, spinnerLeft: SPINNER_FRAMES.test(screen), cursorShown: t.cursorShown() };
}
