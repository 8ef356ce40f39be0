// A class sandbox over several engines (issue 21, `--engines N`): the sandbox's own engine is
// shard 0; shards 1…N-1 are more engine processes of the same lab home, each with its own state
// folder (<sandbox>/shards/<k>) and the same per-start secret. <gateway state>/shards.json lists
// every engine's URL in shard order: the running gateway reads it (gateway/shards.ts) and routes
// each request by its key's account, and the account operations below use it to reach the
// engine that holds an account. Without the file (one engine) nothing changes.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Env } from '../paths.ts';
import { layout, type Layout } from './layout.ts';
import { findMotoPython } from './moto.ts';
import { freePort } from './ports.ts';
import { engineHealthy } from './probe.ts';
import { isOurs, stop } from './processes.ts';
import { launchEngine } from './engine-process.ts';
import { readSecret } from './secret.ts';
import { readRun, writeJson } from './state.ts';
import { shardOf, SHARDS_FILE, type ShardsFile } from '../gateway/shards-file.ts';

interface ShardRecord {
  pid: number;
  port: number;
  /** Which per-start secret it was started with (a hash): another start means a restart. */
  secretId: string;
}

const file = (l: Layout) => join(l.gatewayState, SHARDS_FILE);
const runFile = (l: Layout) => join(l.dir, 'shards-run.json');
const stateDir = (l: Layout, k: number) => join(l.dir, 'shards', String(k));
const secretId = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 16);

function readShardRun(l: Layout): ShardRecord[] {
  try {
    return JSON.parse(readFileSync(runFile(l), 'utf8')) as ShardRecord[];
  } catch {
    return [];
  }
}

/** The engines' URLs in shard order, when this home's sandbox has more than one. */
export function readShards(home: string): ShardsFile | undefined {
  try {
    const f = JSON.parse(readFileSync(file(layout(home)), 'utf8')) as ShardsFile;
    return f.engines?.length > 1 ? f : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Make the running sandbox `n` engines (n ≥ 2), starting the missing ones; n ≤ 1 goes back to
 * one engine (the extra ones stop; their accounts stay on disk in their folders).
 */
export async function ensureShards(home: string, n: number, env: Env = process.env): Promise<void> {
  const l = layout(home);
  const secret = readSecret(l);
  const engine0 = readRun(l).engine;
  if (n <= 1 || !secret || !engine0) {
    await stopShards(home);
    return;
  }
  const old = readShardRun(l);
  const records: ShardRecord[] = [];
  for (let k = 1; k < n; k++) {
    const had = old[k - 1];
    const dir = stateDir(l, k);
    if (
      had &&
      had.secretId === secretId(secret) &&
      isOurs(had.pid, dir) &&
      (await engineHealthy(had.port))
    ) {
      records.push(had);
      continue;
    }
    if (had && isOurs(had.pid, dir)) await stop(had.pid, 10_000);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const started = await launchEngine({
      name: `engine ${k}`,
      python: findMotoPython(env, l.motoPythonFile),
      port: await freePort(),
      stateDir: dir,
      env,
      secret,
      logFile: join(l.dir, 'logs', `engine-${k}.log`),
    });
    records.push({ pid: started.pid, port: started.port, secretId: secretId(secret) });
  }
  for (const extra of old.slice(n - 1)) if (isOurs(extra.pid, l.dir)) await stop(extra.pid, 10_000);
  writeJson(runFile(l), records);
  const urls = [engine0.port, ...records.map((r) => r.port)].map((p) => `http://127.0.0.1:${p}`);
  writeJson(file(l), { engines: urls, next: readShards(home)?.next ?? 0 } satisfies ShardsFile);
}

/** Stop the extra engines (lab sandbox stop does, with the rest) and forget them. */
export async function stopShards(home: string): Promise<string[]> {
  const l = layout(home);
  const stopped: string[] = [];
  for (const [i, r] of readShardRun(l).entries()) {
    if (isOurs(r.pid, stateDir(l, i + 1))) {
      await stop(r.pid, 10_000);
      stopped.push(`engine ${i + 1}`);
    }
  }
  rmSync(runFile(l), { force: true });
  rmSync(file(l), { force: true });
  return stopped;
}

/**
 * The engine port an account operation goes to: the one holding `accountId`, or for a new
 * account the next engine in turn (with the shard to draw its id in). undefined: engine 0 alone.
 */
export function shardTarget(
  home: string,
  accountId?: string,
): { port: number; query: string } | undefined {
  const f = readShards(home);
  if (!f) return undefined;
  const n = f.engines.length;
  let k: number;
  if (accountId) k = shardOf(accountId, n);
  else {
    k = (f.next ?? 0) % n;
    writeJson(file(layout(home)), { ...f, next: k + 1 }); // round robin across joins
  }
  return {
    port: Number(new URL(f.engines[k]).port),
    query: accountId ? '' : `?shard=${k}&of=${n}`,
  };
}

export const shardsExist = (home: string) => existsSync(file(layout(home)));
