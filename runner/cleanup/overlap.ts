// Two labs open at once in one account. A learner who leaves one lab unfinished and starts
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
import { pathToFileURL } from 'node:url';
import { afterStart } from '../aws/index.ts';
import { labsRoot } from '../lab/paths.ts';
import { listRuns, type Run, type Store } from '../store/index.ts';
import { labUsersOf } from './discover.ts';

export interface Rival {
  run: Run;
  /** The kinds its lab declares; null when its definition cannot be read (then: any kind). */
  creates: Set<string> | null;
}

async function declared(lab: string): Promise<Set<string> | null> {
  const file = join(labsRoot(), lab, 'lab.ts');
  if (!existsSync(file)) return null;
  try {
    const mod = (await import(pathToFileURL(file).href)) as { default?: { creates?: string[] } };
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

/** A creation of `kind` at `at` that another open lab could equally have asked for. */
export function contested(rivals: Rival[], kind: string, at: Date): boolean {
  return openRivals(rivals, kind, at).length > 0;
}

/** For a key on `userName` made at `at`: whether it is this run's despite another open lab. */
export function keyIsOurs(
  store: Store,
  rivals: Rival[],
  at: Date,
  userName: string,
  ourUsers: string[],
): boolean {
  const open = openRivals(rivals, 'access-key', at);
  if (!open.length) return true;
  return (
    ourUsers.includes(userName) &&
    !open.some((o) => labUsersOf(undefined, store, o.run).includes(userName))
  );
}
