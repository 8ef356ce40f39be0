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
