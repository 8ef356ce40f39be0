// The page's shell outlives the page: one `lab shell` per `lab serve`, kept on the server
// while pages come and go. A reload, a trip to the sandbox console and back, or a second
// tab attach to the same shell (same pid, same variables), and each sees the recent screen
// replayed. The shell ends only when the learner exits it, when no page has been attached
// for `idleMs`, or when `lab serve` stops — and every page attached then is told which.
//
// Replay: the pty's bytes go through a headless xterm (@xterm/headless, the same parser the
// page runs) and a newcomer gets its serialized screen and scrollback (@xterm/addon-
// serialize). A raw ring buffer of bytes would replay wrongly once it wraps: it can start in
// the middle of an escape sequence, and it replays every redraw of a full-screen program.
//
// Wire (WebSocket text frames): output as is; a frame starting with NUL is a control message,
// JSON after the NUL — as the page's own control messages (resize) already were.
import xterm from '@xterm/headless';
import serialize from '@xterm/addon-serialize';

/** Why a shell ended, as the page says it. */
export interface ShellEnd {
  reason: 'exited' | 'idle' | 'server-stopped';
  /** Exit status of `lab shell` (exited). */
  status?: number;
  signal?: number;
  at: string;
}

/** What a page learns when it attaches (sent before the screen). */
export interface Attached {
  type: 'attached';
  /** A new shell (false: an existing one, its screen replayed). */
  fresh: boolean;
  startedAt: string;
  /** With no page attached for this long the shell ends. */
  idleMs: number;
  /** How long no page was attached before this one (reattaching only). */
  detachedMs?: number;
  /** Other pages attached now. */
  others: number;
  /** How the previous shell ended, if no page was there to hear it. */
  previous?: ShellEnd;
}

/** The process under the shell: node-pty's IPty, or anything that behaves like it. */
export interface Pty {
  pid: number;
  onData(cb: (d: string) => void): unknown;
  onExit(cb: (e: { exitCode: number; signal?: number }) => void): unknown;
  write(d: string): void;
  resize(cols: number, rows: number): void;
  kill(signal?: string): void;
}

/** One attached page (a WebSocket in terminal.ts). */
export interface Client {
  send(text: string): void;
  close(code: number, reason: string): void;
}

export interface ShellHostOptions {
  spawn(cols: number, rows: number): Pty | Promise<Pty>;
  /** No page attached for this long ends the shell (default 30 minutes). */
  idleMs?: number;
  /** Lines of scrollback kept for replay (default 1000). */
  scrollback?: number;
  now?: () => number;
}

export const DEFAULT_IDLE_MS = 30 * 60_000;
const control = (m: object) => '\u0000' + JSON.stringify(m);

interface Live {
  pty: Pty;
  screen: InstanceType<typeof xterm.Terminal>;
  ser: InstanceType<typeof serialize.SerializeAddon>;
  startedAt: number;
  /** Attached pages; a page waiting for its replay buffers what arrives meanwhile. */
  clients: Map<Client, string[] | null>;
  idle?: NodeJS.Timeout;
  detachedAt?: number;
  ending?: ShellEnd['reason'];
  exited?: boolean;
}

export class ShellHost {
  private live?: Live;
  private starting?: Promise<Live>;
  /** The last end no page heard (told to the next page that attaches). */
  private unheard?: ShellEnd;
  private closed = false;
  /** Each attached page's size: the page typing sets the shell's. */
  private sizes = new Map<Client, { cols: number; rows: number }>();
  readonly idleMs: number;
  private o: ShellHostOptions;

  constructor(o: ShellHostOptions) {
    this.o = o;
    this.idleMs = o.idleMs ?? DEFAULT_IDLE_MS;
  }

  private now() {
    return (this.o.now ?? Date.now)();
  }

  /** Attach a page: to the running shell (its screen replayed), or to a new one. */
  async attach(client: Client, cols: number, rows: number): Promise<void> {
    if (this.closed) return client.close(1001, 'server stopped');
    // Two pages at once (a restored browser session): one starts the shell, the other
    // attaches to it as to a running one, replay included.
    const fresh = !this.live && !this.starting;
    const s = this.live ?? (await (this.starting ??= this.start(cols, rows)));
    const detachedMs = s.detachedAt === undefined ? undefined : this.now() - s.detachedAt;
    clearTimeout(s.idle);
    s.idle = s.detachedAt = undefined;
    const others = s.clients.size;
    s.clients.set(client, []); // buffer output until this page has its replay
    this.resize(cols, rows, client);
    const hello: Attached = {
      type: 'attached',
      fresh,
      startedAt: new Date(s.startedAt).toISOString(),
      idleMs: this.idleMs,
      detachedMs,
      others,
      previous: fresh ? this.unheard : undefined,
    };
    if (fresh) this.unheard = undefined;
    client.send(control(hello));
    // The screen once everything written so far is parsed: a write's callback runs after
    // all earlier writes, and what arrives meanwhile is buffered for this page alone.
    s.screen.write('', () => {
      const waiting = s.clients.get(client);
      if (!waiting) return; // left already
      if (!fresh) client.send(s.ser.serialize({ scrollback: this.o.scrollback ?? 1000 }));
      for (const d of waiting) client.send(d);
      s.clients.set(client, null);
    });
  }

  /** A page left (closed, reloaded, navigated): the shell stays; the idle clock starts. */
  detach(client: Client): void {
    const s = this.live;
    this.sizes.delete(client);
    if (!s || !s.clients.delete(client) || s.clients.size || s.ending) return;
    s.detachedAt = this.now();
    s.idle = setTimeout(() => this.end('idle'), this.idleMs);
    s.idle.unref();
  }

  /**
   * Keystrokes from a page. One shell may be open in two tabs of two sizes: the page the
   * learner types in sets the size, so the shell lays out its lines for the screen they read.
   */
  input(data: string, from?: Client): void {
    const size = from && this.sizes.get(from);
    if (size) this.resize(size.cols, size.rows, from);
    this.live?.pty.write(data);
  }

  /** A page's size (it attached, or its window changed): the newest wins; bounded. */
  resize(cols: number, rows: number, from?: Client): void {
    // A page's word only: anything but two numbers is ignored (the pty would throw).
    if (typeof cols !== 'number' || typeof rows !== 'number') return;
    if (!Number.isFinite(cols) || !Number.isFinite(rows)) return;
    cols = Math.floor(cols);
    rows = Math.floor(rows);
    if (from) this.sizes.set(from, { cols, rows });
    const s = this.live;
    if (!s) return;
    const c = Math.max(2, Math.min(500, cols));
    const r = Math.max(1, Math.min(200, rows));
    if (c === s.screen.cols && r === s.screen.rows) return; // a page saying its size again
    s.pty.resize(c, r);
    s.screen.resize(c, r);
  }

  /** `lab serve` stops: every attached page is told, and the shell ends. */
  close(): void {
    this.closed = true;
    this.end('server-stopped');
  }

  private async start(cols: number, rows: number): Promise<Live> {
    try {
      const pty = await this.o.spawn(cols, rows);
      const screen = new xterm.Terminal({
        cols,
        rows,
        scrollback: this.o.scrollback ?? 1000,
        allowProposedApi: true,
      });
      const ser = new serialize.SerializeAddon();
      screen.loadAddon(ser);
      const s: Live = { pty, screen, ser, startedAt: this.now(), clients: new Map() };
      pty.onData((d) => {
        // A NUL opens a control message on the wire; a terminal ignores NUL anyway.
        const out = d.replace(/^\u0000+/, '');
        if (!out || this.live !== s) return;
        screen.write(out);
        for (const [c, waiting] of s.clients) {
          if (waiting) waiting.push(out);
          else c.send(out);
        }
      });
      pty.onExit(({ exitCode, signal }) => {
        s.exited = true;
        this.ended(s, exitCode, signal);
      });
      this.live = s;
      return s;
    } finally {
      this.starting = undefined;
    }
  }

  private end(reason: 'idle' | 'server-stopped') {
    const s = this.live;
    if (!s || s.ending) return;
    s.ending = reason;
    s.pty.kill('SIGHUP'); // as a terminal window closing
    // A shell that ignores SIGHUP still goes: the server is not kept by it.
    setTimeout(() => s.exited || s.pty.kill('SIGKILL'), 3000).unref();
    // Over now: a page that attaches while it is still going gets a new shell, told why.
    this.ended(s, undefined, undefined);
  }

  private ended(s: Live, status: number | undefined, signal: number | undefined) {
    if (this.live !== s) return;
    this.live = undefined;
    clearTimeout(s.idle);
    const end: ShellEnd = {
      reason: s.ending ?? 'exited',
      ...(s.ending ? {} : { status, signal: signal || undefined }),
      at: new Date(this.now()).toISOString(),
    };
    for (const c of s.clients.keys()) {
      c.send(control({ type: 'ended', ...end }));
      c.close(end.reason === 'server-stopped' ? 1001 : 1000, 'shell ended');
    }
    if (!s.clients.size) this.unheard = end;
    s.clients.clear();
    s.screen.dispose();
  }
}
