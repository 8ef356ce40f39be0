// Root credentials are the one thing a learner must never use for everyday work.
// The runner warns loudly when they are in use (target.isRoot) and, on AWS,
// when the account has root access keys at all.
import type { Target } from './index.ts';
import { isRunnerDenial } from '../aws/index.ts';

// Said by `lab start`/`lab check` (rootWarnings) and by cleanup's guards (cleanup/safety.ts).
export const ROOT_IN_USE =
  'WARNING: these are the ROOT user credentials of this AWS account. Never use root access keys; ' +
  'use an IAM user or role. labrunner refuses to clean up as root.';
export const ROOT_KEYS_PRESENT =
  'WARNING: this AWS account has ROOT access keys. Root keys can do anything and cannot be limited: ' +
  'delete them (console → account menu → Security credentials). labrunner refuses to clean up until they are gone.';

/**
 * Does the account have root access keys? undefined when the answer is unavailable. A denial
 * (the runner's identity lacks iam:GetAccountSummary) is thrown as the target's LabError: the
 * runner cannot vouch for the account, and the fix is the same as for any of its calls.
 */
export async function rootKeysPresent(
  target: Pick<Target, 'clients'> & Partial<Pick<Target, 'environmentError'>>,
): Promise<boolean | undefined> {
  const { GetAccountSummaryCommand } = await import('@aws-sdk/client-iam');
  try {
    const s = await target.clients.iam.send(new GetAccountSummaryCommand({}));
    return s.SummaryMap?.AccountAccessKeysPresent === 1;
  } catch (e) {
    if (isRunnerDenial(e)) throw target.environmentError?.(e) ?? e;
    return undefined;
  }
}

/** The loud warnings for this target (none on the sandbox, which has no root user). */
export async function rootWarnings(target: Target): Promise<string[]> {
  if (target.kind !== 'aws') return [];
  const out = target.isRoot ? [ROOT_IN_USE] : [];
  if (await rootKeysPresent(target)) out.push(ROOT_KEYS_PRESENT);
  return out;
}
