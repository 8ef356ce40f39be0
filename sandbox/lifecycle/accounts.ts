// A class that hosts the sandbox (issue 21): one more isolated account in this lab home's
// running engine, for one learner. Asked of the engine directly (its private
// `/_labrunner/accounts`, with the per-start secret), never through the gateway: the gateway
// refuses `/_labrunner/*` from clients, so no learner can make accounts.
import http from 'node:http';
import { SandboxError } from '../errors.ts';
import type { Identities } from './state.ts';
import { layout } from './layout.ts';
import { readSecret } from './secret.ts';
import { readRun } from './state.ts';

/** Make a fresh account (admin + runner identities with keys). The secrets are the caller's to hand on once. */
export function createAccount(home: string): Promise<Identities> {
  const l = layout(home);
  const engine = readRun(l).engine;
  const secret = readSecret(l);
  if (!engine || !secret) {
    return Promise.reject(
      new SandboxError('sandbox_down', 'The sandbox is not running.', 'Start it first.'),
    );
  }
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: engine.port,
        method: 'POST',
        path: '/_labrunner/accounts',
        headers: { 'x-labrunner-secret': secret, 'content-length': '0' },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          if (res.statusCode !== 201) {
            reject(new Error(`the sandbox engine refused a new account (HTTP ${res.statusCode})`));
            return;
          }
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Identities);
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}
