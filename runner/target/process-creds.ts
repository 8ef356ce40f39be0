// Why a profile's credential_process gave no credentials. The SDK's chain hides the cause
// ("Could not load credentials from any providers"); the learner needs to know whether the
// program failed or handed back credentials that have expired (a stale SSO-style login).
// Format: https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-sourcing-external.html
// (JSON with Version 1, AccessKeyId, SecretAccessKey, optional SessionToken and Expiration).
// The output is parsed in memory and dropped: no key from it is printed or kept.
import { execSync } from 'node:child_process';
import { LabError } from '../errors.ts';
import type { Env } from '../paths.ts';

export function credentialProcessError(
  profile: string,
  command: string,
  env: Env,
  now = new Date(),
): LabError | undefined {
  let out: string;
  try {
    out = execSync(command, {
      env: env as NodeJS.ProcessEnv,
      timeout: 30_000,
      stdio: ['ignore', 'pipe', 'pipe'],
      encoding: 'utf8',
    });
  } catch (e) {
    const err = e as { status?: number; stderr?: string };
    return new LabError(
      'credential_process_failed',
      `The credential_process of profile ${profile} failed (exit ${err.status ?? '?'})${err.stderr?.trim() ? `: ${err.stderr.trim().split('\n')[0]}` : ''}.`,
      `Run it yourself to see why: \`aws configure get credential_process --profile ${profile}\` shows the command.`,
    );
  }
  let doc: { AccessKeyId?: unknown; Expiration?: unknown };
  try {
    doc = JSON.parse(out);
  } catch {
    return new LabError(
      'credential_process_failed',
      `The credential_process of profile ${profile} did not print the JSON the AWS CLI expects.`,
      'See https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-sourcing-external.html for the format.',
    );
  }
  if (typeof doc.Expiration === 'string' && new Date(doc.Expiration) <= now) {
    return new LabError(
      'expired_credentials',
      `The credentials of profile ${profile} have expired: its credential_process returned credentials that expired at ${doc.Expiration}.`,
      `Renew them with the tool that credential_process runs (log in again), then run the command again; \`aws sts get-caller-identity --profile ${profile}\` tells when they work.`,
    );
  }
  return undefined;
}
