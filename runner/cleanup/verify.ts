// Verify: after executing, look again, at the account and at the files, rather than trusting that
// every call did what it said. "clean" rests on this proof: the plan read the event history of
// every enabled region (a region it could not read is itself a leftover: unproven); every thing
// the run recorded, of every kind, is identified again by its ids in the region it was made in;
// both CLI files are re-read. The report names anything the lab created still there, and why.
import { existsSync } from 'node:fs';
import { ledgerFor, type Store } from '../store/index.ts';
import { kindOf } from '../resources/index.ts';
import { parseSections, readCliFile, settingValue } from '../resources/profile-file.ts';
import { describeEntry, findProfileSections, judge, listKeys } from '../ownership/index.ts';
import type { CleanupPlan, CleanupTarget, Kept } from './types.ts';

export async function verifyCleanup(
  plan: CleanupPlan,
  o: { target: CleanupTarget; store: Store },
): Promise<Kept[]> {
  const iam = o.target.clients.iam;
  const remaining: Kept[] = [];
  const reported = new Set<string>();
  const add = (k: Kept) => {
    if (reported.has(k.resource)) return;
    reported.add(k.resource);
    remaining.push(k);
  };
  for (const region of plan.unreadRegions) {
    add({
      resource: `the event history of ${region}`,
      why: 'could not be read, so what the lab may have made there is not proven gone (run `lab cleanup` again)',
    });
  }
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
      add({ resource: `access key ${id} of ${user}`, why: 'still exists in the account' });
    }
  }
  // Every other registered kind, in its region: the recorded resource (same ids) must be gone.
  const heldWhy = new Map(plan.held.map((h) => [h.resource, h.why]));
  for (const e of entries) {
    if (e.kind === 'access-key' || e.kind === 'profile-section') continue;
    if (!kindOf(e.kind)) continue;
    const v = await judge(o.target, e);
    if (v.state === 'same')
      add({ resource: v.what, why: heldWhy.get(v.what) ?? 'still exists in the account' });
  }
  const keyIds = new Set(entries.filter((x) => x.kind === 'access-key').map((x) => x.resourceId));
  const { remove } = await findProfileSections(o.target.learnerFiles, keyIds);
  for (const s of remove) {
    add({
      resource: `[${s.header}] in ${s.path}`,
      why:
        s.reason === 'holds-key'
          ? `still holds the deleted key ${s.keyId}`
          : `still configures profile ${s.profile}`,
    });
  }
  // Every profile section the ledger recorded must be gone from its file, unless it
  // now holds some other key (re-configured by the learner since: theirs again).
  for (const e of entries.filter((x) => x.kind === 'profile-section')) {
    const cut = e.resourceId.lastIndexOf('#');
    const path = e.resourceId.slice(0, cut);
    const header = e.resourceId.slice(cut + 1);
    const text = await readCliFile(path);
    const s = text && parseSections(text).sections.find((x) => x.header === header);
    const id = s && s.settings.find(([k]) => k === 'aws_access_key_id');
    if (s && (!id || keyIds.has(settingValue(id[1])))) {
      add({ resource: `[${header}] in ${path}`, why: 'recorded for removal, still in the file' });
    }
  }
  for (const a of plan.actions.filter((x) => x.kind === 'remove-cached-session')) {
    if (existsSync(a.path!)) {
      add({ resource: `the CLI's cached session in ${a.path}`, why: 'still on disk' });
    }
  }
  // Anything the ledger still lists as not removed is not finished either.
  for (const e of ledgerFor(o.store, plan.runId).filter((x) => !x.removedAt)) {
    const what =
      e.kind === 'profile-section'
        ? `[${e.resourceId.split('#').pop()}] in ${e.resourceId.slice(0, e.resourceId.lastIndexOf('#'))}`
        : e.kind === 'access-key'
          ? `access key ${e.resourceId} of ${String(e.details.userName ?? '')}`
          : describeEntry(o.target, e);
    add({ resource: what, why: heldWhy.get(what) ?? 'not yet marked done in the ledger' });
  }
  return remaining;
}
