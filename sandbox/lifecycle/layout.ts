// Where the sandbox keeps its files, in one place so every part agrees.
import { join } from 'node:path';
import { sandboxHome } from '../paths.ts';

export interface Layout {
  /** <home>/sandbox: 0700, everything below it. */
  dir: string;
  /** The engine's --state-dir: identities.json and moto snapshots (secrets, 0600). */
  engineState: string;
  /** The gateway's --state-dir: its activity log. */
  gatewayState: string;
  identities: string;
  /** Pids and ports of the running processes; removed by stop. */
  runFile: string;
  /** The engine's per-start secret (0600; see secret.ts). */
  secretFile: string;
  /** Ports chosen once and kept (the engine's private port, the gateway's public one). */
  portsFile: string;
  engineLog: string;
  gatewayLog: string;
  /** Serialises concurrent starts (two `lab` processes at once). */
  lockFile: string;
  awsDir: string;
  configFile: string;
  credentialsFile: string;
  /** Put first on PATH: holds the `aws` wrapper for CLIs that ignore AWS_ENDPOINT_URL. */
  binDir: string;
  /** The absolute path of the Python that last ran moto (moto.ts): found again whatever PATH says. */
  motoPythonFile: string;
}

export function layout(home: string): Layout {
  const dir = sandboxHome(home);
  const engineState = join(dir, 'engine');
  return {
    dir,
    engineState,
    gatewayState: join(dir, 'gateway'),
    identities: join(engineState, 'identities.json'),
    runFile: join(dir, 'run.json'),
    portsFile: join(dir, 'ports.json'),
    secretFile: join(dir, 'engine.secret'),
    engineLog: join(dir, 'logs', 'engine.log'),
    gatewayLog: join(dir, 'logs', 'gateway.log'),
    lockFile: join(dir, 'start.lock'),
    awsDir: join(dir, 'aws'),
    configFile: join(dir, 'aws', 'config'),
    credentialsFile: join(dir, 'aws', 'credentials'),
    binDir: join(dir, 'bin'),
    motoPythonFile: join(dir, 'moto-python'),
  };
}
