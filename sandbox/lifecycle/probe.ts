// Is a process answering? Short timeouts: a status check must not hang on a stuck process.
import { request } from 'node:http';

/** The engine's private health endpoint answers 200. */
export async function engineHealthy(port: number, timeoutMs = 2_000): Promise<boolean> {
  return (await get('127.0.0.1', port, '/_labrunner/health', timeoutMs)) === 200;
}

/** The engine's account id (from its health endpoint), or undefined. */
export function engineHealth(
  port: number,
  timeoutMs = 2_000,
): Promise<{ ok: boolean; accountId: string; stateLost?: string } | undefined> {
  return new Promise((resolve) => {
    const req = request(
      { host: '127.0.0.1', port, path: '/_labrunner/health', timeout: timeoutMs },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (body += c));
        res.on('end', () => {
          try {
            // 503 with stateLost: alive, but its state folder is gone (engine/statedir.py).
            const j = JSON.parse(body);
            resolve(res.statusCode === 200 || j.stateLost ? j : undefined);
          } catch {
            resolve(undefined);
          }
        });
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
    req.end();
  });
}

/**
 * The gateway answers HTTP at all (any status). It asks a path the gateway keeps for itself
 * (`/_labrunner/…`: never forwarded to the engine, answered 404 with no state, never recorded),
 * so a probe never becomes an event in the learner's history: on AWS `lookup-events` holds
 * only API calls, and a health probe is none (it used to be recorded as an unsigned call to
 * `/`, an event with no name from `unknown.amazonaws.com`).
 */
export const GATEWAY_PROBE_PATH = '/_labrunner/ping';

export async function gatewayAnswers(
  host: string,
  port: number,
  timeoutMs = 2_000,
): Promise<boolean> {
  return (await get(host, port, GATEWAY_PROBE_PATH, timeoutMs)) !== undefined;
}

function get(
  host: string,
  port: number,
  path: string,
  timeoutMs: number,
): Promise<number | undefined> {
  return new Promise((resolve) => {
    const req = request(
      { host, port, path, timeout: timeoutMs, headers: { 'user-agent': 'labrunner/health' } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode));
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
    req.end();
  });
}
