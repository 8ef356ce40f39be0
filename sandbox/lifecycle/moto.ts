// Find a Python that can run moto's server. Order: $LAB_MOTO_PYTHON; the one that ran it last
// time in this lab home (remembered by absolute path: a learner's PATH changes — `PATH=/usr/bin:
// $PATH` to reach another `aws`, `pyenv shell system` — and the python3 it finds then may have
// no moto); the interpreter of a `moto_server` on PATH (pipx and venv installs put moto in a
// Python of its own); `python3`.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, readSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { SandboxError } from '../errors.ts';
import type { Env } from '../paths.ts';
import { cachedProbe, probeKey, rememberProbe } from './python-cache.ts';

export const INSTALL_MOTO = "python3 -m pip install 'moto[server]'";

const cache = new Map<string, string>();

/**
 * The python executable to run sandbox/engine/engine.py with (an absolute path, pyenv shims
 * resolved); throws a SandboxError saying how to install moto. `memory`: the file that remembers
 * the last one found (layout's motoPythonFile); it is tried first and updated.
 */
export function findMotoPython(env: Env = process.env, memory?: string): string {
  const override = env.LAB_MOTO_PYTHON;
  const remembered = override || !memory ? undefined : readRemembered(memory);
  const key = `${override ?? ''}\0${remembered ?? ''}\0${env.PATH ?? ''}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const candidates = override ? [override] : [remembered, motoServerPython(env), 'python3'];
  for (const candidate of candidates) {
    const exe = candidate ? runsMoto(candidate, env) : undefined;
    if (!exe) continue;
    if (memory && !override && exe !== remembered) remember(memory, exe);
    cache.set(key, exe);
    return exe;
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

/** The interpreter's own absolute path when `python` can run moto's server; else undefined. */
function runsMoto(python: string, env: Env): string | undefined {
  const key = probeKey('moto', python, env);
  const hit = cachedProbe(key, env);
  if (hit) return hit;
  // The engine also needs werkzeug (moto[server] brings flask and werkzeug). sys.executable
  // names the real interpreter behind a pyenv shim or a bare `python3`; the module files let
  // python-cache.ts notice an uninstall or an upgrade.
  const probe = spawnSync(
    python,
    [
      '-c',
      'import sys, moto, moto.server, werkzeug; print(sys.executable); ' +
        'print(moto.__file__); print(moto.server.__file__); print(werkzeug.__file__)',
    ],
    {
      env: env as NodeJS.ProcessEnv,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 30_000,
    },
  );
  if (probe.error || probe.status !== 0) return undefined;
  const [first, ...files] = probe.stdout.trim().split('\n');
  const exe = first.startsWith('/') ? first : python;
  rememberProbe(
    key,
    exe,
    files.filter((f) => f.startsWith('/')),
    env,
  );
  return exe;
}

function readRemembered(file: string): string | undefined {
  try {
    const exe = readFileSync(file, 'utf8').trim();
    return exe.startsWith('/') && existsSync(exe) ? exe : undefined;
  } catch {
    return undefined;
  }
}

function remember(file: string, exe: string): void {
  try {
    writeFileSync(file, `${exe}\n`, { mode: 0o600 });
  } catch {
    // Only a shortcut for the next start: a read-only home still starts.
  }
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
