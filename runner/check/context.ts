// What a lab's checks and setup receive. Everything with a side effect (clients,
// clock, store) comes in here, so a lab file is pure logic over the account.
import type { Clients } from '../lab/define.ts';
import type { Target } from '../target/index.ts';
import type { LedgerEntry, LedgerKind } from '../store/index.ts';

export interface Clock {
  now(): Date;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => new Date(),
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
};

export interface RunInfo {
  id: number;
  startedAt: Date;
  /** What setup saw when the run started (e.g. the lab user's existing key ids). */
  baseline: Record<string, unknown>;
}

export interface CheckContext {
  lab: string;
  target: Target;
  /** The runner's own clients (target.clients). */
  clients: Clients;
  run: RunInfo;
  clock: Clock;
  /** Share one lookup between steps checked in the same pass (e.g. the user's keys). */
  memo<T>(key: string, fn: () => Promise<T>): Promise<T>;
  /** Ledger entries of this run (what the lab or learner created). */
  ledger(kind?: LedgerKind): LedgerEntry[];
  /**
   * Record something the learner created (a kind the lab declares in `creates`). Idempotent;
   * never a secret. Cleanup removes it only once ownership is proven: its immutable ids in
   * `details` (e.g. `{ groupId }`), or the learner's creation event in the history.
   */
  remember(kind: LedgerKind, resourceId: string, details?: Record<string, unknown>): void;
}

export interface SetupContext {
  lab: string;
  target: Target;
  clients: Clients;
  run: RunInfo;
  /** Record something the lab created (created_by 'lab'). Never a secret. */
  created(kind: LedgerKind, resourceId: string, details?: Record<string, unknown>): void;
  /** Progress line for slow steps. */
  say(text: string): void;
}
