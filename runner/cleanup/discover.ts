// Which keys of the lab's users are the learner's, found in the account itself
// (not only in what checks happened to record): keys created since the run
// started, and keys created and deleted again that only the event history names.
// Everything found is recorded in the ledger as created_by 'learner'.
import { ListAccessKeysCommand, type AccessKeyMetadata, type IAMClient } from '@aws-sdk/client-iam';
import { LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { ledgerFor, recordCreated, type Run, type Store } from '../store/index.ts';
import { lookupEvents, targetKeyId } from '../aws/events.ts';
import { isNoSuchEntity } from '../aws/errors.ts';
import { isRunnerDenial } from '../target/denied.ts';
import type { PlanInput } from './types.ts';

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
 * Record in the ledger, as created by the learner, the lab users' keys created
 * since the run started: those that exist now (listed live) and, when the
 * account's event history is readable, those already deleted again (their id
 * may still sit in a profile section that cleanup must remove).
 */
export async function discoverLearnerKeys(input: PlanInput): Promise<void> {
  const { run, target, store } = input;
  const labUsers = input.labUsers ?? labUsersOf(undefined, store, run);
  const since = runStartSecond(run.startedAt);
  const before = baselineKeyIds(run);
  for (const userName of labUsers) {
    for (const k of await listKeys(target.clients.iam, userName)) {
      if (!k.AccessKeyId || !k.CreateDate || k.CreateDate < since) continue;
      if (!before.has(k.AccessKeyId)) record(k.AccessKeyId, userName, k.CreateDate);
    }
  }
  for (const ev of await createKeyEvents(target, since)) {
    if (!labUsers.includes(ev.userName) || before.has(ev.keyId)) continue;
    record(ev.keyId, ev.userName, ev.at);
  }
  // A key the learner created and deleted again before any check saw it: only its
  // deletion names it (the sandbox's history, like CloudTrail's, names the key acted
  // on). It counts only when the run's baseline lists the keys that existed before.
  if (before.size > 0 || run.baseline?.setupAt) {
    for (const ev of await keyEvents(target, 'DeleteAccessKey', since)) {
      const keyId = targetKeyId(ev);
      // The key's owner: the user the call named, else (no UserName: own key) the caller.
      const owner =
        ev.resources.find((r) => r.type === 'AWS::IAM::User')?.name ?? ev.userName ?? '';
      const user = labUsers.find((u) => u === owner);
      if (keyId && user && !ev.errorCode && !before.has(keyId)) record(keyId, user, ev.time);
    }
  }

  function record(keyId: string, userName: string, at: Date) {
    recordCreated(store, {
      runId: run.id,
      kind: 'access-key',
      resourceId: keyId,
      details: { userName },
      createdBy: 'learner',
      createdAt: at,
    });
  }
}

/** IAM is global: on AWS its events are in us-east-1's history; the sandbox has one. */
function trail(target: PlanInput['target']) {
  if (target.kind === 'aws' && target.clientsForRegion) {
    return target.clientsForRegion('us-east-1').cloudtrail;
  }
  return target.clients.cloudtrail;
}

async function keyEvents(target: PlanInput['target'], name: string, since: Date) {
  const ct = trail(target);
  if (!ct) return [];
  try {
    return await lookupEvents(ct, name, since);
  } catch {
    return []; // history unreadable (permissions, lag): the live listing still applies
  }
}

/**
 * CreateAccessKey events since `since` (event history: CloudTrail on AWS, the
 * gateway's activity log in the sandbox). Best effort: history may lag or be
 * unreadable, and the live listing already covers every key that still exists.
 */
async function createKeyEvents(
  target: PlanInput['target'],
  since: Date,
): Promise<Array<{ keyId: string; userName: string; at: Date }>> {
  const ct = trail(target);
  if (!ct) return [];
  const out: Array<{ keyId: string; userName: string; at: Date }> = [];
  try {
    let NextToken: string | undefined;
    do {
      const r = await ct.send(
        new LookupEventsCommand({
          LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'CreateAccessKey' }],
          StartTime: since,
          NextToken,
        }),
      );
      for (const e of r.Events ?? []) {
        const detail = JSON.parse(e.CloudTrailEvent ?? '{}');
        if (detail.errorCode) continue;
        const keyId = detail.responseElements?.accessKey?.accessKeyId;
        const userName =
          detail.responseElements?.accessKey?.userName ??
          detail.requestParameters?.userName ??
          detail.userIdentity?.userName;
        if (keyId && userName) out.push({ keyId, userName, at: e.EventTime ?? since });
      }
      NextToken = r.NextToken;
    } while (NextToken);
  } catch (e) {
    // History that lags or is missing is fine; the runner's identity being denied LookupEvents
    // is not: a key made and deleted before any check would go unnoticed (its profile kept).
    if (isRunnerDenial(e)) throw e;
    return out;
  }
  return out;
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
