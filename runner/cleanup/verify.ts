// Verify: after executing, look again, at the account and at the files, rather
// than trusting that every call did what it said. The report names anything
// the lab created that is still there, and why.
import { existsSync } from 'node:fs';
import { ledgerFor, type Store } from '../store/index.ts';
import { identify, kindOf } from '../resources/index.ts';
import { listKeys } from './discover.ts';
import { findProfileSections } from './profiles.ts';
import { parseSections, readCliFile, settingValue } from './profile-file.ts';
import type { CleanupPlan, CleanupTarget, Kept } from './types.ts';

export async function verifyCleanup(
  plan: CleanupPlan,
  o: { target: CleanupTarget; store: Store },
): Promise<Kept[]> {
  const iam = o.target.clients.iam;
  const remaining: Kept[] = [];
  const entries = ledgerFor(o.store, plan.runId);

  const keysByUser = new Map<string, string[]>();
  for (const e of entries.filter((x) => x.kind === 'access-key')) {
    const user = String(e.details.userName ?? '');
    keysByUser.set(user, [...(keysByUser.get(user) ?? []), e.resourceId]);
  }
  for (const [user, ids] of keysByUser) {
    // No user name: ListAccessKeys would list the runner's own keys instead. Every writer
    // of the ledger records one; the ledger check below still reports an unfinished entry.
    if (!user) continue;
    const live = new Set((await listKeys(iam, user)).map((k) => k.AccessKeyId));
    for (const id of ids.filter((i) => live.has(i))) {
      remaining.push({
        resource: `access key ${id} of ${user}`,
        why: 'still exists in the account',
      });
    }
  }
  // Every other registered kind: the recorded resource (same immutable ids) must be gone.
  for (const e of entries) {
    if (e.kind === 'access-key' || e.kind === 'profile-section') continue;
    const kind = kindOf(e.kind);
    if (!kind) continue;
    const id = await identify(kind, o.target, e.resourceId, e.details);
    if (id.state === 'same')
      remaining.push({
        resource: kind.describe(e.resourceId, e.details),
        why: 'still exists in the account',
      });
  }
  const keyIds = new Set(entries.filter((x) => x.kind === 'access-key').map((x) => x.resourceId));
  const { remove } = await findProfileSections(o.target.learnerFiles, keyIds);
  for (const s of remove) {
    remaining.push({
      resource: `[${s.header}] in ${s.path}`,
      why:
        s.reason === 'holds-key'
          ? `still holds the deleted key ${s.keyId}`
          : `still configures profile ${s.profile}`,
    });
  }
  // Every profile section the ledger recorded must be gone from its file, unless it
  // now holds some other key (re-configured by the learner since: theirs again).
  const reported = new Set(remaining.map((r) => r.resource));
  for (const e of entries.filter((x) => x.kind === 'profile-section')) {
    const cut = e.resourceId.lastIndexOf('#');
    const path = e.resourceId.slice(0, cut);
    const header = e.resourceId.slice(cut + 1);
    const text = await readCliFile(path);
    const s = text && parseSections(text).sections.find((x) => x.header === header);
    const id = s && s.settings.find(([k]) => k === 'aws_access_key_id');
    const resource = `[${header}] in ${path}`;
    if (s && (!id || keyIds.has(settingValue(id[1]))) && !reported.has(resource)) {
      remaining.push({ resource, why: 'recorded for removal, still in the file' });
      reported.add(resource);
    }
  }
  for (const a of plan.actions.filter((x) => x.kind === 'remove-cached-session')) {
    if (existsSync(a.path!)) {
      remaining.push({ resource: `the CLI's cached session in ${a.path}`, why: 'still on disk' });
    }
  }
  // Anything the ledger still lists as not removed is not finished either.
  for (const e of entries.filter((x) => !x.removedAt)) {
    const what =
      e.kind === 'profile-section'
        ? `[${e.resourceId.split('#').pop()}] in ${e.resourceId.slice(0, e.resourceId.lastIndexOf('#'))}`
        : e.kind === 'access-key'
          ? `access key ${e.resourceId} of ${String(e.details.userName ?? '')}`
          : (kindOf(e.kind)?.describe(e.resourceId, e.details) ?? `${e.kind} ${e.resourceId}`);
    if (!reported.has(what))
      remaining.push({ resource: what, why: 'not yet marked done in the ledger' });
  }
  return remaining;
}
