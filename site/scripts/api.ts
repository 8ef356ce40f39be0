// The browser's side of the `lab serve` API. A static copy of the site has no
// API: every call then resolves to null and pages keep their static text.

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
    },
    cache: 'no-store',
  });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw Object.assign(new Error(body.message || `HTTP ${res.status}`), { body });
  return body;
}

let info: Promise<ServerInfo | null> | undefined;

/** The server's description of itself, or null when the page is a static copy. */
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
