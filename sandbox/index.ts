// Public surface of the local AWS sandbox (moto engine + gateway).
// CONTRACT: implemented by the sandbox issue; the runner, site and tests use only this.
import type { EnsureOptions, SandboxStatus } from './lifecycle/control.ts';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface Identity extends Credentials {
  userName: string;
  arn: string;
}

export interface SandboxInfo {
  /** Lab home this sandbox belongs to. */
  home: string;
  /** The gateway, e.g. http://127.0.0.1:4566 */
  endpoint: string;
  /** Default region written to the isolated CLI config. */
  region: string;
  accountId: string;
  /** The learner's "console login": admin, profile `sandbox-admin` in the isolated CLI files. */
  learner: Identity;
  /** labrunner's own identity for inspecting the account (checks, setup, cleanup). */
  runner: Identity;
  /** Isolated AWS CLI files (never ~/.aws). */
  configFile: string;
  credentialsFile: string;
}

// The lifecycle (process launcher, probes, file writers) loads only when one of these runs,
// so importing this module to read the sandbox's coordinates stays cheap (`lab check`).
type Control = typeof import('./lifecycle/control.ts');
const control = (): Promise<Control> => import('./lifecycle/control.ts');

/** Start the sandbox if needed (idempotent; recovers a dead engine or gateway) and return how to reach it. */
export async function ensureSandbox(opts: EnsureOptions): Promise<SandboxInfo> {
  return (await control()).ensureSandbox(opts);
}
/** Stop both processes; the state stays on disk. */
export async function stopSandbox(opts: { home: string }): Promise<{ stopped: string[] }> {
  return (await control()).stopSandbox(opts);
}
/** Both processes (pid, port, alive, healthy), the endpoint and the account. */
export async function sandboxStatus(opts: { home: string }): Promise<SandboxStatus> {
  return (await control()).sandboxStatus(opts);
}
/** Wipe the account and start afresh with new identities. */
export async function resetSandbox(opts: EnsureOptions): Promise<SandboxInfo> {
  return (await control()).resetSandbox(opts);
}

export type { EnsureOptions, SandboxStatus, ProcessStatus } from './lifecycle/control.ts';
export { readSandboxInfo } from './lifecycle/read.ts';
export { sandboxEnv, sandboxProcessEnv, OVERRIDING_VARS } from './lifecycle/env.ts';
export { PROFILE as SANDBOX_PROFILE } from './lifecycle/read.ts';
export const DEFAULT_SANDBOX_PORT = 4566;
export const INSTALL_MOTO = "python3 -m pip install 'moto[server]'";
