// The browser's side of the `lab serve` API. A static copy of the site has no
// API: every call then resolves to null and pages keep their static text.
//
// `lab serve` lets in only the holder of its token (runner/serve/access.ts): it prints
// `http://127.0.0.1:<port>/#token=…`; this module moves the token into sessionStorage
// (scoped to this exact origin, port included, and to this tab: another server on
// 127.0.0.1 never sees it, unlike a cookie) and out of the address bar, and sends it in
// `X-Lab-Token` on every call. No cookie is involved.

const KEY = 'labrunner.token';
export const TOKEN_HEADER = 'x-lab-token';

function adoptToken() {
  const m = /^#token=([A-Za-z0-9_-]+)$/.exec(location.hash);
  if (!m) return;
  try {
    sessionStorage.setItem(KEY, m[1]);
  } catch {
    /* storage off: the page stays signed out */
  }
  // Out of the address bar and this history entry: not bookmarked, not shared by copy.
  history.replaceState(history.state, '', location.pathname + location.search);
}
adoptToken();

/** This tab's `lab serve` token, if the page was opened from the printed address. */
export function pageToken(): string | null {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export function forgetToken(): void {
  try {
    sessionStorage.removeItem(KEY);
  } catch {
    /* nothing to forget */
  }
}

/** Set when `lab serve` answered 401: this tab holds no valid token. */
export let signedOut = false;

function authHeaders(): Record<string, string> {
  const t = pageToken();
  return t ? { [TOKEN_HEADER]: t } : {};
}

export interface ServerInfo {
  served: true;
  target: 'sandbox' | 'aws';
  console: boolean;
  terminal?: 'ready' | 'needs-token' | 'off';
}

export async function getJSON(path: string, init?: RequestInit): Promise<any> {
  const res = await fetch(path, {
    ...init,
    headers: {
      accept: 'application/json',
      ...(init?.body ? { 'content-type': 'application/json' } : {}),
      ...authHeaders(),
    },
    cache: 'no-store',
  });
  const body = await res.json().catch(() => ({}));
  if (res.status === 401) signedOut = true;
  if (!res.ok) throw Object.assign(new Error(body.message || `HTTP ${res.status}`), { body });
  return body;
}

let info: Promise<ServerInfo | null> | undefined;

/** The server's description of itself, or null when the page is a static copy or signed out. */
export function serverInfo(): Promise<ServerInfo | null> {
  info ??= getJSON('/api/info')
    .then((b) => (b && b.served ? (b as ServerInfo) : null))
    .catch(() => null);
  return info;
}

/** A server message or hint as nodes: its Markdown `code` spans become <code>, never backticks. */
export function withCode(text: string): Node[] {
  return text.split(/`([^`]+)`/).map((part, i) => {
    if (i % 2 === 0) return document.createTextNode(part);
    const code = document.createElement('code');
    code.textContent = part;
    return code;
  });
}

/**
 * Run `work` once at a time for `button`, marked busy with aria-disabled. Not `disabled`:
 * Chromium moves the focus of a button that becomes disabled to the page body, so a keyboard
 * user who pressed Enter on it would start again from the top of the page (issue 12).
 */
export async function whileBusy(button: HTMLButtonElement, work: () => Promise<void>) {
  if (button.getAttribute('aria-disabled') === 'true') return;
  button.setAttribute('aria-disabled', 'true');
  try {
    await work();
  } finally {
    button.removeAttribute('aria-disabled');
  }
}

/**
 * Follow a server-sent event stream with the token in a header (EventSource cannot send
 * one): `onEvent` per event, `onState` on every change, reconnecting a second after the
 * stream ends or fails (as EventSource would when `lab serve` restarts), never when the
 * server says this tab is signed out.
 */
export function followEvents(
  path: string,
  onEvent: (name: string, data: string) => void,
  onState: (state: 'live' | 'reconnecting' | 'signed-out') => void,
): void {
  const connect = async () => {
    try {
      const res = await fetch(path, {
        headers: { accept: 'text/event-stream', ...authHeaders() },
        cache: 'no-store',
      });
      if (res.status === 401) {
        signedOut = true;
        return onState('signed-out');
      }
      if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let name = 'message';
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith('event:')) name = line.slice(6).trim();
            else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
          }
          if (data.length) {
            onState('live');
            onEvent(name, data.join('\n'));
          }
        }
      }
    } catch {
      /* the server went away: reconnect below */
    }
    onState('reconnecting');
    setTimeout(connect, 1000);
  };
  void connect();
}
