// The warm AWS CLI (server.py says what and why): for a real CLI script, a folder holding
// `client/python3` (client.py with the script's interpreter in its shebang) and `aws` (a script
// run by that `python3`, which runs the real script). Put the folder first on PATH and `aws` is the
// real CLI, run in a process forked from a server that has imported awscli already.
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CLIENT = fileURLToPath(new URL('./client.py', import.meta.url));
const SERVER = fileURLToPath(new URL('./server.py', import.meta.url));

/** The interpreter a script's shebang names (`#!/usr/bin/python3` → /usr/bin/python3). */
export function shebangInterpreter(script: string): string {
  const first = readFileSync(script, 'utf8').split('\n', 1)[0];
  const m = /^#!\s*(\S+)\s*$/.exec(first);
  if (!m) throw new Error(`${script}: not a script with a plain interpreter line (${first})`);
  return m[1];
}

/**
 * Make `<dir>/python3` and `<dir>/aws` for the real CLI script `real`; returns `dir`.
 * The folder is 0700: its sockets run commands as us.
 */
export function installWarmCli(dir: string, real: string): string {
  const interp = shebangInterpreter(real);
  // The client (and its sockets) one level down: a `python3` on PATH would stand in for the
  // real one in everything else the tests run.
  const client = join(dir, 'client');
  mkdirSync(client, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  chmodSync(client, 0o700);
  const header =
    `#!${interp} -SE\n` +
    `REAL = ${JSON.stringify(interp)}\nSERVER = ${JSON.stringify(SERVER)}\nDIR = ${JSON.stringify(client)}\n`;
  writeFileSync(join(client, 'python3'), header + readFileSync(CLIENT, 'utf8'), { mode: 0o700 });
  writeFileSync(
    join(dir, 'aws'),
    `#!${join(client, 'python3')}\nimport runpy\nrunpy.run_path(${JSON.stringify(real)}, run_name="__main__")\n`,
    { mode: 0o700 },
  );
  return dir;
}

/** Set by test/global-setup.ts: the warm v1 (pyenv) and v2 (Debian's /usr/bin/aws) folders. */
export const WARM_V1_VAR = 'LABRUNNER_WARM_AWS_V1';
export const WARM_V2_VAR = 'LABRUNNER_WARM_AWS_V2';

/** Debian's CLI v2.9 for tests: the warm `aws` when the suite made one, else /usr/bin/aws. */
export function debianCli(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env[WARM_V2_VAR];
  return dir ? join(dir, 'aws') : '/usr/bin/aws';
}

/**
 * `env` without the warm folders on PATH: a pseudo-terminal journey runs what a learner runs
 * (the TTY would make the client run cold anyway, but `aws` found on PATH must be the real
 * one: pyenv's `system` version, `lab shell`'s banner, `type -p aws` name it).
 */
export function withoutWarmCli(env: Record<string, string>): Record<string, string> {
  const warm = new Set([process.env[WARM_V1_VAR], process.env[WARM_V2_VAR]].filter(Boolean));
  if (!env.PATH || warm.size === 0) return env;
  return {
    ...env,
    PATH: env.PATH.split(':')
      .filter((d) => !warm.has(d))
      .join(':'),
  };
}
