// The terminal beside the steps: `lab serve` on loopback runs `lab shell` in a real
// pseudo-terminal (@lydell/node-pty) for the page's xterm.js, over a WebSocket (ws).
// A shell is the most powerful thing this server offers, so it answers only when all
// of these hold:
// - the server listens on loopback (never when `--host` exposes it to other machines);
// - the Host is this server's own loopback name and port (DNS rebinding, guard.ts);
// - the Origin is exactly this server's (a WebSocket is not subject to CORS: any page
//   could open one to 127.0.0.1 otherwise);
// - the upgrade offers this instance's token as a subprotocol (`lab-token.<token>`,
//   access.ts). No cookie counts: cookies are not bound to a port, so another local user's
//   server on 127.0.0.1 receives every cookie the browser holds for it (issue 16), and a
//   non-browser client can forge any Origin. The token lives only in the page's
//   sessionStorage and the 0600 token file.
// Signing out (a new token) closes every page's connection; the shell itself stays for the
// learner, who signs in again with the new address.
import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { WebSocketServer, type WebSocket } from 'ws';
import { crossSiteReason, hostAllowed, isLoopback } from '../http/index.ts';
import { tokenFromProtocols, WS_PROTOCOL, type ServeAccess } from './access.ts';
import { ShellHost } from './shell-session.ts';

export const TERMINAL_PATH = '/terminal/ws';
const LAB = fileURLToPath(new URL('../../bin/lab.mjs', import.meta.url));

export interface TerminalOptions {
  /** The interface `lab serve` listens on: the terminal exists only on loopback. */
  listenHost: string;
  /** Lab home of the shell (`LAB_HOME`). */
  home: string;
  /** Who may open it: the holder of this `lab serve`'s token. */
  access: ServeAccess;
  /** The command to run (default: `lab shell`). */
  command?: { file: string; args: string[] };
  env?: NodeJS.ProcessEnv;
  /** With no page attached for this long the shell ends (shell-session.ts). */
  idleMs?: number;
}

export interface Terminal {
  /** Handle WebSocket upgrades on `server`. */
  attach(server: Server): void;
  close(): void;
}

function refuse(socket: Duplex, status: number, why: string) {
  socket.end(`HTTP/1.1 ${status} ${why}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
}

export function embeddedTerminal(o: TerminalOptions): Terminal | undefined {
  if (!isLoopback(o.listenHost)) return undefined;
  // The chosen subprotocol is ours, never the token one (the token is not echoed back).
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: 64 * 1024,
    handleProtocols: (offered) => (offered.has(WS_PROTOCOL) ? WS_PROTOCOL : false),
  });
  const open = new Set<WebSocket>();
  o.access.onRotate(() => {
    for (const ws of open) ws.close(1008, 'signed out');
  });

  // One shell for every page of this server; it outlives them (shell-session.ts).
  const shell = new ShellHost({
    idleMs: o.idleMs,
    async spawn(cols, rows) {
      const pty = (await import('@lydell/node-pty')).default;
      const cmd = o.command ?? { file: process.execPath, args: [LAB, 'shell'] };
      const env = { ...(o.env ?? process.env), LAB_HOME: o.home, TERM: 'xterm-256color' };
      return pty.spawn(cmd.file, cmd.args, {
        name: 'xterm-256color',
        cols,
        rows,
        cwd: process.env.HOME ?? o.home,
        env: env as Record<string, string>,
      });
    },
  });

  async function session(ws: WebSocket, cols: number, rows: number) {
    open.add(ws);
    ws.on('close', () => open.delete(ws));
    const client = {
      send: (d: string) => ws.readyState === ws.OPEN && ws.send(d),
      close: (code: number, why: string) => ws.close(code, why),
    };
    // Text frames are keystrokes; a frame starting with NUL is a control message (resize).
    ws.on('message', (data, binary) => {
      const text = binary ? Buffer.from(data as Buffer).toString('utf8') : String(data);
      if (text.startsWith('\u0000')) {
        try {
          const m = JSON.parse(text.slice(1)) as { cols?: number; rows?: number };
          if (m.cols && m.rows) shell.resize(m.cols, m.rows, client);
        } catch {
          /* a malformed control message is ignored */
        }
        return;
      }
      shell.input(text, client);
    });
    // The page left (reload, another page, closed tab): the shell stays for the next one.
    ws.on('close', () => shell.detach(client));
    await shell.attach(client, cols, rows);
    if (ws.readyState !== ws.OPEN) shell.detach(client); // it left while the shell started
  }

  return {
    attach(server) {
      server.on('upgrade', (req, socket, head) => {
        const url = new URL(req.url ?? '/', 'http://x');
        if (url.pathname !== TERMINAL_PATH) return refuse(socket, 404, 'Not Found');
        const host = req.headers.host ?? '';
        if (
          !hostAllowed(host, req.socket.localPort, { listenHost: o.listenHost, strictHost: true })
        ) {
          return refuse(socket, 403, 'Forbidden');
        }
        const origin = req.headers.origin;
        if (!origin || crossSiteReason({ host, origin, fetchSite: undefined })) {
          return refuse(socket, 403, 'Forbidden');
        }
        if (!o.access.valid(tokenFromProtocols(req.headers['sec-websocket-protocol']))) {
          return refuse(socket, 401, 'Unauthorized');
        }
        const cols = Number(url.searchParams.get('cols')) || 80;
        const rows = Number(url.searchParams.get('rows')) || 24;
        wss.handleUpgrade(req, socket, head, (ws) => {
          session(ws, Math.min(500, cols), Math.min(200, rows)).catch((e) => {
            // Said as an end, so the page says it and offers to try again.
            const why = { type: 'ended', reason: 'failed', message: (e as Error).message };
            ws.send('\u0000' + JSON.stringify(why));
            ws.close(1011, 'no shell');
          });
        });
      });
    },
    close() {
      shell.close();
      wss.close();
    },
  };
}
