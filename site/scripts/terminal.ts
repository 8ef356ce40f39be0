// The terminal beside the steps (loaded only when the learner opens it): xterm.js in the
// page, `lab shell` in a pseudo-terminal on the `lab serve` machine, bytes over a
// WebSocket. The server lets it in only from this origin, with the per-start token's
// cookie (runner/serve/terminal.ts).
import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import '@xterm/xterm/css/xterm.css';

export interface PageTerminal {
  /** Put text at the prompt as if pasted (the learner presses Enter). */
  paste(text: string): void;
  focus(): void;
  close(): void;
}

export function openTerminal(host: HTMLElement, onClose: () => void): PageTerminal {
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
  );
  ws.addEventListener('message', (e) => term.write(String(e.data)));
  ws.addEventListener('close', (e) => {
    term.write(
      e.code === 1000
        ? '\r\n[terminal closed]\r\n'
        : '\r\n[the terminal is not available: open the address `lab serve` printed, with its token]\r\n',
    );
    onClose();
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
      resize.disconnect();
      ws.close(1000);
      term.dispose();
    },
  };
}
