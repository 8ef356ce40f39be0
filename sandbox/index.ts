// Public surface of the local AWS sandbox (moto engine + gateway). The runner, site, bench and
// commands use only this module; the sandbox imports nothing from the runner.
import type { EnsureOptions, SandboxInfo, SandboxStatus } from './types.ts';
import { layout } from './lifecycle/layout.ts';

// The lifecycle (process launcher, probes, file writers) loads only when one of these runs,
// so importing this module to read the sandbox's coordinates stays cheap (`lab check`).
type Control = typeof import('./lifecycle/control.ts');
const control = (): Promise<Control> => import('./lifecycle/control.ts');

/** Start the sandbox if needed (idempotent; recovers a dead engine or gateway) and return how to reach it. */
export async function ensureSandbox(opts: EnsureOptions): Promise<SandboxInfo> {
  return (await control()).ensureSandbox(opts);
}
/** Stop both processes; the state stays on disk. */
export async function stopSandbox(opts: {
  home: string;
}): Promise<{ stopped: string[]; orphaned?: boolean }> {
  return (await control()).stopSandbox(opts);
}
/** A class that hosts the sandbox: a new isolated account in this home's running engine. */
export async function createSandboxAccount(home: string) {
  return (await import('./lifecycle/accounts.ts')).createAccount(home);
}
/** The class server's operations on its learner accounts (keys, wipe, inventory, activity). */
export async function sandboxAccountOps() {
  return import('./lifecycle/accounts.ts');
}
export type { AccountInventory, AccountEvent } from './lifecycle/accounts.ts';
export {
  setLearnerRate,
  clearLearnerRate,
  DEFAULT_LEARNER_RATE,
} from './lifecycle/learner-rate.ts';
/** A class sandbox over `engines` engine processes, accounts sharded by id (lifecycle/shards.ts). */
export async function ensureSandboxEngines(
  home: string,
  engines: number,
  env?: import('./paths.ts').Env,
) {
  return (await import('./lifecycle/shards.ts')).ensureShards(home, engines, env);
}
/** Point a lab home at an account a class hosts (no local engine); see lifecycle/remote.ts. */
export async function attachRemoteSandbox(
  home: string,
  remote: import('./lifecycle/remote.ts').RemoteSandbox,
): Promise<SandboxInfo> {
  return (await import('./lifecycle/remote.ts')).attachRemote(home, remote);
}
/** Both processes (pid, port, alive, healthy), the endpoint and the account. */
export async function sandboxStatus(opts: { home: string }): Promise<SandboxStatus> {
  return (await control()).sandboxStatus(opts);
}
/** Wipe the account and start afresh with new identities. */
export async function resetSandbox(opts: EnsureOptions): Promise<SandboxInfo> {
  return (await control()).resetSandbox(opts);
}

/** Where a caller may look: the sandbox's folder (kept across stops), the `aws` wrapper's, the logs. */
export function sandboxDirs(home: string): {
  dir: string;
  binDir: string;
  engineLog: string;
  gatewayLog: string;
} {
  const l = layout(home);
  return { dir: l.dir, binDir: l.binDir, engineLog: l.engineLog, gatewayLog: l.gatewayLog };
}

export type {
  Credentials,
  Identity,
  SandboxInfo,
  EnsureOptions,
  SandboxStatus,
  ProcessStatus,
} from './types.ts';
export type { Env } from './paths.ts';
export { SandboxError, isSandboxError } from './errors.ts';
export { readSandboxInfo } from './lifecycle/read.ts';
export { sandboxEnv, sandboxProcessEnv, OVERRIDING_VARS } from './lifecycle/env.ts';
export { WRAPPER_MARKER as AWS_WRAPPER_MARKER } from './lifecycle/wrapper-marker.ts';
export { PROFILE as SANDBOX_PROFILE } from './lifecycle/read.ts';
export { freePort } from './lifecycle/ports.ts';
export const DEFAULT_SANDBOX_PORT = 4566;
export const INSTALL_MOTO = "python3 -m pip install 'moto[server]'";
