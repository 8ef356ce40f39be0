// A forwarding proxy in front of the sandbox that changes facts in its answers, to stand for
// an account we cannot create here (one with root access keys, or root credentials in use).
// Requests pass through byte for byte with the same Host header, so signatures still verify.
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RewritingProxy {
  url: string;
  close(): Promise<void>;
}

/** `rewrite(action, body)` gets each answer with the query-protocol Action it answers. */
export async function rewritingProxy(
  endpoint: string,
  rewrite: (action: string, body: string) => string,
): Promise<RewritingProxy> {
  const upstream = new URL(endpoint);
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const action = /(?:^|&)Action=([A-Za-z]+)/.exec(body.toString('utf8'))?.[1] ?? '';
      const up = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: req.headers,
        },
        (ur) => {
          const out: Buffer[] = [];
          ur.on('data', (c) => out.push(c));
          ur.on('end', () => {
            const text = rewrite(action, Buffer.concat(out).toString('utf8'));
            const headers = { ...ur.headers, 'content-length': String(Buffer.byteLength(text)) };
            res.writeHead(ur.statusCode ?? 500, headers);
            res.end(text);
          });
        },
      );
      up.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
