// The ledger: what the lab (setup) or the learner (during a run) created, so
// cleanup removes exactly that and nothing else. `details` is JSON and never
// holds a secret: recordCreated refuses keys that look like one.
import { tx, iso, type Store } from './db.ts';

/** A kind from the resource registry (runner/resources/registry.ts), e.g. 'iam-group'. */
export type LedgerKind = string;

export interface LedgerEntry {
  id: number;
  runId: number;
  kind: LedgerKind;
  /** User name, access key id, or "<file>#<section>" for a profile section. */
  resourceId: string;
  details: Record<string, unknown>;
  createdBy: 'lab' | 'learner';
  createdAt: string;
  removedAt: string | null;
}

interface LedgerRow {
  id: number;
  run_id: number;
  kind: LedgerKind;
  resource_id: string;
  details: string;
  created_by: 'lab' | 'learner';
  created_at: string;
  removed_at: string | null;
}

const toEntry = (r: LedgerRow): LedgerEntry => ({
  id: r.id,
  runId: r.run_id,
  kind: r.kind,
  resourceId: r.resource_id,
  details: JSON.parse(r.details),
  createdBy: r.created_by,
  createdAt: r.created_at,
  removedAt: r.removed_at,
});

// A value of exactly 40 base64 characters is what an AWS secret access key looks like.
const SECRETISH = /^[A-Za-z0-9+/]{40}$/;
const SECRET_FIELDS = /secret|password|token/i;

function assertNoSecret(details: Record<string, unknown>): void {
  const bad = Object.entries(details).find(
    ([k, v]) => SECRET_FIELDS.test(k) || (typeof v === 'string' && SECRETISH.test(v)),
  );
  if (bad) throw new Error(`ledger details must never hold a secret (field ${bad[0]})`);
}

/**
 * Record that something was created during run `runId`. Recording the same
 * (run, kind, resource) twice keeps the first entry (idempotent), and returns it; details it
 * did not have yet (an id looked up later) are added, details it had are never overwritten:
 * the first immutable id seen is the one ownership is proven against.
 */
export function recordCreated(
  db: Store,
  e: {
    runId: number;
    kind: LedgerKind;
    resourceId: string;
    details?: Record<string, unknown>;
    createdBy: 'lab' | 'learner';
    createdAt?: Date;
  },
): LedgerEntry {
  const details = e.details ?? {};
  assertNoSecret(details);
  return tx(db, () => {
    db.prepare(
      `INSERT INTO ledger (run_id, kind, resource_id, details, created_by, created_at)
       VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (run_id, kind, resource_id)
       DO UPDATE SET details = json_patch(excluded.details, ledger.details)`,
    ).run(
      e.runId,
      e.kind,
      e.resourceId,
      JSON.stringify(details),
      e.createdBy,
      iso(e.createdAt ?? new Date()),
    );
    return toEntry(
      db
        .prepare('SELECT * FROM ledger WHERE run_id = ? AND kind = ? AND resource_id = ?')
        .get(e.runId, e.kind, e.resourceId) as unknown as LedgerRow,
    );
  });
}

/**
 * Replace the details of a ledger entry (by id): ownership does so when the run's learner made a
 * same-named thing again after deleting the first (a retry), so the newest of theirs is the one
 * proven. Never a secret.
 */
export function replaceDetails(db: Store, entryId: number, details: Record<string, unknown>): void {
  assertNoSecret(details);
  tx(db, () => {
    db.prepare('UPDATE ledger SET details = ? WHERE id = ?').run(JSON.stringify(details), entryId);
  });
}

/** Mark a ledger entry (by id) removed; removing twice keeps the first time. */
export function markRemoved(db: Store, entryId: number, now: Date = new Date()): void {
  tx(db, () => {
    db.prepare('UPDATE ledger SET removed_at = COALESCE(removed_at, ?) WHERE id = ?').run(
      iso(now),
      entryId,
    );
  });
}

/** Everything recorded for a run, oldest first (removed entries included; filter on removedAt). */
export function ledgerFor(db: Store, runId: number): LedgerEntry[] {
  return (
    db
      .prepare('SELECT * FROM ledger WHERE run_id = ? ORDER BY id')
      .all(runId) as unknown as LedgerRow[]
  ).map(toEntry);
}
