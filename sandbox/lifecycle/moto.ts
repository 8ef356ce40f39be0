// Find a Python that can run moto's server: LAB_MOTO_PYTHON, else python3 on PATH.
import { spawnSync } from 'node:child_process';
import { LabError } from '../../runner/errors.ts';
import type { Env } from '../../runner/paths.ts';

export const INSTALL_MOTO = "python3 -m pip install 'moto[server]'";

const cache = new Map<string, string>();

/** The python executable to run sandbox/engine/engine.py with; throws a LabError saying how to install moto. */
export function findMotoPython(env: Env = process.env): string {
  const override = env.LAB_MOTO_PYTHON;
  const candidate = override || 'python3';
  const key = `${candidate}\0${env.PATH ?? ''}`;
  const hit = cache.get(key);
  if (hit) return hit;
  // The engine also needs werkzeug (moto[server] brings flask/werkzeug).
  const probe = spawnSync(candidate, ['-c', 'import moto.server, werkzeug'], {
    env: env as NodeJS.ProcessEnv,
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (probe.error || probe.status !== 0) {
    const why = probe.error
      ? `${candidate} was not found`
      : `${candidate} cannot import moto's server`;
    throw new LabError(
      'moto_missing',
      `The sandbox needs moto (the AWS engine), and ${why}${override ? ' (from LAB_MOTO_PYTHON)' : ''}.`,
      `Install it with: ${INSTALL_MOTO}` +
        (override ? '' : '  (or set LAB_MOTO_PYTHON to a python that has it)'),
    );
  }
  cache.set(key, candidate);
  return candidate;
}
