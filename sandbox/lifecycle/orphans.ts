// Finding the sandbox's processes when run.json cannot say: the state folder was deleted (or
// replaced) while the sandbox ran. Each process carries its own state folder on its command
// line (`--state-dir <dir>`), so `ps` finds it by that marker on Linux and macOS alike, and a
// reused pid never matches. `lab sandbox status/stop/start` use this as a second source, so a
// deleted folder never leaves processes nobody can see or stop ("port in use").
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Layout } from './layout.ts';
import type { RunFile } from './state.ts';
import { isOurs } from './processes.ts';

const ENGINE_SCRIPT = fileURLToPath(new URL('../engine/engine.py', import.meta.url));
const GATEWAY_MAIN = fileURLToPath(new URL('../gateway/main.ts', import.meta.url));

export interface Found {
  pid: number;
  /** From the command line's `--port` (the engine's private port, the gateway's public one). */
  port?: number;
  host?: string;
}

/** Every process's pid and command line (never this process's). */
function processList(): { pid: number; args: string }[] {
  const ps = spawnSync('ps', ['-ax', '-o', 'pid=', '-o', 'args='], {
    encoding: 'utf8',
    timeout: 5_000,
  });
  if (ps.error || ps.status !== 0) return [];
  const out: { pid: number; args: string }[] = [];
  for (const line of ps.stdout.split('\n')) {
    const m = /^\s*(\d+)\s+(.*)$/.exec(line);
    if (m && Number(m[1]) !== process.pid) out.push({ pid: Number(m[1]), args: m[2] });
  }
  return out;
}

function byMarker(
  list: { pid: number; args: string }[],
  script: string,
  stateDir: string,
): Found | undefined {
  const marker = ` --state-dir ${stateDir}`;
  const hit = list.find(
    (p) => p.args.includes(script) && (p.args.endsWith(marker) || p.args.includes(`${marker} `)),
  );
  if (!hit) return undefined;
  const port = /\s--port\s+(\d+)/.exec(hit.args)?.[1];
  const host = /\s--host\s+(\S+)/.exec(hit.args)?.[1];
  return { pid: hit.pid, port: port ? Number(port) : undefined, host };
}

export interface Running {
  engine?: Found;
  gateway?: Found;
  /** Some process was found by its command line only: run.json is gone or names other pids. */
  orphaned: boolean;
}

/** The sandbox's live processes: from run.json, else by their command-line marker. */
export function runningProcesses(l: Layout, run: RunFile): Running {
  let engine: Found | undefined =
    run.engine && isOurs(run.engine.pid, l.engineState) ? run.engine : undefined;
  let gateway: Found | undefined =
    run.gateway && isOurs(run.gateway.pid, l.gatewayState) ? run.gateway : undefined;
  if (engine && gateway) return { engine, gateway, orphaned: false };
  const list = processList();
  let orphaned = false;
  if (!engine && (engine = byMarker(list, ENGINE_SCRIPT, l.engineState))) orphaned = true;
  if (!gateway && (gateway = byMarker(list, GATEWAY_MAIN, l.gatewayState))) orphaned = true;
  return { engine, gateway, orphaned };
}
