// The sandbox's public types, in one leaf module: the facade (index.ts) re-exports them and the
// lifecycle imports them from here, so no lifecycle file imports the facade (no import cycle).
import type { Env } from './paths.ts';

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
  /** A class's hosted account (remote.json): the class server that handed it out. */
  classUrl?: string;
}

export interface EnsureOptions {
  home: string;
  /** The gateway's port (default: the one used last, else $LAB_SANDBOX_PORT, else 4566). */
  port?: number;
  host?: string;
  /** Called with a short line whenever something slow starts ("Starting the engine…"). */
  onProgress?: (message: string) => void;
  /** Environment for finding python and for the children (default process.env). */
  env?: Env;
}

export interface ProcessStatus {
  pid?: number;
  port?: number;
  /** The pid in run.json is alive and is our process. */
  alive: boolean;
  /** It answers: the engine's health endpoint, or any HTTP answer from the gateway. */
  healthy: boolean;
}

export interface SandboxStatus {
  home: string;
  dir: string;
  /** Both processes alive and answering. */
  running: boolean;
  /** Set up before (identities exist), whether or not it runs now. */
  initialised: boolean;
  endpoint?: string;
  accountId?: string;
  /** Set when the state folder was deleted or replaced while the processes ran: what happened. */
  stateLost?: string;
  engine: ProcessStatus;
  gateway: ProcessStatus;
  logs: { engine: string; gateway: string };
}
