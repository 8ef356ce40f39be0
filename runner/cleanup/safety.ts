// Guards before anything is deleted. On a real AWS account a cleanup is a
// destructive act against someone's account: it must be the account the lab
// ran in, it must not run as (or next to) root credentials, and the person
// must type the account id back, the way the console asks for a bucket name.
import { GetAccountSummaryCommand } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { LabError } from '../errors.ts';
import type { Run } from '../store/index.ts';
import type { CleanupTarget } from './types.ts';
import { ROOT_IN_USE, ROOT_KEYS_PRESENT } from '../target/root.ts';

export { ROOT_IN_USE, ROOT_KEYS_PRESENT };

/** Refuse unless the target is the run's account and no root credentials are involved. */
export async function assertSafeAccount(
  run: Run,
  target: CleanupTarget,
  warn: (s: string) => void,
) {
  const me = await target.clients.sts.send(new GetCallerIdentityCommand({}));
  if (me.Account !== run.accountId || target.accountId !== run.accountId) {
    throw new LabError(
      'wrong_account',
      `Refusing to clean up: run ${run.id} of ${run.lab} was in account ${run.accountId}, but the current credentials are for account ${me.Account}.`,
      `Use the profile for account ${run.accountId} (--profile), or clean that run up from there.`,
    );
  }
  if (/:root$/.test(me.Arn ?? '')) {
    warn(ROOT_IN_USE);
    throw new LabError(
      'root_credentials',
      'Refusing to clean up with root credentials.',
      'Use an IAM user or role with IAM permissions (--profile).',
    );
  }
  let present: number | undefined;
  try {
    const s = await target.clients.iam.send(new GetAccountSummaryCommand({}));
    present = s.SummaryMap?.AccountAccessKeysPresent;
  } catch (e) {
    if (target.kind === 'aws') {
      // Denied: the message names the identity and the permission (runner/aws/denied.ts).
      throw (
        target.environmentError?.(e) ??
        new LabError(
          'cannot_check_root_keys',
          `Refusing to clean up: cannot tell whether the account has root access keys (${(e as Error).name}).`,
          'The runner identity needs iam:GetAccountSummary.',
        )
      );
    }
  }
  if (present === 1) {
    warn(ROOT_KEYS_PRESENT);
    throw new LabError(
      'root_keys_present',
      'Refusing to clean up while the account has root access keys.',
      'Delete the root access keys first, then run `lab cleanup` again.',
    );
  }
}

/** Read one line from `input`; undefined when the input ends first. */
export function readLine(
  input: Readable,
  output: Writable,
  prompt: string,
): Promise<string | undefined> {
  return new Promise((resolve) => {
    const rl = createInterface({ input, output, terminal: false });
    let answered = false;
    output.write(prompt);
    rl.once('line', (line) => {
      answered = true;
      rl.close();
      resolve(line);
    });
    rl.once('close', () => {
      if (!answered) resolve(undefined);
    });
  });
}

/** AWS only: the person types the account id back, or nothing is deleted. */
export async function confirmAccount(
  accountId: string,
  input: Readable,
  output: Writable,
): Promise<void> {
  const typed = await readLine(
    input,
    output,
    `Type the account id ${accountId} to delete the above: `,
  );
  if (typed?.trim() !== accountId) {
    throw new LabError(
      'not_confirmed',
      typed === undefined
        ? 'Cleanup not confirmed: no account id was typed (nothing was changed).'
        : `Cleanup not confirmed: "${typed.trim()}" is not ${accountId} (nothing was changed).`,
      'Type the account id exactly, or pass --yes to skip the question.',
    );
  }
}
