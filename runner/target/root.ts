// Root credentials are the one thing a learner must never use for everyday work.
// The runner warns loudly when they are in use (target.isRoot) and, on AWS,
// when the account has root access keys at all.
import type { Target } from './index.ts';

/** Does the account have root access keys? undefined when the runner may not ask. */
export async function rootKeysPresent(
  target: Pick<Target, 'clients'>,
): Promise<boolean | undefined> {
  const { GetAccountSummaryCommand } = await import('@aws-sdk/client-iam');
  try {
    const s = await target.clients.iam.send(new GetAccountSummaryCommand({}));
    return s.SummaryMap?.AccountAccessKeysPresent === 1;
  } catch {
    return undefined;
  }
}

/** The loud warnings for this target (none on the sandbox, which has no root user). */
export async function rootWarnings(target: Target): Promise<string[]> {
  if (target.kind !== 'aws') return [];
  const { ROOT_IN_USE, ROOT_KEYS_PRESENT } = await import('../cleanup/safety.ts');
  const out = target.isRoot ? [ROOT_IN_USE] : [];
  if (await rootKeysPresent(target)) out.push(ROOT_KEYS_PRESENT);
  return out;
}
