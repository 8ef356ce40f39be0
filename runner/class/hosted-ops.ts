// The instructor's operations on a class that hosts the sandbox (issue 21), shared by the API
// (`lab class activity|reset|end`) and the dashboard's forms: a learner's account activity, a
// reset of one account, and the end of the class. Each answer carries its proof: what the
// account still holds after the wipe, read back from the engine (nothing, when it worked).
import { HttpError } from '../http/index.ts';
import type { AccountEvent } from '../../sandbox/index.ts';
import { needOps, type HostedSandbox } from './hosted.ts';
import type { ClassStore } from './store/index.ts';

export interface LearnerAccount {
  learnerId: string;
  name: string;
  accountId: string;
  joinedAt: number;
  resetAt: number | null;
}

/** What an account holds, by service → region → kind → ids ({} = nothing). */
export type Holds = Record<string, Record<string, Record<string, string[]>>>;

export async function learnerAccounts(store: ClassStore, classId: string) {
  const [learners, accounts] = await Promise.all([
    store.learners(classId),
    store.hosted.accounts(classId),
  ]);
  const byId = new Map(accounts.map((a) => [a.learnerId, a]));
  return learners.map((l) => ({
    learnerId: l.id,
    name: l.name,
    accountId: byId.get(l.id)?.accountId ?? null,
    joinedAt: l.createdAt,
    resetAt: byId.get(l.id)?.resetAt ?? null,
  }));
}

export async function learnerAccount(
  store: ClassStore,
  classId: string,
  learnerId: string,
): Promise<LearnerAccount> {
  const all = await learnerAccounts(store, classId);
  const l = all.find((x) => x.learnerId === learnerId);
  if (!l) throw new HttpError(404, 'no_such_learner', `No learner ${learnerId} in this class.`);
  if (!l.accountId) {
    throw new HttpError(409, 'no_account', `${l.name} has no sandbox account in this class.`);
  }
  return l as LearnerAccount;
}

/** The learner's event history, newest first: when, which call, where, and how it ended. */
export async function learnerActivity(
  store: ClassStore,
  s: HostedSandbox | undefined,
  classId: string,
  learnerId: string,
  limit = 200,
): Promise<{ learner: LearnerAccount; events: AccountEvent[] }> {
  const ops = needOps(s);
  const learner = await learnerAccount(store, classId, learnerId);
  return { learner, events: ops.activity(learner.accountId, limit) };
}

/**
 * Empty one learner's account: everything in it, in every service and region, its admin and
 * keys too (their keys stop working at once). Their next `lab join` makes a fresh admin and
 * hands out new keys for the same account id.
 */
export async function resetLearner(
  store: ClassStore,
  s: HostedSandbox | undefined,
  classId: string,
  learnerId: string,
  now: number,
) {
  const ops = needOps(s);
  const learner = await learnerAccount(store, classId, learnerId);
  if (await store.hosted.endedAt(classId)) {
    throw new HttpError(409, 'class_ended', 'This class has ended; its accounts are closed.');
  }
  const removed = await ops.wipe(learner.accountId);
  await store.hosted.reset(learnerId, now);
  const remains = (await ops.inventory(learner.accountId)).holds as Holds;
  return { learner: { ...learner, resetAt: now }, removed, remains, clean: empty(remains) };
}

/**
 * End the class: no one joins any more, and every account is emptied and its keys revoked;
 * then each is read back. Ending again repeats the wipe (a partial end can be finished).
 */
export async function endClass(
  store: ClassStore,
  s: HostedSandbox | undefined,
  classId: string,
  now: number,
) {
  const ops = needOps(s);
  await store.hosted.end(classId, now); // first: a join racing the end is refused
  const hosted = (await learnerAccounts(store, classId)).filter((l) => l.accountId);
  // Each engine writes its snapshots once, after its last account (they hold every account:
  // one write per account made ending 100 learners take 10.8 s, now 0.3 s).
  await ops.wipeMany(hosted.map((l) => l.accountId!));
  // The last open class on this server: its sandbox's home is the instructor's own again.
  if ((await store.hosted.openClasses()) === 0) ops.unlimit?.();
  const accounts = [];
  for (const l of hosted) {
    const remains = (await ops.inventory(l.accountId!)).holds as Holds;
    accounts.push({ learnerId: l.learnerId, name: l.name, accountId: l.accountId!, remains });
  }
  return {
    endedAt: (await store.hosted.endedAt(classId)) ?? now,
    accounts,
    clean: accounts.every((a) => empty(a.remains)),
  };
}

const empty = (h: Holds) => Object.keys(h).length === 0;
