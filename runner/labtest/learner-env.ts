// The environment of the learner's commands in `lab test` (solve.mjs, a mistake's act, a hint
// followed): the sandbox's, with LAB_HOME, as `lab shell` gives a learner.
import type { Env } from '../paths.ts';
import { sandboxProcessEnv, type SandboxInfo } from '../../sandbox/index.ts';

/**
 * zx runs each command with `bash -c`, its stdin a pipe from Node, which is a socket. bash started
 * on a socket with SHLVL unset or 0 takes itself for a remote shell and sources ~/.bashrc
 * (Debian's bash is built so). An rc that puts pyenv's shims, or any other `aws`, ahead on PATH
 * then runs instead of the sandbox's wrapper (Debian's v2.9 would ignore AWS_ENDPOINT_URL and call
 * real AWS), and pyenv's init adds ~0.2 s of CPU to every command. SHLVL ≥ 1 makes each one a
 * plain non-interactive shell, whatever started `lab test` (a `bash -c` that exec'd it sets 0).
 */
export function learnerEnv(info: SandboxInfo, env: Env, home: string): Record<string, string> {
  const out: Record<string, string> = { ...sandboxProcessEnv(info, env), LAB_HOME: home };
  if (!(Number(out.SHLVL) >= 1)) out.SHLVL = '1';
  return out;
}
