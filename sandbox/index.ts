// Public surface of the local AWS sandbox (moto engine + gateway).
// CONTRACT: implemented by the sandbox issue; the runner, site and tests use only this.

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

export {
  ensureSandbox,
  stopSandbox,
  sandboxStatus,
  resetSandbox,
  readSandboxInfo,
  type EnsureOptions,
  type SandboxStatus,
  type ProcessStatus,
} from './lifecycle/control.ts';
export { sandboxEnv, sandboxProcessEnv, OVERRIDING_VARS } from './lifecycle/env.ts';
export { PROFILE as SANDBOX_PROFILE } from './lifecycle/cli-files.ts';
export { DEFAULT_PORT as DEFAULT_SANDBOX_PORT } from './lifecycle/ensure.ts';
export { INSTALL_MOTO } from './lifecycle/moto.ts';
