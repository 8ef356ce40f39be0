// Helpers for the class tests: the real `lab` CLI as a child process, a class
// server started through `lab class serve`, and the two stores to run against.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scaled } from '../helpers/timeouts.ts';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const LAB = join(ROOT, 'bin', 'lab.mjs');

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** A fresh lab home in a temp dir (never the user's). */
export function tempHome(prefix = 'lab-class-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Environment for a child `lab`: no inherited class or AWS settings, colours off. */
export function labEnv(home: string, extra: Record<string, string | undefined> = {}) {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !/^(LAB_|AWS_|DATABASE_URL$)/.test(k)) env[k] = v;
  }
  Object.assign(env, { LAB_HOME: home, NO_COLOR: '1' });
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) env[k] = v;
  return env;
}

/** Run a program to completion, collecting what it prints; `input` goes to its stdin. */
export function runProcess(
  command: string,
  args: string[],
  o: { env: Record<string, string | undefined>; cwd?: string; input?: string },
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: o.env, cwd: o.cwd });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    if (o.input !== undefined) child.stdin.end(o.input);
  });
}

/** Run `lab <args>` to completion. */
export function lab(args: string[], env: Record<string, string>): Promise<Run> {
  return runProcess(process.execPath, [LAB, ...args], { env, cwd: ROOT });
}

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** Resolves with everything printed on stdout once it matches `re` (60 s at most). */
  printed(re: RegExp): Promise<string>;
  stop(): Promise<void>;
}

/** `lab class serve` (or any serving command) until it prints its URL. */
export function serveClass(args: string[], env: Record<string, string>): Promise<ServerProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [LAB, ...args], { env, cwd: ROOT });
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not start: ${out}\n${err}`));
    }, scaled(60_000));
    child.stderr.on('data', (d) => (err += d));
    child.stdout.on('data', (d) => {
      out += d;
      const m = /(http:\/\/[\d.]+:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({
          url: m[1],
          child,
          printed: (re) =>
            new Promise((ok, fail) => {
              const look = () => {
                if (!re.test(out)) return false;
                child.stdout.off('data', look);
                clearTimeout(t);
                ok(out);
                return true;
              };
              const t = setTimeout(() => {
                child.stdout.off('data', look);
                fail(new Error(`never printed ${re}: ${out}`));
              }, scaled(20_000));
              if (!look()) child.stdout.on('data', look);
            }),
          stop: () =>
            new Promise<void>((r) => {
              if (child.exitCode !== null) return r();
              child.once('close', () => r());
              child.kill('SIGTERM');
              setTimeout(() => child.kill('SIGKILL'), 5000).unref();
            }),
        });
      }
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited ${code}: ${out}\n${err}`));
    });
  });
}

export function must(r: Run): Run {
  if (r.code !== 0)
    throw new Error(`lab exited ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r;
}
