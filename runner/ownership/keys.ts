// Which access keys are the run's: a successful CreateAccessKey in the event history made by the
// run's learner (their identity, or one of the run's keys), for a lab user (or any user, when the
// lab declares `access-key`), whose id the event itself records (responseElements.accessKey).
// Keys created and deleted again are recorded too: their id may still sit in a profile. A key
// some other identity made on the same user during the run (an admin's automation, another
// learner) is never recorded, so never deleted; foreignKeys() says why it is kept.
import { ListAccessKeysCommand, type AccessKeyMetadata, type IAMClient } from '@aws-sdk/client-iam';
import { isNoSuchEntity, isRunsCall } from '../aws/index.ts';
import { ledgerFor, recordCreated } from '../store/index.ts';
import { contestedWhy, keyContestedBy, type Rival } from './claims.ts';
import { baselineKeyIds, labUsersOf, runStartSecond } from './lab-users.ts';
import { runFilter, type RegionWrites, IAM_REGION } from './regions.ts';
import type { Kept, OwnershipInput } from './types.ts';

/** A user's access keys; a user that does not exist has none. */
export async function listKeys(iam: IAMClient, userName: string): Promise<AccessKeyMetadata[]> {
  const keys: AccessKeyMetadata[] = [];
  let Marker: string | undefined;
  try {
    do {
      const r = await iam.send(new ListAccessKeysCommand({ UserName: userName, Marker }));
      keys.push(...(r.AccessKeyMetadata ?? []));
      Marker = r.IsTruncated ? r.Marker : undefined;
    } while (Marker);
  } catch (e) {
    if (isNoSuchEntity(e)) return [];
    throw e;
  }
  return keys;
}

export type ContestedKeys = Map<string, { userName: string; why: string }>;

/**
 * Record the run's keys from the IAM region's writes. Returns the keys it may not claim because
 * another open lab could (claims.ts), with why.
 */
export function recordKeys(
  input: OwnershipInput,
  writes: RegionWrites[],
  rivals: Rival[],
): ContestedKeys {
  const { run, store } = input;
  const labUsers = [...new Set([...(input.labUsers ?? []), ...labUsersOf(undefined, store, run)])];
  const anyUser = input.creates.includes('access-key');
  const before = baselineKeyIds(run);
  const filter = runFilter(input);
  const contested: ContestedKeys = new Map();
  const events = writes.find((w) => w.region === IAM_REGION)?.events ?? [];
  for (const ev of events) {
    if (ev.name !== 'CreateAccessKey' || ev.errorCode) continue;
    const k = ev.responseElements?.accessKey;
    const keyId: string | undefined = k?.accessKeyId;
    const userName = k?.userName ?? ev.requestParameters?.userName ?? ev.userName;
    if (!keyId || typeof userName !== 'string') continue;
    if (!isRunsCall(ev, filter) || before.has(keyId)) continue;
    if (!anyUser && !labUsers.includes(userName)) continue;
    const rivalLabs = keyContestedBy(store, rivals, ev.time, userName, labUsers);
    if (rivalLabs.length) {
      contested.set(keyId, { userName, why: contestedWhy(rivalLabs, ev.time) });
      continue;
    }
    recordCreated(store, {
      runId: run.id,
      kind: 'access-key',
      resourceId: keyId,
      details: { userName, accessKeyId: keyId, event: ev.id, by: ev.callerArn ?? '' },
      createdBy: 'learner',
      createdAt: ev.time,
    });
  }
  return contested;
}

/**
 * Keys on `users` that the run did not make, each with why it is kept: made before the run, by
 * another identity during it, or contested by another open lab.
 */
export async function foreignKeys(
  input: Pick<OwnershipInput, 'run' | 'target' | 'store'>,
  users: string[],
  contested: ContestedKeys,
): Promise<Array<Kept & { userName: string; keyId: string }>> {
  const { run, target, store } = input;
  const ours = new Set(
    ledgerFor(store, run.id)
      .filter((e) => e.kind === 'access-key')
      .map((e) => e.resourceId),
  );
  const learner = runFilter(input).learnerArn ?? 'the learner';
  const out: Array<Kept & { userName: string; keyId: string }> = [];
  for (const u of users) {
    for (const k of await listKeys(target.clients.iam, u)) {
      const id = k.AccessKeyId!;
      if (ours.has(id)) continue;
      const during = k.CreateDate && k.CreateDate >= runStartSecond(run.startedAt);
      out.push({
        userName: u,
        keyId: id,
        resource: `access key ${id} of ${u}`,
        why: contested.has(id)
          ? contested.get(id)!.why
          : during
            ? `created ${k.CreateDate?.toISOString()}, during the lab, but not provably this lab's: the event history shows no CreateAccessKey for it by you (${learner}); made by another identity, or not delivered yet (CloudTrail can lag ~15 minutes: run \`lab cleanup\` again later)`
            : `created ${k.CreateDate?.toISOString()}, before the lab started: not the lab's`,
      });
    }
  }
  return out;
}

/** Contested keys on users that are not the lab's (a lab that may key any user), still there. */
export async function keptKeysElsewhere(
  input: Pick<OwnershipInput, 'target'>,
  contested: ContestedKeys,
  labUsers: string[],
): Promise<Kept[]> {
  const out: Kept[] = [];
  for (const [keyId, c] of contested) {
    if (labUsers.includes(c.userName)) continue;
    if (
      !(await listKeys(input.target.clients.iam, c.userName)).some((k) => k.AccessKeyId === keyId)
    )
      continue;
    out.push({ resource: `access key ${keyId} of ${c.userName}`, why: c.why });
  }
  return out;
}

/** The lab's users the run did not create: they existed before the lab, and are kept. */
export function usersBeforeTheLab(
  input: Pick<OwnershipInput, 'run' | 'store'>,
  labUsers: string[],
): Kept[] {
  const recorded = ledgerFor(input.store, input.run.id).filter((e) => e.kind === 'iam-user');
  return labUsers
    .filter((u) => !recorded.some((e) => e.resourceId === u))
    .map((u) => ({
      resource: `IAM user ${u}`,
      why: 'existed before the lab: not the lab’s to delete',
    }));
}
