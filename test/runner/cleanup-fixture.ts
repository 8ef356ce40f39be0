// Shared setup for the cleanup tests: a lab run in a real sandbox, a learner
// who creates a key and configures a profile with the real `aws` CLI, and the
// real `lab` CLI run as a child process.
import { spawn, execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import {
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateUserCommand,
  ListAccessKeysCommand,
  GetUserCommand,
} from '@aws-sdk/client-iam';
import { clientsFor, type TestSandbox } from '../helpers/sandbox.ts';
import { openStore, recordCreated, startRun, type Run } from '../../runner/store/index.ts';

export const LAB_BIN = fileURLToPath(new URL('../../bin/lab.mjs', import.meta.url));
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Run the real `lab` CLI; `input` is what the person types. */
export function lab(
  args: string[],
  env: Record<string, string>,
  input?: string,
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [LAB_BIN, ...args], {
      env: { ...env, NO_COLOR: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

/** The runner's clients (what labrunner itself would use). */
export const runnerClients = (sb: TestSandbox) => clientsFor(sb, sb.runner);

/** What `lab start` does in the sandbox: a run, and a lab user recorded as created by the lab. */
export async function startLabRun(
  sb: TestSandbox,
  o: { lab: string; user: string; target?: 'sandbox' | 'aws'; accountId?: string; now?: Date },
): Promise<Run> {
  const store = openStore(sb.home);
  try {
    const run = startRun(store, {
      lab: o.lab,
      target: o.target ?? 'sandbox',
      accountId: o.accountId ?? sb.accountId,
      learner: 'tester',
      now: o.now,
    });
    const { iam } = runnerClients(sb);
    const { User } = await iam.send(new CreateUserCommand({ UserName: o.user }));
    await iam.send(
      new AttachUserPolicyCommand({
        UserName: o.user,
        PolicyArn: 'arn:aws:iam::aws:policy/IAMFullAccess',
      }),
    );
    // `lab start` records the user's immutable UserId: cleanup deletes that user, never a
    // same-named replacement.
    recordCreated(store, {
      runId: run.id,
      kind: 'iam-user',
      resourceId: o.user,
      details: { userId: User!.UserId },
      createdBy: 'lab',
    });
    return run;
  } finally {
    store.close();
  }
}

/**
 * What the learner does in steps 1–2: an access key for `user` (as the learner's
 * admin, through the SDK), then `aws configure set` into profile `profile`.
 */
export async function learnerKeyAndProfile(
  sb: TestSandbox,
  user: string,
  profile: string,
  /** Who creates the key: the learner's admin (sandbox), or on AWS the profile's identity. */
  as: 'learner' | 'runner' = 'learner',
): Promise<string> {
  const { iam } = clientsFor(sb, as === 'runner' ? sb.runner : sb.learner);
  const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: user }));
  const set = (k: string, v: string) =>
    execFileSync('aws', ['configure', 'set', k, v, '--profile', profile], { env: sb.env });
  set('aws_access_key_id', AccessKey!.AccessKeyId!);
  set('aws_secret_access_key', AccessKey!.SecretAccessKey!);
  set('region', 'ap-southeast-2');
  return AccessKey!.AccessKeyId!;
}

export async function keysOf(sb: TestSandbox, user: string) {
  const { iam } = runnerClients(sb);
  try {
    const r = await iam.send(new ListAccessKeysCommand({ UserName: user }));
    return (r.AccessKeyMetadata ?? []).map((k) => ({ id: k.AccessKeyId!, status: k.Status! }));
  } catch (e) {
    if ((e as Error).name === 'NoSuchEntityException') return undefined;
    throw e;
  }
}

export async function userExists(sb: TestSandbox, user: string): Promise<boolean> {
  try {
    await runnerClients(sb).iam.send(new GetUserCommand({ UserName: user }));
    return true;
  } catch (e) {
    if ((e as Error).name === 'NoSuchEntityException') return false;
    throw e;
  }
}

export async function cliFiles(sb: TestSandbox) {
  return {
    config: await readFile(sb.configFile, 'utf8'),
    credentials: await readFile(sb.credentialsFile, 'utf8'),
  };
}
