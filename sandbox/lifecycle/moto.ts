// Find a Python that can run moto's server. Order: $LAB_MOTO_PYTHON; the interpreter of a
// `moto_server` on PATH (pipx and venv installs put moto in a Python of its own); `python3`.
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { SandboxError } from '../errors.ts';
import type { Env } from '../paths.ts';

export const INSTALL_MOTO = "python3 -m pip install 'moto[server]'";

const cache = new Map<string, string>();

/** The python executable to run sandbox/engine/engine.py with; throws a SandboxError saying how to install moto. */
export function findMotoPython(env: Env = process.env): string {
  const override = env.LAB_MOTO_PYTHON;
  const key = `${override ?? ''}\0${env.PATH ?? ''}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const candidates = override ? [override] : [motoServerPython(env), 'python3'];
  for (const candidate of candidates) {
    if (candidate && canRunMoto(candidate, env)) {
      cache.set(key, candidate);
      return candidate;
    }
  }
  throw new SandboxError(
    'moto_missing',
    override
      ? `The sandbox needs moto (the AWS engine), and ${override} (from LAB_MOTO_PYTHON) cannot import moto's server.`
      : "The sandbox needs moto (the AWS engine), and neither moto_server nor python3 on PATH can run moto's server.",
    `Install it with: ${INSTALL_MOTO}` +
      (override ? '' : '  (or set LAB_MOTO_PYTHON to a python that has it)'),
  );
}

function canRunMoto(python: string, env: Env): boolean {
  // The engine also needs werkzeug (moto[server] brings flask and werkzeug).
  const probe = spawnSync(python, ['-c', 'import moto.server, werkzeug'], {
    env: env as NodeJS.ProcessEnv,
    stdio: 'ignore',
    timeout: 30_000,
  });
  return !probe.error && probe.status === 0;
}

/** The python named in the `#!` line of `moto_server` on PATH, if it is a python. */
function motoServerPython(env: Env): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const line = firstLine(join(dir, 'moto_server'));
    if (line === undefined) continue;
    const m = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(line);
    if (!m) return undefined;
    // `#!/usr/bin/env python3` names it through env; a shell shebang (pyenv shim) names none.
    const exe = m[1].endsWith('/env') ? m[2] : m[1];
    return exe && /(^|\/)python[\d.]*$/.test(exe) ? exe : undefined;
  }
  return undefined;
}

function firstLine(path: string): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const buf = Buffer.alloc(256);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return buf.subarray(0, n).toString('utf8').split('\n')[0];
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
