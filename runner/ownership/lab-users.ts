// What a lab's definition and a run's records say about ownership: the lab's users (whose new
// keys are the learner's), the kinds it may create, the regions it names, the key ids that
// existed before the run.
import { ledgerFor, type Run, type Store } from '../store/index.ts';

/**
 * IAM reports CreateDate to the second; the run start has milliseconds. A key created in the
 * run's first second must count as the learner's, so compare against the start truncated to the
 * second.
 */
export function runStartSecond(startedAt: string): Date {
  const d = new Date(startedAt);
  d.setUTCMilliseconds(0);
  return d;
}

const KEY_ID = /^A[KS]IA[A-Z0-9]{12,}$/;

/**
 * Key ids the run's baseline (what setup saw at `lab start`) names, wherever in it they are:
 * those existed before the lab and are never the learner's.
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

/**
 * The IAM users whose keys created during the run are the learner's: what the lab definition
 * names (`cleanup.users`, `resources.users`, or `labUser`), and every user the ledger of the run
 * mentions.
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

/** The extra regions a lab declares (`regions` in lab.ts). */
export function regionsOf(lab: unknown): string[] {
  const r = (lab as { regions?: unknown } | undefined)?.regions;
  return Array.isArray(r) ? r.filter((x): x is string => typeof x === 'string') : [];
}

/** The kinds a lab declares it may create: `creates`, or day42's older `resources.learnerCreates`. */
export function createsOf(lab: unknown): string[] {
  const def = (lab ?? {}) as Record<string, any>;
  const list = [
    ...(Array.isArray(def.creates) ? def.creates : []),
    ...(Array.isArray(def.resources?.learnerCreates) ? def.resources.learnerCreates : []),
  ];
  return [...new Set(list.filter((k): k is string => typeof k === 'string'))];
}
