// Run the real `lab` CLI and the real `aws` CLI as child processes (async: never block the worker).
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { scaled } from '../helpers/timeouts.ts';
import { WARM_V2_VAR } from '../helpers/warm-cli/install.ts';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const LAB = fileURLToPath(new URL('../../bin/lab.mjs', import.meta.url));

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export function run(
  command: string,
  args: string[],
  env: Record<string, string | undefined>,
  input?: string,
): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(
      command,
      args,
      { env: env as NodeJS.ProcessEnv, cwd: ROOT, timeout: scaled(60_000), maxBuffer: 16 << 20 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
    if (input !== undefined) child.stdin!.end(input);
  });
}

/** `lab …` with the given environment (set LAB_HOME in it). */
export function lab(args: string[], env: Record<string, string | undefined>, input?: string) {
  return run(process.execPath, [LAB, ...args], { NO_COLOR: '1', ...env }, input);
}

/** A copy of this process's environment without AWS_* (a learner's shell may have any). */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    // LAB_ENGINE_WARM_EC2 stays: the suite's engines load EC2 on first need (global-setup.ts).
    const lab = k.startsWith('LAB_') && k !== 'LAB_ENGINE_WARM_EC2';
    if (v !== undefined && !k.startsWith('AWS_') && !lab) out[k] = v;
  }
  return { ...out, ...extra };
}

/**
 * The same environment with Debian's AWS CLI v2.9 (/usr/bin/aws, too old for AWS_ENDPOINT_URL)
 * as the `aws` found right after the sandbox's wrapper dir, so `aws` means v2.9 via the wrapper.
 */
export function withDebianCli(env: Record<string, string>): Record<string, string> {
  const [wrapperDir, ...rest] = env.PATH.split(':');
  // The suite's warm v2.9 (test/helpers/warm-cli) before /usr/bin: the same CLI, started warm.
  const warm = process.env[WARM_V2_VAR] ? [process.env[WARM_V2_VAR]] : [];
  return { ...env, PATH: [wrapperDir, ...warm, '/usr/bin', ...rest].join(':') };
}
