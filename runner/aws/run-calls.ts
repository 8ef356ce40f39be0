// Which calls in the event history are this run's learner's: ownership by identity, never by
// name or time. Another learner in the same account, or an admin's automation, makes calls
// with another identity, so neither their evidence nor what they create is ever this run's.
import type { TrailEvent } from './events.ts';

/** The identity the learner works as, recorded by `lab start` in the run's baseline. */
export function learnerArnOf(
  baseline: Record<string, unknown> | undefined,
  fallback?: string,
): string | undefined {
  const v = baseline?.learnerArn;
  return typeof v === 'string' && v ? v : fallback;
}

/**
 * Was this call the run's learner? Their identity, one of the run's own keys (a lab user's key
 * the learner created), or a session of a role the run created.
 */
export function isRunsCall(
  e: TrailEvent,
  o: { learnerArn?: string; keyIds: Set<string>; roleArns: Set<string> },
): boolean {
  if (e.callerArn && o.learnerArn && e.callerArn === o.learnerArn) return true;
  if (e.accessKeyId && o.keyIds.has(e.accessKeyId)) return true;
  const m = /^arn:aws:sts::(\d+):assumed-role\/([^/]+)\//.exec(e.callerArn ?? '');
  return !!m && o.roleArns.has(`arn:aws:iam::${m[1]}:role/${m[2]}`);
}

/**
 * Did this happen after the run started? AWS event times are whole seconds (then the run's
 * first second counts: the boundary second is the one ambiguity left); the sandbox's have
 * milliseconds and are compared exactly.
 */
export function afterStart(t: Date, startedAt: Date): boolean {
  return t.getTime() >= startedAt.getTime() - (t.getUTCMilliseconds() === 0 ? 999 : 0);
}
