// ensureSandbox: start whatever part of the sandbox is not running, keep what is, and return
// how to reach it. Idempotent; recovers a dead engine or gateway with its state intact.
import { existsSync, mkdirSync, chmodSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SandboxError } from '../errors.ts';
import type { Env } from '../paths.ts';
import type { EnsureOptions, SandboxInfo } from '../types.ts';
import { writeAwsWrapper, writeCliFiles } from './cli-files.ts';
import { REGION, toInfo } from './read.ts';
import { layout, type Layout } from './layout.ts';
import { findMotoPython } from './moto.ts';
import { botocoreDataDir } from './botocore.ts';
import { freePort, portIsFree } from './ports.ts';
import { isOurs, launch, sleep, stop } from './processes.ts';
import { launchEngine, ROOT } from './engine-process.ts';
import { engineHealthy, gatewayAnswers } from './probe.ts';
import { newSecret, readSecret } from './secret.ts';
import { runningProcesses } from './orphans.ts';
import {
  readIdentities,
  readPorts,
  readRun,
  writePorts,
  writeRun,
  type Identities,
  type ProcessRecord,
  type RunFile,
} from './state.ts';

export const DEFAULT_PORT = 4566;
export const DEFAULT_HOST = '127.0.0.1';
const GATEWAY_MAIN = fileURLToPath(new URL('../gateway/main.ts', import.meta.url));

export function gatewayScript(): string {
  if (!existsSync(GATEWAY_MAIN)) {
    throw new SandboxError(
      'sandbox_broken',
      `The sandbox gateway is missing (${GATEWAY_MAIN}).`,
      'Reinstall labrunner.',
    );
  }
  return GATEWAY_MAIN;
}

/** Lay out the sandbox directory with private permissions. */
export function prepareDirs(l: Layout): void {
  for (const d of [l.dir, l.engineState, l.gatewayState, `${l.dir}/logs`]) {
    mkdirSync(d, { recursive: true, mode: 0o700 });
    chmodSync(d, 0o700);
  }
}

function choosePort(opts: EnsureOptions, env: Env, saved?: number): number {
  const fromEnv = env.LAB_SANDBOX_PORT ? Number(env.LAB_SANDBOX_PORT) : undefined;
  const port = opts.port ?? fromEnv ?? saved ?? DEFAULT_PORT;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new SandboxError(
      'bad_port',
      `Invalid sandbox port: ${String(opts.port ?? env.LAB_SANDBOX_PORT)}.`,
      'Use a port number between 1 and 65535, e.g. --port 4567.',
    );
  }
  return port;
}

export function portBusyError(host: string, port: number): SandboxError {
  return new SandboxError(
    'port_busy',
    `Port ${port} on ${host} is already in use by another program, so the sandbox gateway cannot listen there.`,
    `Stop that program, or choose another port: lab sandbox start --port ${port === 4566 ? 4567 : port + 1}` +
      ` (or set LAB_SANDBOX_PORT).`,
  );
}

/**
 * Is the port free? If our own gateway held it a moment ago (it just crashed or was killed,
 * and may still be tearing down), give it a second rather than blame "another program".
 */
async function portFreesUp(host: string, port: number, recent: boolean): Promise<boolean> {
  for (let i = 0; ; i++) {
    if (await portIsFree(host, port)) return true;
    if (!recent || i >= 20) return false;
    await sleep(50);
  }
}

/** Start what is missing (both processes on first use) and return the sandbox's coordinates. */
export async function ensureUnlocked(opts: EnsureOptions): Promise<SandboxInfo> {
  const env = opts.env ?? process.env;
  const say = opts.onProgress ?? (() => {});
  const l = layout(opts.home);
  prepareDirs(l);
  const ports = readPorts(l);
  const run: RunFile = readRun(l);
  // Processes that run.json does not know: their state folder was deleted or replaced while
  // they ran, so nothing they hold can be saved any more. Stop them and start afresh.
  const found = runningProcesses(l, run);
  if (found.orphaned) {
    say("The sandbox's state folder was deleted while it ran: stopping its old processes…");
    for (const p of [found.gateway, found.engine]) {
      if (p && p.pid !== run.gateway?.pid && p.pid !== run.engine?.pid) await stop(p.pid);
    }
  }
  const host = opts.host ?? env.LAB_SANDBOX_HOST ?? ports.host ?? DEFAULT_HOST;
  const gatewayPort = choosePort(opts, env, ports.gatewayPort);

  // The gateway is checked first: a busy public port should fail before we start anything.
  let gateway = run.gateway;
  const gatewayAlive = !!gateway && isOurs(gateway.pid, l.gatewayState);
  const gatewayMoves = !!gateway && (gateway.port !== gatewayPort || gateway.host !== host);
  if (
    (!gatewayAlive || gatewayMoves) &&
    !(await portFreesUp(host, gatewayPort, ports.gatewayPort === gatewayPort))
  ) {
    throw portBusyError(host, gatewayPort);
  }

  const startedAt = run.startedAt ?? new Date().toISOString();
  let engine: ProcessRecord | undefined = run.engine;
  const engineAlive = !!engine && isOurs(engine.pid, l.engineState);
  // Both running processes hold the secret on disk; if it is gone, both start afresh.
  const kept = readSecret(l);
  const engineOk = !!kept && engineAlive && (await engineHealthy(engine!.port));
  if (engineAlive && !engineOk) await stop(engine!.pid); // alive but not answering
  const python = engineOk ? undefined : findMotoPython(env, l.motoPythonFile); // fail before starting anything
  if (!engineOk) checkIdentitiesFile(l); // a damaged file: say so, not a Python traceback
  // The private port is kept across restarts, so the gateway keeps pointing at it; only if
  // someone else took it do we move (and then restart the gateway too).
  const enginePort = engineOk
    ? engine!.port
    : ports.enginePort && (await portIsFree('127.0.0.1', ports.enginePort))
      ? ports.enginePort
      : await freePort();

  const gatewayOk =
    !!kept &&
    gatewayAlive &&
    !gatewayMoves &&
    gateway!.enginePort === enginePort &&
    (await gatewayAnswers(host, gateway!.port));
  if (gatewayAlive && !gatewayOk) await stop(gateway!.pid);
  const secret = kept ?? newSecret(l);

  // Both start at once: the gateway does not need the engine to listen (it answers 503 until
  // then), and moto's imports are the slow part of a cold start.
  const [e, g] = await Promise.allSettled([
    engineOk ? Promise.resolve(engine!) : startEngine(l, env, python!, enginePort, secret, say),
    gatewayOk
      ? Promise.resolve(gateway!)
      : startGateway(l, env, host, gatewayPort, enginePort, secret, say),
  ]);
  if (e.status === 'rejected' || g.status === 'rejected') {
    // Leave nothing half-started behind: what did start is stopped again.
    if (!engineOk && e.status === 'fulfilled') await stop(e.value.pid);
    if (!gatewayOk && g.status === 'fulfilled') await stop(g.value.pid);
    throw e.status === 'rejected' ? e.reason : (g as PromiseRejectedResult).reason;
  }
  engine = e.value;
  gateway = g.value;
  if (gateway.enginePort !== engine.port) {
    // The engine lost its port in a race and moved: point a new gateway at it.
    await stop(gateway.pid);
    gateway = await startGateway(l, env, host, gatewayPort, engine.port, secret, say);
  }
  writePorts(l, { enginePort: engine.port, gatewayPort, host });
  writeRun(l, { engine, gateway, startedAt });

  const ids = readIdentities(l);
  if (!ids) {
    throw new SandboxError(
      'sandbox_broken',
      `The sandbox engine started but wrote no identities (${l.identities}).`,
      `See ${l.engineLog}; \`lab sandbox reset\` starts afresh.`,
    );
  }
  return finish(l, opts.home, ids, `http://${host}:${gateway.port}`);
}

/** Write the isolated CLI files and the aws wrapper, and build the SandboxInfo. */
export function finish(l: Layout, home: string, ids: Identities, endpoint: string): SandboxInfo {
  writeCliFiles(l, ids.learner, REGION);
  writeAwsWrapper(l);
  return toInfo(l, home, ids, endpoint);
}

async function startEngine(
  l: Layout,
  env: Env,
  python: string,
  initialPort: number,
  secret: string,
  say: (m: string) => void,
): Promise<ProcessRecord> {
  say('Starting the sandbox engine (moto)…');
  const { pid, port } = await launchEngine({
    name: 'engine',
    python,
    port: initialPort,
    stateDir: l.engineState,
    env,
    secret,
    logFile: l.engineLog,
  });
  return { pid, port, host: '127.0.0.1' };
}

async function startGateway(
  l: Layout,
  env: Env,
  host: string,
  port: number,
  enginePort: number,
  secret: string,
  say: (m: string) => void,
): Promise<ProcessRecord & { enginePort: number }> {
  say(`Starting the sandbox gateway on ${host}:${port}…`);
  // The service models come from the Python that runs moto (sandbox/lifecycle/botocore.ts).
  const models = botocoreDataDir(findMotoPython(env, l.motoPythonFile), env);
  try {
    const started = await launch({
      name: 'gateway',
      command: process.execPath,
      args: [
        gatewayScript(),
        '--host',
        host,
        '--port',
        String(port),
        '--engine',
        `http://127.0.0.1:${enginePort}`,
        '--state-dir',
        l.gatewayState,
        '--models',
        models,
      ],
      env: { ...(env as NodeJS.ProcessEnv), LAB_ENGINE_SECRET: secret },
      cwd: ROOT,
      logFile: l.gatewayLog,
    });
    return { pid: started.pid, port, host, enginePort };
  } catch (e) {
    if (
      (e as { exitStatus?: number }).exitStatus !== undefined &&
      !(await portIsFree(host, port))
    ) {
      throw portBusyError(host, port);
    }
    throw e;
  }
}

/** identities.json exists but is not what the engine wrote (edited, truncated, a disk problem). */
function checkIdentitiesFile(l: Layout): void {
  if (!existsSync(l.identities) || readIdentities(l)) return;
  throw new SandboxError(
    'sandbox_state_corrupt',
    `The sandbox's identities file ${l.identities} is damaged (not the account and keys the sandbox wrote).`,
    'Restore it from a backup, or start the sandbox afresh with `lab sandbox reset --yes` (new keys; the users, keys and activity in the sandbox are lost).',
  );
}
