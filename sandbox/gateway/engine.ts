// The gateway's only link to the engine (moto): a keep-alive agent, and requests whose signed
// headers and body reach moto byte for byte (moto recomputes the SigV4 signature from them).
import http from 'node:http';
import type { ParsedRequest } from './request.ts';

export interface EngineClient {
  forward(req: ParsedRequest): Promise<http.IncomingMessage>;
  /** GET a private JSON endpoint of the engine (`/_labrunner/...`); undefined on 404. */
  getJson<T>(path: string): Promise<T | undefined>;
  close(): void;
}

// moto reads control headers such as `x-moto-account-id` (switch account): AWS has no such
// thing, so a learner's request never carries them to the engine; nor any `x-labrunner-*`
// header (a client cannot pass the gateway's secret off as its own, right or wrong).
// Hop-by-hop headers (RFC 9110 §7.6.1) belong to the client's connection, not the engine's.
const HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
]);

/** The header that proves a request comes from the gateway (engine.py refuses any without it). */
export const SECRET_HEADER = 'x-labrunner-secret';

export function engineClient(engineUrl: string, secret: string): EngineClient {
  const base = new URL(engineUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 64 });
  const target = { hostname: base.hostname, port: base.port || 80, agent };

  function request(
    opts: http.RequestOptions,
    body?: Buffer,
    retry = true,
  ): Promise<http.IncomingMessage> {
    return new Promise((resolve, reject) => {
      const headers = { ...opts.headers, [SECRET_HEADER]: secret };
      const r = http.request({ ...target, ...opts, headers }, resolve);
      r.on('error', (err: NodeJS.ErrnoException) => {
        // A pooled socket the engine closed while idle fails before the engine saw the
        // request: sending it once more on a fresh socket is safe.
        if (retry && r.reusedSocket && err.code === 'ECONNRESET') {
          request(opts, body, false).then(resolve, reject);
        } else reject(err);
      });
      r.end(body);
    });
  }

  return {
    forward(req) {
      const headers: http.OutgoingHttpHeaders = {};
      for (const [k, v] of Object.entries(req.headers))
        if (
          !HOP.has(k) &&
          !k.startsWith('x-moto-') &&
          !k.startsWith('x-labrunner-') &&
          v !== undefined
        )
          headers[k] = v;
      headers['content-length'] = String(req.body.length);
      return request({ method: req.method, path: req.url, headers }, req.body);
    },
    async getJson<T>(path: string) {
      const res = await request({ method: 'GET', path });
      const body = await readBody(res);
      if (res.statusCode === 404) return undefined;
      if (res.statusCode !== 200) throw new Error(`engine ${path}: HTTP ${res.statusCode}`);
      return JSON.parse(body.toString('utf8')) as T;
    },
    close() {
      agent.destroy();
    },
  };
}

export function readBody(stream: NodeJS.ReadableStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

/** Connection-level failures that mean "the engine is not there" rather than "it answered badly". */
export function isEngineDown(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return (
    code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'EHOSTUNREACH' || code === 'EPIPE'
  );
}
