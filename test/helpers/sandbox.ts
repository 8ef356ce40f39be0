// Shared test helper: a real sandbox (moto engine + gateway) in a temp LAB_HOME on a free port.
// Fails, never skips, when moto is missing: the sandbox is a required part of this project.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { EC2Client } from '@aws-sdk/client-ec2';
import { IAMClient } from '@aws-sdk/client-iam';
import { STSClient } from '@aws-sdk/client-sts';
import {
  ensureSandbox,
  freePort,
  sandboxProcessEnv,
  stopSandbox,
  type Credentials,
  type SandboxInfo,
} from '../../sandbox/index.ts';
import { readRun } from '../../sandbox/lifecycle/state.ts';
import { layout } from '../../sandbox/lifecycle/layout.ts';
import { alive } from '../../sandbox/lifecycle/processes.ts';
import { scaled } from './timeouts.ts';

const PAUSE = new Int32Array(new SharedArrayBuffer(4));

export interface TestSandbox extends SandboxInfo {
  /** A full environment for child processes (`aws`, `lab`): LAB_HOME, the isolated CLI files, PATH. */
  env: Record<string, string>;
  /** Stop both processes and delete the temp home. */
  stop(): Promise<void>;
  /** kill -9 one process, as a crash would (for recovery tests). */
  kill(which: 'engine' | 'gateway'): void;
}

/** Start a fresh sandbox in a temp LAB_HOME on a free port. Call `stop()` in afterAll. */
export async function startTestSandbox(opts: { home?: string } = {}): Promise<TestSandbox> {
  const home = opts.home ?? (await mkdtemp(join(tmpdir(), 'lab-test-')));
  const port = await freePort();
  const info = await ensureSandbox({ home, port });
  const env = { ...sandboxProcessEnv(info), LAB_HOME: home, LAB_SANDBOX_PORT: String(port) };
  return {
    ...info,
    env,
    async stop() {
      await stopSandbox({ home });
      if (!opts.home) await rm(home, { recursive: true, force: true });
    },
    kill(which) {
      const pid = readRun(layout(home))[which]?.pid;
      if (!pid) throw new Error(`no ${which} pid recorded for ${home}`);
      process.kill(pid, 'SIGKILL');
      // Return once it is gone (its port released), as after a real crash.
      const deadline = Date.now() + scaled(5_000);
      while (alive(pid) && Date.now() < deadline) Atomics.wait(PAUSE, 0, 0, 10);
    },
  };
}

/**
 * One sandbox for the whole test file: started before its first test, stopped after its last.
 * The object is filled in by beforeAll, so read its fields inside tests and hooks only.
 */
export function useTestSandbox(): TestSandbox {
  const sb = {} as TestSandbox;
  beforeAll(async () => {
    Object.assign(sb, await startTestSandbox());
  }, scaled(60_000));
  afterAll(async () => {
    await sb.stop?.();
  });
  return sb;
}

export interface Clients {
  iam: IAMClient;
  sts: STSClient;
  ec2: EC2Client;
  cloudtrail: CloudTrailClient;
}

/** SDK v3 clients signed with `creds`, pointed at the sandbox endpoint. */
export function clientsFor(
  info: Pick<SandboxInfo, 'endpoint' | 'region'>,
  creds: Credentials,
  customUserAgent?: string,
): Clients {
  const config = {
    endpoint: info.endpoint,
    region: info.region,
    credentials: { accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey },
    maxAttempts: 1, // a test should see the first answer, not a retried one
    ...(customUserAgent ? { customUserAgent } : {}),
  };
  return {
    iam: new IAMClient(config),
    sts: new STSClient(config),
    ec2: new EC2Client(config),
    cloudtrail: new CloudTrailClient(config),
  };
}

/** Clients acting as the learner's admin (`sandbox-admin`). */
export function adminClients(info: SandboxInfo): Clients {
  return clientsFor(info, info.learner);
}
