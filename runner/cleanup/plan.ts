// Plan: decide exactly what to remove before anything is changed. What is the run's is
// ownership's to say (runner/ownership: recorded at creation, by id, in every region); the plan
// turns its record into ordered actions and a `keep` list. Planning records what it discovers in
// the ledger (keys, profile sections), so a cleanup that is killed halfway finds the same work
// on its rerun, even for things that are already half gone.
import type { AccessKeyMetadata } from '@aws-sdk/client-iam';
import { ledgerFor, recordCreated, type LedgerEntry } from '../store/index.ts';
import { kindOf } from '../resources/index.ts';
import { parseSections, readCliFile } from '../resources/profile-file.ts';
import {
  findProfileSections,
  foreignKeys,
  keptKeysElsewhere,
  usersBeforeTheLab,
  decide,
  labUsersOf,
  listKeys,
  recordCreations,
  recordRoleProfiles,
} from '../ownership/index.ts';
import { cachedRoleSessions } from './role-sessions.ts';
import type { CleanupAction, CleanupPlan, Kept, PlanInput } from './types.ts';

export async function planCleanup(input: PlanInput): Promise<CleanupPlan> {
  const { run, target, store } = input;
  // What the learner created of every declared kind, in every enabled region, first: a user
  // found here is a lab user whose new keys are the learner's too.
  const own = {
    run,
    target,
    store,
    creates: input.creates ?? [],
    labUsers: input.labUsers,
    regions: input.regions,
    // Every enabled region only for a lab that may make regional things: an IAM-only lab's
    // creations are all in IAM's history (no ec2:DescribeRegions needed, no 17 lookups).
    everyRegion: (input.creates ?? []).some((k) => kindOf(k)?.regional),
  };
  const recorded = await recordCreations(own);
  const kept: Kept[] = [...recorded.kept];
  const held: Kept[] = [];
  await recordRoleProfiles(input, run.id);
  const labUsers = [...new Set([...(input.labUsers ?? []), ...labUsersOf(undefined, store, run)])];
  const iam = target.clients.iam;
  const actions: CleanupAction[] = [];

  // Every recorded thing but keys and profile sections, in dependency order; which users would
  // be deleted decides whose keys are looked at.
  const others = ledgerFor(store, run.id)
    .filter((e) => !e.removedAt && e.kind !== 'access-key' && e.kind !== 'profile-section')
    .sort((a, b) => (kindOf(a.kind)?.order ?? 99) - (kindOf(b.kind)?.order ?? 99));
  const users = others.filter((e) => e.kind === 'iam-user');
  const deletingUsers = new Set(
    (await decide(target, users, new Map()))
      .filter((d) => d.action === 'delete')
      .map((d) => d.entry.resourceId),
  );

  // Keys on the lab's users (and on users the plan deletes) that the run did not make: kept, and a
  // user holding one is kept too, since deleting it would delete that key with it.
  const foreign = await foreignKeys(
    own,
    [...new Set([...labUsers, ...deletingUsers])],
    recorded.contestedKeys,
  );
  kept.push(...foreign.map(({ resource, why }) => ({ resource, why })));
  const holding = new Map<string, string[]>();
  for (const f of foreign) holding.set(f.userName, [...(holding.get(f.userName) ?? []), f.keyId]);
  kept.push(
    ...(await keptKeysElsewhere(own, recorded.contestedKeys, [...labUsers, ...deletingUsers])),
  );

  const entries = ledgerFor(store, run.id);
  const keyEntries = entries.filter((e) => e.kind === 'access-key');
  // Live state of every key of every user involved, to plan only what is needed.
  const userOf = (e: (typeof keyEntries)[number]) =>
    String(e.details.userName ?? labUsers[0] ?? '');
  const involved = new Set([...labUsers, ...keyEntries.map(userOf), ...deletingUsers]);
  const live = new Map<string, AccessKeyMetadata>();
  for (const u of involved) for (const k of await listKeys(iam, u)) live.set(k.AccessKeyId!, k);

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

  actions.push(...(await profileActions(input, keyEntries, kept)));
  // Sessions of the run's roles that the CLI cached: useless once the role is gone, and a
  // trap for the next run (role-sessions.ts).
  actions.push(...(await cachedRoleSessions(input)));

  for (const d of await decide(target, others, holding)) {
    const e = d.entry;
    const base = {
      ledgerIds: [e.id],
      resourceKind: e.kind,
      resourceId: e.resourceId,
      details: e.details,
    };
    if (d.action === 'keep') {
      kept.push({ resource: d.what, why: d.why });
      if (d.held) held.push({ resource: d.what, why: d.why });
    } else if (d.action === 'forget') {
      const note = d.gone ? 'already gone' : "the lab's one is gone";
      actions.push({ ...base, kind: 'forget', text: `forget ${d.what} (${note})` });
      if (!d.gone) kept.push(d.keep);
    } else {
      const kind = kindOf(e.kind)!;
      const who =
        e.createdBy === 'learner' ? 'created by you during the lab' : 'created by the lab';
      const after =
        e.kind === 'iam-user'
          ? ', after detaching its policies and removing its login profile and keys'
          : '';
      // "detach …", "remove … from group …", "terminate …": the removal as it is.
      const doing = kind.removing?.(e.resourceId, e.details) ?? `delete ${d.what}`;
      const region = typeof e.details.region === 'string' ? e.details.region : undefined;
      const where =
        kind.removing && kind.regional && region && region !== target.region ? ` in ${region}` : '';
      actions.push({ ...base, kind: 'delete-resource', text: `${doing}${where} (${who})${after}` });
    }
  }
  kept.push(...usersBeforeTheLab(own, labUsers));

  return {
    runId: run.id,
    lab: run.lab,
    target: { kind: target.kind, accountId: target.accountId, label: target.label },
    startedAt: run.startedAt,
    actions,
    kept,
    held,
    keyIds: keyEntries.map((e) => e.resourceId),
    users: entries
      .filter((e) => e.kind === 'iam-user' && e.createdBy === 'lab')
      .map((e) => e.resourceId),
    unreadRegions: recorded.writes.filter((w) => w.unread).map((w) => w.region),
    proof: {
      kinds: [...new Set(entries.map((e) => e.kind))].sort(),
      regions: [
        ...new Set([target.region ?? 'us-east-1', ...recorded.writes.map((w) => w.region)]),
      ],
    },
  };
}

/** Profile sections that hold one of the run's keys (deleted now or earlier), or assume its roles. */
async function profileActions(
  input: PlanInput,
  keyEntries: LedgerEntry[],
  kept: Kept[],
): Promise<CleanupAction[]> {
  const { run, target, store } = input;
  const keyIds = new Set(keyEntries.map((e) => e.resourceId));
  const found = await findProfileSections(target.learnerFiles, keyIds);
  kept.push(...found.kept.map((k) => ({ resource: `[${k.header}] in ${k.path}`, why: k.why })));
  const byPath = new Map<string, CleanupAction>();
  const why = new Map<string, string>();
  const actionFor = (path: string, file: 'config' | 'credentials') =>
    byPath.get(path) ?? {
      kind: 'remove-profile-section' as const,
      ledgerIds: [],
      text: '',
      path,
      file,
      headers: [],
    };
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
    const a = actionFor(s.path, s.file);
    a.ledgerIds.push(entry.id);
    a.headers!.push(s.header);
    byPath.set(s.path, a);
  }
  // Sections recorded by an earlier, interrupted cleanup: finish those still in the files (the
  // other half of a profile may no longer sit next to its key), and close the ledger entries of
  // those already gone.
  for (const e of ledgerFor(store, run.id)) {
    if (e.kind !== 'profile-section' || e.removedAt) continue;
    const cut = e.resourceId.lastIndexOf('#');
    const path = e.resourceId.slice(0, cut);
    const header = e.resourceId.slice(cut + 1);
    const a = actionFor(path, e.details.file === 'config' ? 'config' : 'credentials');
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
  }
  return [...byPath.values()];
}
