// Plan: decide exactly what to remove, from the ledger and from what the
// learner created during the run, before anything is changed. Planning records
// what it discovers in the ledger (keys, profile sections), so a cleanup that
// is killed halfway finds the same work on its rerun, even for things that are
// already half gone.
import type { AccessKeyMetadata } from '@aws-sdk/client-iam';
import { ledgerFor, recordCreated } from '../store/index.ts';
import { discoverLearnerKeys, labUsersOf, listKeys, runStartSecond } from './discover.ts';
import { learnerArnOf } from '../aws/index.ts';
import { findProfileSections } from './profiles.ts';
import { parseSections, readCliFile } from './profile-file.ts';
import { discoverCreated } from './discover-kinds.ts';
import { recordRoleProfiles } from './role-profiles.ts';
import { cachedRoleSessions } from './role-sessions.ts';
import { identify, kindOf } from '../resources/index.ts';
import type { CleanupAction, CleanupPlan, Kept, PlanInput } from './types.ts';

export async function planCleanup(input: PlanInput): Promise<CleanupPlan> {
  const { run, target, store } = input;
  // What the learner created of every declared kind (groups, users, attachments…), first: a
  // user found here is a lab user whose new keys are the learner's too.
  const kept: Kept[] = await discoverCreated({ ...input, creates: input.creates ?? [] });
  await recordRoleProfiles(input, run.id);
  const labUsers = [...new Set([...(input.labUsers ?? []), ...labUsersOf(undefined, store, run)])];
  const contestedKeys = await discoverLearnerKeys({ ...input, labUsers });
  const iam = target.clients.iam;
  const actions: CleanupAction[] = [];

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
      // Gone already (the lab's last step deletes it): nothing to ask of AWS. A DeleteAccessKey
      // here failed with NoSuchEntity, an error event in the learner's history for no reason.
      actions.push({
        ...base,
        kind: 'forget',
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
      const during = k.CreateDate && k.CreateDate >= runStartSecond(run.startedAt);
      kept.push({
        resource: `access key ${k.AccessKeyId} of ${u}`,
        why: contestedKeys.has(k.AccessKeyId!)
          ? contestedKeys.get(k.AccessKeyId!)!.why
          : during
            ? `created ${k.CreateDate?.toISOString()}, during the lab, but not provably this lab's: the event history shows no CreateAccessKey for it by you (${learnerArnOf(run.baseline, target.learnerArn) ?? 'the learner'}); made by another identity, or not delivered yet (CloudTrail can lag ~15 minutes: run \`lab cleanup\` again later)`
            : `created ${k.CreateDate?.toISOString()}, before the lab started: not the lab's`,
      });
    }
  }
  // Contested keys on users that are not the lab's (a lab that may key any user).
  for (const [keyId, c] of contestedKeys) {
    if (labUsers.includes(c.userName)) continue;
    if (!(await listKeys(iam, c.userName)).some((k) => k.AccessKeyId === keyId)) continue;
    kept.push({ resource: `access key ${keyId} of ${c.userName}`, why: c.why });
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
        e.details.roleArn
          ? `assumes the lab's role ${String(e.details.roleArn).split('/').pop()}`
          : `left by an interrupted cleanup: profile ${String(e.details.profile)}`,
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

  // Sessions of the run's roles that the CLI cached: useless once the role is gone, and a
  // trap for the next run (role-sessions.ts).
  actions.push(...(await cachedRoleSessions(input)));

  // Every other registered kind, in dependency order: only what is provably the lab's.
  const open = ledgerFor(store, run.id)
    .filter((e) => !e.removedAt && e.kind !== 'access-key' && e.kind !== 'profile-section')
    .map((e) => ({ e, kind: kindOf(e.kind) }))
    .sort((a, b) => (a.kind?.order ?? 99) - (b.kind?.order ?? 99));
  for (const { e, kind } of open) {
    if (!kind) {
      kept.push({ resource: `${e.kind} ${e.resourceId}`, why: 'a kind labrunner does not know' });
      continue;
    }
    const what = kind.describe(e.resourceId, e.details);
    const base = {
      ledgerIds: [e.id],
      resourceKind: e.kind,
      resourceId: e.resourceId,
      details: e.details,
    };
    const id = await identify(kind, target, e.resourceId, e.details);
    if (id.state === 'gone') {
      actions.push({ ...base, kind: 'forget', text: `forget ${what} (already gone)` });
    } else if (id.state === 'other') {
      actions.push({ ...base, kind: 'forget', text: `forget ${what} (the lab's one is gone)` });
      kept.push({
        resource: `${what} (the one there now)`,
        why: `not provably this lab's: ${id.why}`,
      });
    } else {
      const who =
        e.createdBy === 'learner' ? 'created by you during the lab' : 'created by the lab';
      const after =
        e.kind === 'iam-user'
          ? ', after detaching its policies and removing its login profile and keys'
          : '';
      actions.push({ ...base, kind: 'delete-resource', text: `delete ${what} (${who})${after}` });
    }
  }
  const recordedUsers = ledgerFor(store, run.id).filter((e) => e.kind === 'iam-user');
  for (const u of labUsers) {
    if (!recordedUsers.some((e) => e.resourceId === u)) {
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
