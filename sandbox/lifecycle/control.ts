// The public lifecycle: ensure, stop, status, reset, read. Start/stop/reset take the start lock.
import { existsSync, rmSync } from 'node:fs';
import type { EnsureOptions, ProcessStatus, SandboxInfo, SandboxStatus } from '../types.ts';
import { ensureUnlocked, prepareDirs } from './ensure.ts';
import { stopShards } from './shards.ts';
import { layout } from './layout.ts';
import { readRemote, remoteInfo } from './remote.ts';
import { SandboxError } from '../errors.ts';
import { withLock } from './lock.ts';
import { stop } from './processes.ts';
import { runningProcesses } from './orphans.ts';
import { engineHealth, gatewayAnswers } from './probe.ts';
import { clearRun, readIdentities, readPorts, readRun } from './state.ts';
import { clearSecret } from './secret.ts';

/** Start the sandbox if needed (idempotent) and return how to reach it. */
export function ensureSandbox(opts: EnsureOptions): Promise<SandboxInfo> {
  const l = layout(opts.home);
  prepareDirs(l);
  const remote = readRemote(l); // a class hosts this home's account: nothing to start here
  if (remote) return Promise.resolve(remoteInfo(l, opts.home, remote));
  return withLock(l.lockFile, () => ensureUnlocked(opts));
}

/**
 * Stop both processes (gateway first, so no request reaches a stopping engine). State stays on
 * disk. Processes are found through run.json, or by their command line when the state folder
 * was deleted while they ran (see orphans.ts).
 */
export async function stopSandbox(opts: {
  home: string;
}): Promise<{ stopped: string[]; orphaned?: boolean }> {
  const l = layout(opts.home);
  const stopAll = async () => {
    const p = runningProcesses(l, readRun(l));
    const stopped: string[] = [];
    if (p.gateway) {
      await stop(p.gateway.pid);
      stopped.push('gateway');
    }
    // SIGTERM lets the engine write its last snapshot; every acknowledged write is already on disk.
    if (p.engine) {
      await stop(p.engine.pid, 10_000);
      stopped.push('engine');
    }
    stopped.push(...(await stopShards(opts.home))); // a class's extra engines (--engines)
    clearRun(l);
    clearSecret(l);
    return { stopped, ...(p.orphaned && stopped.length ? { orphaned: true } : {}) };
  };
  // No folder, no lock file to take: the processes may still run (the folder was deleted).
  if (!existsSync(l.dir)) return stopAll();
  return withLock(l.lockFile, stopAll);
}

export async function sandboxStatus(opts: { home: string }): Promise<SandboxStatus> {
  const l = layout(opts.home);
  const run = readRun(l);
  const ports = readPorts(l);
  const ids = readIdentities(l);
  const p = runningProcesses(l, run);
  const health = p.engine?.port ? await engineHealth(p.engine.port) : undefined;
  const gwHost = p.gateway?.host ?? '127.0.0.1';
  const gatewayOk = !!p.gateway?.port && (await gatewayAnswers(gwHost, p.gateway.port));
  const host = p.gateway?.host ?? run.gateway?.host ?? ports.host;
  const port = p.gateway?.port ?? run.gateway?.port ?? ports.gatewayPort;
  const stateLost =
    p.orphaned || (p.engine && !ids)
      ? `The sandbox's state folder ${l.dir} was deleted or replaced while the sandbox ran.`
      : health?.stateLost;
  return {
    home: opts.home,
    dir: l.dir,
    running: !!health?.ok && gatewayOk && !stateLost,
    initialised: !!ids,
    endpoint: host && port ? `http://${host}:${port}` : undefined,
    accountId: health?.accountId ?? ids?.accountId,
    ...(stateLost ? { stateLost } : {}),
    engine: {
      pid: p.engine?.pid,
      port: p.engine?.port ?? run.engine?.port ?? ports.enginePort,
      alive: !!p.engine,
      healthy: !!health?.ok,
    },
    gateway: {
      pid: p.gateway?.pid,
      port,
      alive: !!p.gateway,
      healthy: gatewayOk,
    },
    logs: { engine: l.engineLog, gateway: l.gatewayLog },
  };
}

/**
 * Wipe the account (every user, key, resource and the activity log) and start afresh with new
 * identities. Ports and the learner's other CLI profiles go too: their keys no longer exist.
 */
export async function resetSandbox(opts: EnsureOptions): Promise<SandboxInfo> {
  const l = layout(opts.home);
  if (readRemote(l)) {
    // Wiping here would lose the hosted account's keys and start a local sandbox instead.
    throw new SandboxError(
      'sandbox_hosted',
      "This lab home's sandbox account is hosted by your class; resetting it is not built yet.",
      'Ask your instructor.',
    );
  }
  await stopSandbox(opts);
  return withLock(l.lockFile, async () => {
    for (const p of [l.engineState, l.gatewayState, l.awsDir])
      rmSync(p, { recursive: true, force: true });
    return ensureUnlocked(opts);
  });
}
