// ensureSandbox: start whatever part of the sandbox is not running, keep what is, and return
// how to reach it. Idempotent; recovers a dead engine or gateway with its state intact.
import { existsSync, mkdirSync, chmodSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { LabError } from '../../runner/errors.ts';
import type { Env } from '../../runner/paths.ts';
import type { SandboxInfo } from '../index.ts';
import { writeAwsWrapper, writeCliFiles } from './cli-files.ts';
import { layout, type Layout } from './layout.ts';
import { findMotoPython } from './moto.ts';
import { freePort, portIsFree } from './ports.ts';
import { isOurs, launch, stop } from './processes.ts';
import { engineHealthy, gatewayAnswers } from './probe.ts';
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
export const REGION = 'us-east-1';
const EXIT_PORT_BUSY = 3; // engine.py / gateway exit status when they cannot bind

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ENGINE_SCRIPT = fileURLToPath(new URL('../engine/engine.py', import.meta.url));
const GATEWAY_MAIN = fileURLToPath(new URL('../gateway/main.ts', import.meta.url));

export interface EnsureOptions {
  home: string;
  /** The gateway's port (default: the one used last, else $LAB_SANDBOX_PORT, else 4566). */
  port?: number;
  host?: string;
  /** Called with a short line whenever something slow starts ("Starting the engine…"). */
  onProgress?: (message: string) => void;
  /** Environment for finding python and for the children (default process.env). */
  env?: Env;
}

export function gatewayScript(): string {
  if (!existsSync(GATEWAY_MAIN)) {
    throw new LabError(
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
    throw new LabError(
      'bad_port',
      `Invalid sandbox port: ${String(opts.port ?? env.LAB_SANDBOX_PORT)}.`,
      'Use a port number between 1 and 65535, e.g. --port 4567.',
    );
  }
  return port;
}

export function portBusyError(host: string, port: number): LabError {
  return new LabError(
    'port_busy',
    `Port ${port} on ${host} is already in use by another program, so the sandbox gateway cannot listen there.`,
    `Stop that program, or choose another port: lab sandbox start --port ${port === 4566 ? 4567 : port + 1}` +
      ` (or set LAB_SANDBOX_PORT).`,
  );
}

/** Start what is missing (both processes on first use) and return the sandbox's coordinates. */
export async function ensureUnlocked(opts: EnsureOptions): Promise<SandboxInfo> {
  const env = opts.env ?? process.env;
  const say = opts.onProgress ?? (() => {});
  const l = layout(opts.home);
  prepareDirs(l);
  const ports = readPorts(l);
  const run: RunFile = readRun(l);
  const host = opts.host ?? env.LAB_SANDBOX_HOST ?? ports.host ?? DEFAULT_HOST;
  const gatewayPort = choosePort(opts, env, ports.gatewayPort);

  // The gateway is checked first: a busy public port should fail before we start anything.
  let gateway = run.gateway;
  const gatewayAlive = !!gateway && isOurs(gateway.pid, l.gatewayState);
  const gatewayMoves = !!gateway && (gateway.port !== gatewayPort || gateway.host !== host);
  if ((!gatewayAlive || gatewayMoves) && !(await portIsFree(host, gatewayPort))) {
    throw portBusyError(host, gatewayPort);
  }

  let engine: ProcessRecord | undefined = run.engine;
  if (!(engine && isOurs(engine.pid, l.engineState) && (await engineHealthy(engine.port)))) {
    if (engine && isOurs(engine.pid, l.engineState)) await stop(engine.pid); // alive but not answering
    engine = await startEngine(l, env, ports.enginePort, say);
  }
  writePorts(l, { enginePort: engine.port, gatewayPort, host });
  writeRun(l, { ...run, engine, startedAt: run.startedAt ?? new Date().toISOString() });

  const gatewayOk =
    gateway &&
    gatewayAlive &&
    !gatewayMoves &&
    gateway.enginePort === engine.port &&
    (await gatewayAnswers(host, gateway.port));
  if (!gatewayOk) {
    if (gateway && gatewayAlive) await stop(gateway.pid);
    gateway = await startGateway(l, env, host, gatewayPort, engine.port, say);
  }
  writeRun(l, { engine, gateway: gateway!, startedAt: run.startedAt ?? new Date().toISOString() });

  const ids = readIdentities(l);
  if (!ids) {
    throw new LabError(
      'sandbox_broken',
      `The sandbox engine started but wrote no identities (${l.identities}).`,
      `See ${l.engineLog}; \`lab sandbox reset\` starts afresh.`,
    );
  }
  return finish(l, opts.home, ids, `http://${host}:${gateway!.port}`);
}

/** Write the isolated CLI files and the aws wrapper, and build the SandboxInfo. */
export function finish(l: Layout, home: string, ids: Identities, endpoint: string): SandboxInfo {
  writeCliFiles(l, ids.learner, REGION);
  writeAwsWrapper(l);
  return {
    home,
    endpoint,
    region: REGION,
    accountId: ids.accountId,
    learner: ids.learner,
    runner: ids.runner,
    configFile: l.configFile,
    credentialsFile: l.credentialsFile,
  };
}

async function startEngine(
  l: Layout,
  env: Env,
  savedPort: number | undefined,
  say: (m: string) => void,
): Promise<ProcessRecord> {
  const python = findMotoPython(env);
  say('Starting the sandbox engine (moto)…');
  // The private port is kept across restarts; only if someone else took it do we move.
  let port = savedPort && (await portIsFree('127.0.0.1', savedPort)) ? savedPort : await freePort();
  for (let attempt = 0; ; attempt++) {
    try {
      const started = await launch({
        name: 'engine',
        command: python,
        args: [
          ENGINE_SCRIPT,
          '--host',
          '127.0.0.1',
          '--port',
          String(port),
          '--state-dir',
          l.engineState,
        ],
        env: { ...(env as NodeJS.ProcessEnv), PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1' },
        cwd: ROOT,
        logFile: l.engineLog,
      });
      return { pid: started.pid, port, host: '127.0.0.1' };
    } catch (e) {
      // Lost a race for the port between our check and its bind: take another one.
      if ((e as { exitStatus?: number }).exitStatus === EXIT_PORT_BUSY && attempt < 3) {
        port = await freePort();
        continue;
      }
      throw e;
    }
  }
}

async function startGateway(
  l: Layout,
  env: Env,
  host: string,
  port: number,
  enginePort: number,
  say: (m: string) => void,
): Promise<ProcessRecord & { enginePort: number }> {
  say(`Starting the sandbox gateway on ${host}:${port}…`);
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
      ],
      env: env as NodeJS.ProcessEnv,
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
