// Running an app on node:http (through @hono/node-server's request listener).
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import type { App } from './app.ts';

/** A node:http listener for the app (for tests and servers that add upgrade handlers). */
export function nodeListener(app: App): RequestListener {
  return getRequestListener(app.fetch) as RequestListener;
}

export function nodeServer(app: App): Server {
  return createServer(nodeListener(app));
}

/** Listen and return the URL to open (with a trailing slash). Port 0 picks a free port. */
export function listen(server: Server, port: number, host: string): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const a = server.address() as AddressInfo;
      const h = a.family === 'IPv6' ? `[${a.address}]` : a.address;
      resolve(`http://${host === '0.0.0.0' || host === '::' ? 'localhost' : h}:${a.port}/`);
    });
  });
}
