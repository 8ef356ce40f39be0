// `lab cleanup --expired`: runs left open past their lab's time limit
// (frontmatter `timeLimitMinutes`; when the lab cannot be read, twice its
// `minutes`, else DEFAULT_LIMIT_MINUTES).
import { listRuns, type Run, type Store } from '../store/index.ts';

export const DEFAULT_LIMIT_MINUTES = 120;

export interface LabLimits {
  timeLimitMinutes?: number;
  minutes?: number;
}

export function limitMinutes(meta: LabLimits | undefined): number {
  if (meta?.timeLimitMinutes) return meta.timeLimitMinutes;
  if (meta?.minutes) return meta.minutes * 2;
  return DEFAULT_LIMIT_MINUTES;
}

/**
 * Open runs (running, or completed but not yet cleaned) against `target` and
 * `accountId` whose start is longer ago than their lab's limit.
 */
export function expiredRuns(
  store: Store,
  o: {
    target: string;
    accountId: string;
    now: Date;
    limitFor: (lab: string) => number;
    lab?: string;
  },
): Run[] {
  return listRuns(store, o.lab).filter(
    (r) =>
      (r.status === 'running' || r.status === 'completed') &&
      r.target === o.target &&
      r.accountId === o.accountId &&
      o.now.getTime() - new Date(r.startedAt).getTime() > o.limitFor(r.lab) * 60_000,
  );
}
