// A class that hosts the sandbox (issue 21): learner accounts in this lab home's running
// engine. Asked of the engine directly (its private `/_labrunner/accounts…`, with the per-start
// secret), never through the gateway: the gateway refuses `/_labrunner/*` from clients, so no
// learner can make, reset or read accounts. sandbox/engine/account_ops.py says what each does.
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SandboxError } from '../errors.ts';
import type { Identity } from '../types.ts';
import type { Identities } from './state.ts';
import { layout } from './layout.ts';
import { readSecret } from './secret.ts';
import { readRun } from './state.ts';
import { shardTarget } from './shards.ts';

/** What an account still holds: service → region → kind → ids (empty: nothing at all). */
export interface AccountInventory {
  accountId: string;
  holds: Record<string, Record<string, Record<string, string[]>>>;
}

function engineCall<T>(home: string, method: string, path: string, ok: number): Promise<T> {
  const l = layout(home);
  const engine = readRun(l).engine;
  const secret = readSecret(l);
  if (!engine || !secret) {
    return Promise.reject(
      new SandboxError('sandbox_down', 'The sandbox is not running.', 'Start it first.'),
    );
  }
  // Several engines (--engines): the one holding the account, or the next for a new one.
  const shard = shardTarget(home, /^\/_labrunner\/accounts\/(\d{12})\//.exec(path)?.[1]);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: shard?.port ?? engine.port,
        method,
        path: path + (shard?.query ?? ''),
        headers: { 'x-labrunner-secret': secret, 'content-length': '0' },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          if (res.statusCode !== ok) {
            reject(
              new SandboxError(
                'account_op_failed',
                `The sandbox engine refused ${method} ${path.replace(/^\/_labrunner/, '')} (HTTP ${res.statusCode}).`,
                'See the engine log (lab sandbox status names it).',
              ),
            );
            return;
          }
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as T);
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const at = (accountId: string, op: string) => {
  if (!/^\d{12}$/.test(accountId)) throw new Error(`not an account id: ${accountId}`);
  return `/_labrunner/accounts/${accountId}/${op}`;
};

/** Make a fresh account (admin + runner identities with keys). The secrets are the caller's to hand on once. */
export function createAccount(home: string): Promise<Identities> {
  return engineCall(home, 'POST', '/_labrunner/accounts', 201);
}

/** New keys for an account's admin and runner (re-made after a wipe); older keys stop working. */
export function issueKeys(home: string, accountId: string): Promise<Identities> {
  return engineCall(home, 'POST', at(accountId, 'keys'), 200);
}

/** A key the class server reads the account with (hidden, like the runner); drop it after. */
export function verifierKey(home: string, accountId: string): Promise<Identity | undefined> {
  return engineCall<Identity>(home, 'POST', at(accountId, 'verifier'), 200).catch((e) => {
    if ((e as SandboxError).message?.includes('HTTP 404')) return undefined;
    throw e;
  });
}

export async function dropVerifier(home: string, accountId: string): Promise<void> {
  await engineCall(home, 'DELETE', at(accountId, 'verifier'), 200).catch(() => undefined);
}

/**
 * Remove everything in the account, its identities and keys included; the services changed.
 * `defer`: many accounts in a row — the snapshots are written by the next call without it.
 */
export async function wipeAccount(
  home: string,
  accountId: string,
  defer = false,
): Promise<string[]> {
  const path = at(accountId, 'wipe') + (defer ? '?defer=1' : '');
  return (await engineCall<{ wiped: string[] }>(home, 'POST', path, 200)).wiped;
}

/**
 * Wipe many accounts (the end of a class): each engine writes its snapshots once, after the
 * last of its accounts, instead of once per account (100 accounts: 10.8 s → 0.3 s).
 */
export async function wipeAccounts(home: string, accountIds: string[]): Promise<void> {
  const byEngine = new Map<number | undefined, string[]>();
  for (const id of accountIds) {
    const port = shardTarget(home, id)?.port;
    byEngine.set(port, [...(byEngine.get(port) ?? []), id]);
  }
  for (const ids of byEngine.values()) {
    for (const [i, id] of ids.entries()) await wipeAccount(home, id, i < ids.length - 1);
  }
}

export function accountInventory(home: string, accountId: string): Promise<AccountInventory> {
  return engineCall(home, 'GET', at(accountId, 'inventory'), 200);
}

/** One call in an account's event history, as the instructor's activity view shows it. */
export interface AccountEvent {
  time: string;
  service: string;
  call: string;
  region: string;
  /** Who signed it: the user's name, or the role session's ARN. */
  by: string;
  /** `ok`, or the error code AWS answered. */
  result: string;
  message?: string;
}

/**
 * An account's event history, newest first (at most `limit`): the gateway's activity log
 * (<sandbox>/gateway/activity.jsonl, every region, what LookupEvents serves). Read from the
 * file, which the gateway writes within 10 ms of each call, so no key is needed to read it.
 */
export function accountActivity(home: string, accountId: string, limit = 200): AccountEvent[] {
  const file = join(layout(home).gatewayState, 'activity.jsonl');
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const out: AccountEvent[] = [];
  const lines = text.split('\n');
  for (let i = lines.length - 1; i >= 0 && out.length < limit; i--) {
    if (!lines[i]) continue;
    let r: ActivityLine;
    try {
      r = JSON.parse(lines[i]) as ActivityLine;
    } catch {
      continue; // a torn last line
    }
    if (r.accountId !== accountId) continue;
    out.push({
      time: r.eventTime,
      service: r.service,
      call: r.eventName,
      region: r.region,
      by: r.principal?.userName ?? r.principal?.arn ?? '(anonymous)',
      result: r.errorCode ?? 'ok',
      ...(r.errorMessage ? { message: r.errorMessage } : {}),
    });
  }
  return out;
}

interface ActivityLine {
  eventTime: string;
  service: string;
  eventName: string;
  region: string;
  accountId: string;
  principal?: { userName: string | null; arn: string };
  errorCode?: string;
  errorMessage?: string;
}
