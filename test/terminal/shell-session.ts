// A `lab shell` session in a terminal, driven the way a person types: a command, Enter, wait for
// its output. Each command is followed by `; echo "@@<n>=$?"` so the test knows when it ended
// and with which status (the typed line shows `$?`, only the output shows a number).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labTerm, stripAnsi, type Term } from './pty.ts';

export interface ShellSession {
  term: Term;
  /** Type a command without waiting (for interactive ones: answer(), then wait()). */
  start(cmd: string): number;
  /** Wait for a command typed with start() to end. */
  wait(id: number, timeoutMs?: number): Promise<{ code: number; out: string }>;
  /** Type `cmd`, wait for it to end; its status and the output between the command and the marker. */
  run(cmd: string, timeoutMs?: number): Promise<{ code: number; out: string }>;
  /** Ctrl-C at the prompt; resolves at the fresh prompt the shell prints. */
  interrupt(): Promise<void>;
  /** Type lines at prompts (each waits for `prompt` first), e.g. the questions of `aws configure`. */
  answer(prompt: RegExp, text: string): Promise<void>;
}

/**
 * A learner's home whose ~/.bashrc puts something ahead of the sandbox on PATH (here pyenv's
 * shims, as on this machine; `first` picks another folder) and sets a plain prompt.
 */
export function learnerHome(first = '/root/.pyenv/shims'): string {
  const home = mkdtempSync(join(tmpdir(), 'lab-learner-'));
  writeFileSync(
    join(home, '.bashrc'),
    `export PYENV_ROOT=/root/.pyenv\nexport PATH="${first}:$PATH"\nPS1='$ '\n`,
  );
  return home;
}

// zsh draws its prompt after its PROMPT_SP mark for a partial line ("%" or "#", spaces, a
// carriage return that stripAnsi drops), so the prompt may follow a space on the same line.
const PROMPT = /(?:^| )\(sandbox\) \$ /m;

export async function openShell(
  env: Record<string, string>,
  args: string[] = [],
): Promise<ShellSession> {
  const term = labTerm(['shell', ...args], { SHELL: '/bin/bash', ...env });
  await term.waitFor(PROMPT, 90_000);
  let n = 0;
  const starts = new Map<number, number>();
  let seen = 0; // answer() waits for prompts printed after the last one answered
  const session: ShellSession = {
    term,
    start(cmd) {
      const id = ++n;
      starts.set(id, term.text().length);
      seen = term.text().length;
      term.type(`${cmd}; echo "@@${id}=$?"\r`);
      return id;
    },
    async run(cmd, timeoutMs) {
      const t0 = Date.now();
      const r = await session.wait(session.start(cmd), timeoutMs);
      if (process.env.TIMING) console.log(Date.now() - t0, cmd);
      return r;
    },
    async wait(id, timeoutMs = 60_000) {
      const from = starts.get(id) ?? 0;
      const m = await term.waitFor(new RegExp(`\\n@@${id}=(\\d+)`), timeoutMs, from);
      const text = term.text().slice(from);
      seen = term.text().length;
      // The output starts after the echo of the typed line (which ends with our marker command).
      const typed = text.lastIndexOf(`echo "@@${id}=$?"`);
      const body = text.slice(text.indexOf('\n', typed) + 1, text.lastIndexOf(`@@${id}=`));
      // Type the next command only at the next prompt, as a person does (typed earlier, the
      // terminal would echo it twice: once itself, once when bash's line editor reads it).
      await term.waitFor(PROMPT, timeoutMs, from + (m.index ?? 0));
      return { code: Number(m[1]), out: stripAnsi(body) };
    },
    async interrupt() {
      // A person presses Ctrl-C a moment after the prompt appears. Sent in the instant between
      // bash printing its prompt and readline taking the terminal, the SIGINT is absorbed with
      // no new prompt (seen once under load), which no learner can do.
      await new Promise((r) => setTimeout(r, 300));
      const from = term.text().length;
      term.type('\x03');
      await term.waitFor(PROMPT, 10_000, from);
    },
    async answer(prompt, text) {
      const m = await term.waitFor(prompt, 60_000, seen);
      seen += (m.index ?? 0) + m[0].length;
      term.type(`${text}\r`);
    },
  };
  return session;
}
