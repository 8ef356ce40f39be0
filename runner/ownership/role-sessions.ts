// Which AWS CLI sessions of the run's roles are the run's: those whose role ARN and session name a
// successful AssumeRole by the run's learner started during the run (IAM's event history). A
// cached file of any other session is not the run's to remove (cleanup/role-sessions.ts removes
// the files).
import { afterStart, isRunsCall, learnerArnOf, lookupEvents } from '../aws/index.ts';
import { ledgerFor } from '../store/index.ts';
import { runStartSecond } from './lab-users.ts';
import { iamTrail } from './regions.ts';
import type { OwnershipInput } from './types.ts';

/** `arn:aws:sts::<account>:assumed-role/<role>/<session>` of every session the run started. */
export async function runRoleSessions(
  input: Pick<OwnershipInput, 'run' | 'target' | 'store'>,
): Promise<Set<string>> {
  const { run, target, store } = input;
  const entries = ledgerFor(store, run.id);
  // By ARN: the role may already be gone, its RoleId with it (as role-profiles.ts).
  const roleArns = new Set(
    entries
      .filter((e) => e.kind === 'iam-role')
      .map((e) => `arn:aws:iam::${target.accountId}:role/${e.resourceId}`),
  );
  const sessions = new Set<string>();
  if (!roleArns.size) return sessions;
  const ct = iamTrail(target);
  if (!ct) return sessions;
  const keyIds = new Set(entries.filter((e) => e.kind === 'access-key').map((e) => e.resourceId));
  const learnerArn = learnerArnOf(run.baseline, target.learnerArn);
  for (const ev of await lookupEvents(ct, 'AssumeRole', runStartSecond(run.startedAt))) {
    const role = String(ev.requestParameters?.roleArn ?? '');
    if (ev.errorCode || !roleArns.has(role) || !afterStart(ev.time, new Date(run.startedAt))) {
      continue;
    }
    if (!isRunsCall(ev, { learnerArn, keyIds, roleArns })) continue;
    const [, account, name] = /^arn:aws:iam::(\d+):role\/(.+)$/.exec(role) ?? [];
    sessions.add(
      `arn:aws:sts::${account}:assumed-role/${name}/${String(ev.requestParameters?.roleSessionName ?? '')}`,
    );
  }
  return sessions;
}
