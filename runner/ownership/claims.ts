// Two labs open at once in one account (ownership's rule for it). A learner who leaves one lab unfinished and starts
// another creates things for either, with the same identity, in the same history: nothing in
// a creation event says which lab it was for. Claiming it for both let one lab's automatic
// cleanup delete the other's work (iam-groups deleted the access key the learner had just made
// for day42's iam-admin, and day42's plan took iam-groups' lab-reader). So a creation of a kind
// that another open lab also declares in `creates` is claimed by neither run: kept, never
// deleted. Each lab's own records settle what they can: a key on a user that only this run
// holds as its own (day42's iam-admin, created by its setup) belongs to this run. Kinds only
// one open lab declares stay that lab's (s3-basics' bucket beside ec2-first-instance).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { importFile } from '../lab/import-file.ts';
import { afterStart } from '../aws/index.ts';
import { labsRoot } from '../lab/paths.ts';
import { listRuns, type Run, type Store } from '../store/index.ts';
import { labUsersOf } from './lab-users.ts';

export interface Rival {
  run: Run;
  /** The kinds its lab declares; null when its definition cannot be read (then: any kind). */
  creates: Set<string> | null;
}

async function declared(lab: string): Promise<Set<string> | null> {
  const file = join(labsRoot(), lab, 'lab.ts');
  if (!existsSync(file)) return null;
  try {
    const mod = (await importFile(file)) as { default?: { creates?: string[] } };
    return new Set(mod.default?.creates ?? []);
  } catch {
    return null;
  }
}

/** Runs of other labs in the same target and account that were open at any time since `run` began. */
export async function rivalRuns(store: Store, run: Run): Promise<Rival[]> {
  const others = listRuns(store).filter(
    (o) =>
      o.id !== run.id &&
      o.lab !== run.lab &&
      o.target === run.target &&
      o.accountId === run.accountId &&
      (o.endedAt === null || o.endedAt > run.startedAt),
  );
  return Promise.all(others.map(async (o) => ({ run: o, creates: await declared(o.lab) })));
}

/** Rivals open at `at` (started by then, not yet ended) whose lab may create `kind`. */
function openRivals(rivals: Rival[], kind: string, at: Date): Rival[] {
  return rivals.filter(
    ({ run: o, creates }) =>
      afterStart(at, new Date(o.startedAt)) &&
      (o.endedAt === null || new Date(o.endedAt) > at) &&
      (creates === null || creates.has(kind)),
  );
}

/**
 * The other open labs that could equally have asked for a creation of `kind` at `at`: when any,
 * the creation is contested (claimed by no run).
 */
export function contestedBy(rivals: Rival[], kind: string, at: Date): string[] {
  return [...new Set(openRivals(rivals, kind, at).map((r) => r.run.lab))];
}

/** Why a contested thing is kept, as the plan shows it. */
export function contestedWhy(labs: string[], at: Date): string {
  const which = labs.length === 1 ? `lab ${labs[0]} was` : `labs ${labs.join(', ')} were`;
  return `made at ${at.toISOString().slice(11, 19)} UTC while ${which} open too, which may create it as well: not provably this lab's (remove it yourself, or finish both labs one at a time)`;
}

/**
 * For a key on `userName` made at `at`: the other open labs that could claim it too (empty: it
 * is this run's). A key on a user only this run holds as its own is this run's all the same.
 */
export function keyContestedBy(
  store: Store,
  rivals: Rival[],
  at: Date,
  userName: string,
  ourUsers: string[],
): string[] {
  const open = openRivals(rivals, 'access-key', at);
  if (!open.length) return [];
  const ours =
    ourUsers.includes(userName) &&
    !open.some((o) => labUsersOf(undefined, store, o.run).includes(userName));
  return ours ? [] : [...new Set(open.map((o) => o.run.lab))];
}
