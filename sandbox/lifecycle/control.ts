// The public lifecycle: ensure, stop, status, reset, read. Start/stop/reset take the start lock.
import { existsSync, rmSync } from 'node:fs';
import type { EnsureOptions, ProcessStatus, SandboxInfo, SandboxStatus } from '../types.ts';
import { ensureUnlocked, prepareDirs } from './ensure.ts';
import { layout } from './layout.ts';
import { withLock } from './lock.ts';
import { isOurs, stop } from './processes.ts';
import { engineHealth, gatewayAnswers } from './probe.ts';
import { clearRun, readIdentities, readPorts, readRun } from './state.ts';
import { clearSecret } from './secret.ts';

/** Start the sandbox if needed (idempotent) and return how to reach it. */
export function ensureSandbox(opts: EnsureOptions): Promise<SandboxInfo> {
  const l = layout(opts.home);
  prepareDirs(l);
  return withLock(l.lockFile, () => ensureUnlocked(opts));
}

/** Stop both processes (gateway first, so no request reaches a stopping engine). State stays on disk. */
export async function stopSandbox(opts: { home: string }): Promise<{ stopped: string[] }> {
  const l = layout(opts.home);
  if (!existsSync(l.dir)) return { stopped: [] };
  return withLock(l.lockFile, async () => {
    const run = readRun(l);
    const stopped: string[] = [];
    if (run.gateway && isOurs(run.gateway.pid, l.gatewayState)) {
      await stop(run.gateway.pid);
      stopped.push('gateway');
    }
    // SIGTERM lets the engine write its last snapshot; every acknowledged write is already on disk.
    if (run.engine && isOurs(run.engine.pid, l.engineState)) {
      await stop(run.engine.pid, 10_000);
      stopped.push('engine');
    }
    clearRun(l);
    clearSecret(l);
    return { stopped };
  });
}

export async function sandboxStatus(opts: { home: string }): Promise<SandboxStatus> {
  const l = layout(opts.home);
  const run = readRun(l);
  const ports = readPorts(l);
  const ids = readIdentities(l);
  const engineAlive = !!run.engine && isOurs(run.engine.pid, l.engineState);
  const health = engineAlive ? await engineHealth(run.engine!.port) : undefined;
  const gatewayAlive = !!run.gateway && isOurs(run.gateway.pid, l.gatewayState);
  const gatewayOk = gatewayAlive && (await gatewayAnswers(run.gateway!.host, run.gateway!.port));
  const host = run.gateway?.host ?? ports.host;
  const port = run.gateway?.port ?? ports.gatewayPort;
  return {
    home: opts.home,
    dir: l.dir,
    running: !!health?.ok && gatewayOk,
    initialised: !!ids,
    endpoint: host && port ? `http://${host}:${port}` : undefined,
    accountId: health?.accountId ?? ids?.accountId,
    engine: {
      pid: engineAlive ? run.engine!.pid : undefined,
      port: run.engine?.port ?? ports.enginePort,
      alive: engineAlive,
      healthy: !!health?.ok,
    },
    gateway: {
      pid: gatewayAlive ? run.gateway!.pid : undefined,
      port,
      alive: gatewayAlive,
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
  await stopSandbox(opts);
  const l = layout(opts.home);
  return withLock(l.lockFile, async () => {
    for (const p of [l.engineState, l.gatewayState, l.awsDir])
      rmSync(p, { recursive: true, force: true });
    return ensureUnlocked(opts);
  });
}
