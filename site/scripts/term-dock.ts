// The terminal dock of a lab page. The shell lives on `lab serve`, not in the page
// (runner/serve/shell-session.ts): closing the dock, reloading, going to the console and
// back, or opening a second tab detaches and reattaches the same shell. This file says so
// on the page — a new shell or the old one back, how long a detached shell waits, and
// when and why a shell ended — and offers a new one. xterm.js itself is loaded only when
// the dock opens (terminal.ts, a separate chunk).
import { withCode } from './api.ts';
import type { PageTerminal, ShellAttached, ShellEnded, TerminalEvents } from './terminal.ts';

/** The learner had the dock open: open it again on the next page of this site. */
const OPEN_KEY = 'lab-terminal-open';
const $ = <T extends HTMLElement>(sel: string) => document.querySelector<T>(sel)!;
const utc = (t: number) => new Date(t).toISOString().slice(11, 16) + ' UTC';
const minutes = (ms: number) => {
  if (ms < 60_000) return 'less than a minute';
  const m = Math.round(ms / 60_000);
  return `${m} minute${m === 1 ? '' : 's'}`;
};

function endedText(m: ShellEnded | { reason: 'refused' }, idleMs: number): string {
  switch (m.reason) {
    case 'exited':
      return m.signal
        ? `The shell ended (killed by signal ${m.signal}).`
        : `The shell ended: it exited with status ${m.status ?? 0}.`;
    case 'failed':
      return `The shell could not start: ${m.message ?? 'unknown error'}.`;
    case 'idle':
      return `The shell ended: it idled out (no page had it open for ${minutes(idleMs)}).`;
    case 'server-stopped':
      return 'The shell ended: `lab serve` stopped.';
    case 'lost':
      return 'The connection to `lab serve` was lost (it stopped or restarted); a shell it ran has ended with it.';
    case 'refused':
      return 'The terminal is not available in this tab: open the address `lab serve` printed (it ends with `#token=…`).';
  }
}

function attachedText(m: ShellAttached): string {
  const said: string[] = [];
  if (m.previous)
    said.push(endedText(m.previous, m.idleMs).replace('The shell', 'Your last shell'));
  if (m.fresh) said.push(`A new shell started at ${utc(Date.parse(m.startedAt))}.`);
  else {
    said.push(
      `Back in your shell (started ${utc(Date.parse(m.startedAt))}); its screen is restored.`,
    );
    if (m.detachedMs !== undefined) {
      said.push(
        `No page had it open for ${minutes(m.detachedMs)}: it would have ended in ${minutes(m.idleMs - m.detachedMs)}.`,
      );
    }
  }
  if (m.others) said.push(`Also open in ${m.others} other page${m.others === 1 ? '' : 's'}.`);
  return said.join(' ');
}

/** Wire the dock; `toTerminal` lists the code blocks whose command may go to the prompt. */
export function terminalDock(open: HTMLButtonElement, toTerminal: () => HTMLElement[]) {
  const dock = $('[data-term]');
  const status = $('[data-term-status]');
  const again = $<HTMLButtonElement>('[data-term-new]');
  const note = $('[data-term-note]');
  let term: PageTerminal | undefined;
  let idleMs = 0;

  const say = (text: string) => status.replaceChildren(...withCode(text));
  const addButtons = () => {
    for (const block of toTerminal()) {
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'copy secondary to-term';
      b.textContent = 'To terminal';
      b.setAttribute('aria-label', 'Put this command in the terminal');
      b.addEventListener('click', () => {
        term?.paste(block.dataset.copy!);
        term?.focus();
      });
      block.append(b);
    }
  };
  const removeButtons = () => {
    for (const b of document.querySelectorAll('.to-term')) b.remove();
  };

  const events: TerminalEvents = {
    attached(m) {
      idleMs = m.idleMs;
      again.hidden = true;
      say(attachedText(m));
    },
    ended(m) {
      // This page keeps the last screen to read; the next page does not start a shell unasked.
      localStorage.removeItem(OPEN_KEY);
      removeButtons();
      say(endedText(m, idleMs));
      again.hidden = m.reason === 'refused';
    },
  };

  async function start() {
    if (term) return term.focus();
    localStorage.setItem(OPEN_KEY, '1');
    dock.hidden = false;
    document.body.classList.add('with-term');
    note.textContent = '';
    const { openTerminal } = await import('./terminal.ts');
    term = openTerminal($('[data-term-host]'), events);
    if (!document.querySelector('.to-term')) addButtons();
  }

  function close() {
    term?.close();
    term = undefined;
    localStorage.removeItem(OPEN_KEY);
    dock.hidden = true;
    document.body.classList.remove('with-term');
    removeButtons();
    if (idleMs) {
      note.replaceChildren(
        ...withCode(
          `Your shell keeps running in \`lab serve\`: open the terminal again to return to it. ` +
            `With no page open on it, it ends at ${utc(Date.now() + idleMs)} (in ${minutes(idleMs)}); \`exit\` in it ends it now.`,
        ),
      );
    }
    open.focus();
  }

  open.addEventListener('click', () => void start());
  again.addEventListener('click', () => {
    term?.close();
    term = undefined;
    $('[data-term-host]').replaceChildren();
    void start();
  });
  dock.querySelector('[data-term-close]')!.addEventListener('click', close);
  // Leaving the page detaches cleanly (the shell stays); coming back through the
  // back/forward cache attaches again, as a fresh load would.
  let away = false;
  addEventListener('pagehide', () => {
    if (!term) return;
    away = true;
    term.close();
    term = undefined;
  });
  addEventListener('pageshow', (e) => {
    if (!e.persisted || !away) return;
    away = false;
    $('[data-term-host]').replaceChildren();
    void start();
  });
  if (localStorage.getItem(OPEN_KEY)) void start();
}
