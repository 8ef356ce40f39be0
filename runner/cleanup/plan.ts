// Plan: decide exactly what to remove, from the ledger and from what the
// learner created during the run, before anything is changed. Planning records
// what it discovers in the ledger (keys, profile sections), so a cleanup that
// is killed halfway finds the same work on its rerun, even for things that are
// already half gone.
import { ListAccessKeysCommand, type AccessKeyMetadata, type IAMClient } from '@aws-sdk/client-iam';
import { LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { ledgerFor, recordCreated } from '../store/index.ts';
import { lookupEvents, targetKeyId } from '../check/events.ts';
import { findProfileSections } from './profiles.ts';
import { parseSections, readCliFile } from './profile-file.ts';
import { isNoSuchEntity } from './aws-errors.ts';
import type { CleanupAction, CleanupPlan, Kept, PlanInput } from './types.ts';

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
export async function discoverLearnerKeys({
  run,
  target,
  store,
  labUsers,
}: PlanInput): Promise<void> {
  const since = runStartSecond(run.startedAt);
  const before = baselineKeyIds(run);
  for (const userName of labUsers) {
    for (const k of await listKeys(target.clients.iam, userName)) {
      if (!k.AccessKeyId || !k.CreateDate || k.CreateDate < since) continue;
      if (before.has(k.AccessKeyId)) continue;
      recordCreated(store, {
        runId: run.id,
        kind: 'access-key',
        resourceId: k.AccessKeyId,
        details: { userName },
        createdBy: 'learner',
        createdAt: k.CreateDate,
      });
    }
  }
  for (const ev of await createKeyEvents(target, since)) {
    if (!labUsers.includes(ev.userName) || before.has(ev.keyId)) continue;
    record(ev.keyId, ev.userName, ev.at);
  }
  // A key the learner created and deleted again before any check saw it: only its
  // deletion names it (the sandbox's history, like CloudTrail's, names the key acted
  // on). It counts only when the run's baseline lists the keys that existed before.
  if (before.size > 0 || (run as { baseline?: Record<string, unknown> }).baseline?.setupAt) {
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
  } catch {
    return out;
  }
  return out;
}

export async function planCleanup(input: PlanInput): Promise<CleanupPlan> {
  const { run, target, store, labUsers } = input;
  await discoverLearnerKeys(input);
  const iam = target.clients.iam;
  const actions: CleanupAction[] = [];
  const kept: Kept[] = [];

  const entries = ledgerFor(store, run.id);
  const keyEntries = entries.filter((e) => e.kind === 'access-key');
  const labCreatedUsers = entries.filter((e) => e.kind === 'iam-user' && e.createdBy === 'lab');
  const deletingUsers = new Set(
    labCreatedUsers.filter((e) => !e.removedAt).map((e) => e.resourceId),
  );

  // Live state of every key of every user involved, to plan only what is needed.
  const userOf = (e: (typeof keyEntries)[number]) =>
    String(e.details.userName ?? labUsers[0] ?? '');
  const users = new Set([...labUsers, ...keyEntries.map(userOf), ...deletingUsers]);
  const live = new Map<string, AccessKeyMetadata>();
  for (const u of users) for (const k of await listKeys(iam, u)) live.set(k.AccessKeyId!, k);

  const ledgerKeyIds = new Set(keyEntries.map((e) => e.resourceId));
  for (const e of keyEntries.filter((k) => !k.removedAt)) {
    const k = live.get(e.resourceId);
    const who = e.createdBy === 'learner' ? 'created by you during the lab' : 'created by the lab';
    const base = { ledgerIds: [e.id], userName: userOf(e), keyId: e.resourceId };
    if (!k) {
      actions.push({
        ...base,
        kind: 'delete-key',
        text: `forget access key ${e.resourceId} of ${userOf(e)} (already deleted)`,
      });
      continue;
    }
    if (k.Status !== 'Inactive') {
      actions.push({
        ...base,
        ledgerIds: [],
        kind: 'deactivate-key',
        text: `deactivate access key ${e.resourceId} of ${userOf(e)} (${who})`,
      });
    }
    actions.push({
      ...base,
      kind: 'delete-key',
      text: `delete access key ${e.resourceId} of ${userOf(e)}`,
    });
  }
  for (const u of labUsers) {
    for (const k of await listKeys(iam, u)) {
      if (ledgerKeyIds.has(k.AccessKeyId!) || deletingUsers.has(u)) continue;
      kept.push({
        resource: `access key ${k.AccessKeyId} of ${u}`,
        why: `created ${k.CreateDate?.toISOString()}, before the lab started: not the lab's`,
      });
    }
  }

  // Profile sections that hold one of this run's keys (deleted now or earlier).
  const keyIds = new Set(keyEntries.map((e) => e.resourceId));
  const found = await findProfileSections(target.learnerFiles, keyIds);
  kept.push(...found.kept.map((k) => ({ resource: `[${k.header}] in ${k.path}`, why: k.why })));
  const byPath = new Map<string, CleanupAction>();
  const why = new Map<string, string>();
  for (const s of found.remove) {
    why.set(
      `${s.path}#${s.header}`,
      s.reason === 'holds-key' ? `holds key ${s.keyId}` : `the rest of profile ${s.profile}`,
    );
    const entry = recordCreated(store, {
      runId: run.id,
      kind: 'profile-section',
      resourceId: `${s.path}#${s.header}`,
      details: { file: s.file, profile: s.profile, keyId: s.keyId },
      createdBy: 'learner',
    });
    const a = byPath.get(s.path) ?? {
      kind: 'remove-profile-section' as const,
      ledgerIds: [],
      text: '',
      path: s.path,
      file: s.file,
      headers: [],
    };
    a.ledgerIds.push(entry.id);
    a.headers!.push(s.header);
    byPath.set(s.path, a);
  }
  // Sections recorded by an earlier, interrupted cleanup: finish those still in the
  // files (the other half of a profile may no longer sit next to its key), and
  // close the ledger entries of those already gone.
  for (const e of ledgerFor(store, run.id)) {
    if (e.kind !== 'profile-section' || e.removedAt) continue;
    const cut = e.resourceId.lastIndexOf('#');
    const path = e.resourceId.slice(0, cut);
    const header = e.resourceId.slice(cut + 1);
    const file = e.details.file === 'config' ? 'config' : 'credentials';
    const a = byPath.get(path) ?? {
      kind: 'remove-profile-section' as const,
      ledgerIds: [],
      text: '',
      path,
      file: file as 'config' | 'credentials',
      headers: [],
    };
    if (!a.ledgerIds.includes(e.id)) a.ledgerIds.push(e.id);
    const text = await readCliFile(path);
    const present =
      text !== undefined && parseSections(text).sections.some((x) => x.header === header);
    if (present && !a.headers!.includes(header)) {
      a.headers!.push(header);
      why.set(
        `${path}#${header}`,
        `left by an interrupted cleanup: profile ${String(e.details.profile)}`,
      );
    }
    byPath.set(path, a);
  }
  for (const a of byPath.values()) {
    a.text = a.headers!.length
      ? `remove ${a.headers!.map((h) => `[${h}] (${why.get(`${a.path}#${h}`)})`).join(', ')} from ${a.path}; every other byte of the file is kept`
      : `forget profile sections already gone from ${a.path}`;
    actions.push(a);
  }

  for (const e of labCreatedUsers.filter((u) => !u.removedAt)) {
    actions.push({
      kind: 'delete-user',
      ledgerIds: [e.id],
      userName: e.resourceId,
      text: `delete IAM user ${e.resourceId} (created by the lab), after detaching its policies and removing its login profile and keys`,
    });
  }
  for (const u of labUsers) {
    if (!labCreatedUsers.some((e) => e.resourceId === u)) {
      kept.push({
        resource: `IAM user ${u}`,
        why: 'existed before the lab: not the lab’s to delete',
      });
    }
  }

  return {
    runId: run.id,
    lab: run.lab,
    target: { kind: target.kind, accountId: target.accountId, label: target.label },
    startedAt: run.startedAt,
    actions,
    kept,
    keyIds: [...keyIds],
    users: labCreatedUsers.map((e) => e.resourceId),
  };
}
