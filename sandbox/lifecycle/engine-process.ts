// Starting one engine process (moto behind engine.py): the sandbox's own engine and, in a
// hosted class with --engines N, each further engine. One place, so both get the same
// environment and the same answer to losing a race for the port.
import { fileURLToPath } from 'node:url';
import type { Env } from '../paths.ts';
import { freePort } from './ports.ts';
import { launch } from './processes.ts';

export const EXIT_PORT_BUSY = 3; // engine.py / gateway exit status when they cannot bind
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ENGINE_SCRIPT = fileURLToPath(new URL('../engine/engine.py', import.meta.url));

export interface EngineLaunch {
  name: string;
  python: string;
  port: number;
  stateDir: string;
  env: Env;
  secret: string;
  logFile: string;
}

/** Start an engine and wait for it to answer; a port taken meanwhile is traded for another. */
export async function launchEngine(o: EngineLaunch): Promise<{ pid: number; port: number }> {
  let port = o.port;
  for (let attempt = 0; ; attempt++) {
    try {
      const started = await launch({
        name: o.name,
        command: o.python,
        args: [
          ENGINE_SCRIPT,
          '--host',
          '127.0.0.1',
          '--port',
          String(port),
          '--state-dir',
          o.stateDir,
        ],
        env: {
          ...(o.env as NodeJS.ProcessEnv),
          PYTHONUNBUFFERED: '1',
          PYTHONDONTWRITEBYTECODE: '1',
          LAB_ENGINE_SECRET: o.secret,
        },
        cwd: ROOT,
        logFile: o.logFile,
      });
      return { pid: started.pid, port };
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
