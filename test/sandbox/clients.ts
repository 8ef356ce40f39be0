// Real AWS clients for gateway tests: SDK v3 clients pointed at the gateway, and the real `aws`
// CLIs (pyenv v1 on PATH; Debian's v2 at /usr/bin/aws) run with --endpoint-url.
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { EC2Client } from '@aws-sdk/client-ec2';
import { IAMClient } from '@aws-sdk/client-iam';
import { STSClient } from '@aws-sdk/client-sts';
import { execFile } from 'node:child_process';
import { REGION } from './gateway-fixture.ts';
import { scaled } from '../helpers/timeouts.ts';
import { debianCli } from '../helpers/warm-cli/install.ts';

export interface Creds {
  accessKeyId: string;
  secretAccessKey: string;
  /** Temporary (ASIA…) credentials only. */
  sessionToken?: string;
}

export function sdk(endpoint: string, credentials: Creds, extra: Record<string, unknown> = {}) {
  const cfg = { endpoint, region: REGION, credentials, maxAttempts: 1, ...extra };
  return {
    iam: new IAMClient(cfg),
    sts: new STSClient(cfg),
    ec2: new EC2Client(cfg),
    cloudtrail: new CloudTrailClient(cfg),
  };
}

/**
 * The AWS CLIs: v1 (pyenv, on PATH) and Debian's v2.9 (.ci/run installs it). Both required.
 * Both warm in the suite (test/helpers/warm-cli): the same CLI code, a fresh process each.
 */
export const CLIS = ['aws', debianCli()];

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Run `bin` (an AWS CLI) with `args`. Its read timeout (60 s by default) scales with the machine
 * like every other bound in the tests: on a loaded machine a slow answer timed out and turned a
 * denial's exit status 254 into 255 (issue 22). The test's own bound stays the outer one.
 */
export function aws(bin: string, args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  const readTimeout = ['--cli-read-timeout', String(scaled(60))];
  return new Promise((resolve, reject) => {
    execFile(
      bin,
      [...readTimeout, ...args],
      { env, timeout: scaled(90_000) },
      (err, stdout, stderr) => {
        if ((err as NodeJS.ErrnoException | null)?.code === 'ENOENT') {
          return reject(
            new Error(`${bin} not found: install the AWS CLI (apt-get install awscli)`),
          );
        }
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Capture an SDK error (the test fails if the call succeeds). */
export async function failure(p: Promise<unknown>) {
  try {
    await p;
  } catch (e) {
    const err = e as Error & {
      $metadata: { httpStatusCode?: number; requestId?: string; attempts?: number };
      Code?: string;
    };
    return {
      name: err.name,
      message: err.message,
      status: err.$metadata?.httpStatusCode,
      requestId: err.$metadata?.requestId,
      attempts: err.$metadata?.attempts,
    };
  }
  throw new Error('expected the call to fail, it succeeded');
}
