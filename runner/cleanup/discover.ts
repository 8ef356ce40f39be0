// Which access keys are the learner's, found in the event history (not only in what checks
// happened to record): keys whose CreateAccessKey the run's learner made, including keys
// created and deleted again. Everything found is recorded in the ledger as created_by 'learner'.
import { ListAccessKeysCommand, type AccessKeyMetadata, type IAMClient } from '@aws-sdk/client-iam';
import { ledgerFor, recordCreated, type Run, type Store } from '../store/index.ts';
import {
  lookupEvents,
  type TrailEvent,
  afterStart,
  isRunsCall,
  learnerArnOf,
  isNoSuchEntity,
  isRunnerDenial,
} from '../aws/index.ts';
import type { PlanInput } from './types.ts';
import { contestedWhy, keyContestedBy, rivalRuns } from './overlap.ts';

/**
 * IAM reports CreateDate to the second; the run start has milliseconds. A key
 * created in the run's first second must count as the learner's, so compare
 * against the start truncated to the second.
 */
export function runStartSecond(startedAt: string): Date {
  const d = new Date(startedAt);
  d.setUTCMilliseconds(0);
  return d;
}

const KEY_ID = /^A[KS]IA[A-Z0-9]{12,}$/;

/**
 * Key ids the run's baseline (what setup saw at `lab start`) names, wherever
 * in it they are: those existed before the lab and are never the learner's.
 */
export function baselineKeyIds(run: { baseline?: unknown }): Set<string> {
  const ids = new Set<string>();
  const walk = (v: unknown): void => {
    if (typeof v === 'string' && KEY_ID.test(v)) ids.add(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(run.baseline);
  return ids;
}

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

/**
 * Record in the ledger, as created by the learner, the keys the run's learner created: a
 * successful CreateAccessKey in the event history made by the run's identity (or with one of
 * the run's keys), for a lab user (or any user, when the lab declares `access-key`). Ownership
 * by identity, never by time: a key some other identity made on the same user during the run
 * (an admin's automation, another learner) is not recorded, and so never deleted. Keys the
 * learner created and deleted again are recorded too: their id may still sit in a profile.
 * Returns the keys it may not claim because another open lab could (overlap.ts), with why.
 */
export async function discoverLearnerKeys(
  input: PlanInput,
): Promise<Map<string, { userName: string; why: string }>> {
  const { run, target, store } = input;
  const labUsers = input.labUsers ?? labUsersOf(undefined, store, run);
  const anyUser = (input.creates ?? []).includes('access-key');
  const since = runStartSecond(run.startedAt);
  const before = baselineKeyIds(run);
  const entries = ledgerFor(store, run.id);
  const filter = {
    learnerArn: learnerArnOf(run.baseline, target.learnerArn),
    keyIds: new Set(entries.filter((e) => e.kind === 'access-key').map((e) => e.resourceId)),
    roleArns: new Set(
      entries.filter((e) => e.kind === 'iam-role').map((e) => String(e.details.arn ?? '')),
    ),
  };
  // Another lab open at the same time: only keys on this run's own users (overlap.ts).
  const rivals = await rivalRuns(store, run);
  /** Keys made while another open lab could claim them too: id → why neither run takes it. */
  const contested = new Map<string, { userName: string; why: string }>();
  for (const ev of await createKeyEvents(target, since)) {
    if (!afterStart(ev.at, new Date(run.startedAt))) continue;
    if (!isRunsCall(ev.event, filter) || before.has(ev.keyId)) continue;
    if (!anyUser && !labUsers.includes(ev.userName)) continue;
    const rivalLabs = keyContestedBy(store, rivals, ev.at, ev.userName, labUsers);
    if (rivalLabs.length) {
      contested.set(ev.keyId, { userName: ev.userName, why: contestedWhy(rivalLabs, ev.at) });
      continue;
    }
    recordCreated(store, {
      runId: run.id,
      kind: 'access-key',
      resourceId: ev.keyId,
      details: {
        userName: ev.userName,
        accessKeyId: ev.keyId,
        event: ev.event.id,
        by: ev.event.callerArn ?? '',
      },
      createdBy: 'learner',
      createdAt: ev.at,
    });
    filter.keyIds.add(ev.keyId);
  }
  return contested;
}

/** IAM is global: its events are in us-east-1's history (on AWS and in the sandbox). */
export function iamTrail(target: PlanInput['target']) {
  if (target.clientsForRegion) {
    return target.clientsForRegion('us-east-1').cloudtrail;
  }
  return target.clients.cloudtrail;
}

/**
 * Successful CreateAccessKey events since `since` (event history: CloudTrail on AWS, the
 * gateway's activity log in the sandbox), with the key id and user from responseElements.
 */
async function createKeyEvents(
  target: PlanInput['target'],
  since: Date,
): Promise<Array<{ keyId: string; userName: string; at: Date; event: TrailEvent }>> {
  const ct = iamTrail(target);
  if (!ct) return [];
  try {
    const evs = await lookupEvents(ct, 'CreateAccessKey', since, 20);
    return evs.flatMap((event) => {
      const k = event.responseElements?.accessKey;
      const keyId = k?.accessKeyId;
      const userName = k?.userName ?? event.requestParameters?.userName ?? event.userName;
      return !event.errorCode && keyId && typeof userName === 'string'
        ? [{ keyId, userName, at: event.time, event }]
        : [];
    });
  } catch (e) {
    // History that lags or is missing leaves a new key unproven (kept, and said so); the
    // runner's identity being denied LookupEvents is an environment error (exit 2).
    if (isRunnerDenial(e)) throw e;
    return [];
  }
}

/**
 * The IAM users whose keys created during the run are the learner's: what the
 * lab definition names (`cleanup.users`, `resources.users`, or `labUser`), and
 * every user the ledger of the run mentions.
 */
export function labUsersOf(lab: unknown, store: Store, run: Run): string[] {
  const def = (lab ?? {}) as Record<string, any>;
  const named: unknown[] = [
    ...(def.cleanup?.users ?? []),
    ...(def.resources?.users ?? []),
    ...(typeof def.labUser === 'string' ? [def.labUser] : []),
    ...(typeof def.user === 'string' ? [def.user] : []),
  ];
  for (const e of ledgerFor(store, run.id)) {
    if (e.kind === 'iam-user') named.push(e.resourceId);
    if (e.kind === 'access-key' && typeof e.details.userName === 'string')
      named.push(e.details.userName);
  }
  return [...new Set(named.filter((u): u is string => typeof u === 'string' && u !== ''))];
}
