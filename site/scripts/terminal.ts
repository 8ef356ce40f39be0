// The terminal beside the steps (loaded only when the learner opens it): xterm.js in the
// page, `lab shell` in a pseudo-terminal on the `lab serve` machine, bytes over a
// WebSocket. The server lets it in only from this origin, with this tab's `lab serve`
// token offered as a subprotocol (runner/serve/terminal.ts); no cookie counts. The shell lives on the server: closing this page
// detaches from it, and the next page attaches to the same one, its screen replayed.
import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import '@xterm/xterm/css/xterm.css';
import { pageToken } from './api.ts';

/** Control messages from the server (runner/serve/shell-session.ts). */
export interface ShellAttached {
  type: 'attached';
  fresh: boolean;
  startedAt: string;
  idleMs: number;
  detachedMs?: number;
  others: number;
  previous?: ShellEnded;
}
export interface ShellEnded {
  type?: 'ended';
  reason: 'exited' | 'idle' | 'server-stopped' | 'lost' | 'failed';
  /** Why the shell could not start (failed). */
  message?: string;
  status?: number;
  signal?: number;
}
export interface TerminalEvents {
  attached(m: ShellAttached): void;
  /** The shell ended (or the connection to `lab serve` was lost, or never made). */
  ended(m: ShellEnded | { reason: 'refused' }): void;
}

export interface PageTerminal {
  /** Put text at the prompt as if pasted (the learner presses Enter). */
  paste(text: string): void;
  focus(): void;
  close(): void;
}

export function openTerminal(host: HTMLElement, on: TerminalEvents): PageTerminal {
  const dark = matchMedia('(prefers-color-scheme: dark)').matches;
  const term = new Terminal({
    cursorBlink: true,
    convertEol: false,
    fontSize: 14,
    screenReaderMode: true,
    theme: dark
      ? { background: '#0d0f12', foreground: '#e6e9ee' }
      : {
          background: '#ffffff',
          foreground: '#1b1d21',
          cursor: '#1b1d21',
          selectionBackground: '#b3d1ff',
        },
  });
  const fit = new FitAddon();
  term.loadAddon(fit);
  term.open(host);
  fit.fit();
  const proto = location.protocol === 'https:' ? 'wss' : 'ws';
  const ws = new WebSocket(
    `${proto}://${location.host}/terminal/ws?cols=${term.cols}&rows=${term.rows}`,
    ['labrunner.terminal', `lab-token.${pageToken() ?? ''}`],
  );
  let opened = false;
  let ended: ShellEnded | undefined;
  let closing = false;
  ws.addEventListener('open', () => (opened = true));
  ws.addEventListener('message', (e) => {
    const text = String(e.data);
    if (!text.startsWith('\u0000')) return term.write(text);
    const m = JSON.parse(text.slice(1)) as ShellAttached | ShellEnded;
    if (m.type === 'attached') on.attached(m);
    else if (m.type === 'ended') ended = m;
  });
  ws.addEventListener('close', (e) => {
    if (closing) return; // the learner closed the terminal: the shell stays on the server
    if (ended) return on.ended(ended);
    if (e.reason === 'signed out') return on.ended({ reason: 'refused' }); // token revoked
    // No word from the server: refused at the door (no token), or the connection broke
    // (lab serve stopped or restarted, the machine slept).
    on.ended(opened ? { reason: 'lost' } : { reason: 'refused' });
  });
  term.onData((d) => ws.readyState === ws.OPEN && ws.send(d));
  term.onResize(({ cols, rows }) => {
    if (ws.readyState === ws.OPEN) ws.send('\u0000' + JSON.stringify({ cols, rows }));
  });
  const resize = new ResizeObserver(() => fit.fit());
  resize.observe(host);
  term.focus();
  return {
    paste: (text) => term.paste(text),
    focus: () => term.focus(),
    close() {
      closing = true;
      resize.disconnect();
      ws.close(1000);
      term.dispose();
    },
  };
}
