// Byte-exact HTTP/1.1 requests for security tests: fetch() and URL would normalise the very
// paths under test (dot segments, backslashes, percent-encoding) and refuse to set Host.
import net from 'node:net';

export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export function rawRequest(
  base: string,
  opts: {
    method?: string;
    target: string;
    headers?: Record<string, string>;
    body?: string;
    /** Host header; default the base URL's host:port. Empty string sends none. */
    host?: string;
  },
): Promise<RawAnswer> {
  const u = new URL(base);
  const body = Buffer.from(opts.body ?? '', 'utf8');
  const lines = [`${opts.method ?? 'GET'} ${opts.target} HTTP/1.1`];
  const host = opts.host ?? u.host;
  if (host !== '') lines.push(`Host: ${host}`);
  for (const [k, v] of Object.entries(opts.headers ?? {})) lines.push(`${k}: ${v}`);
  lines.push(`Content-Length: ${body.length}`, 'Connection: close', '', '');
  return new Promise((resolve, reject) => {
    const s = net.connect(Number(u.port), u.hostname);
    const chunks: Buffer[] = [];
    s.on('data', (c: Buffer) => chunks.push(c));
    s.on('error', reject);
    s.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head, ...rest] = text.split('\r\n\r\n');
      const [statusLine, ...hs] = head.split('\r\n');
      const headers: Record<string, string> = {};
      for (const h of hs) {
        const i = h.indexOf(':');
        headers[h.slice(0, i).trim().toLowerCase()] = h.slice(i + 1).trim();
      }
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: rest.join('\r\n\r\n') });
    });
    s.write(Buffer.concat([Buffer.from(lines.join('\r\n'), 'latin1'), body]));
  });
}
