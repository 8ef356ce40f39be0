// The per-learner call rate of a class that hosts the sandbox (gateway/throttle.ts reads it).
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { layout } from './layout.ts';

/**
 * 20 calls a second, bursts of 60, per learner account: a learner typing (and `lab check`,
 * which reads the account in a few dozen calls) never meets it; a loop or script that fires
 * hundreds of calls is slowed to that pace, so the engine stays free for the rest of the class.
 */
export const DEFAULT_LEARNER_RATE = { perSecond: 20, burst: 60 };

/** Set the limit for this home's gateway (a running one applies it within a second). */
export function setLearnerRate(
  home: string,
  rate: { perSecond: number; burst: number } = DEFAULT_LEARNER_RATE,
): { perSecond: number; burst: number } {
  const dir = layout(home).gatewayState;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(join(dir, 'learner-rate.json'), JSON.stringify(rate) + '\n', { mode: 0o600 });
  return rate;
}

/**
 * Lift the limit: the class that set it ended, or its server stopped. The file outlives the
 * gateway otherwise, and this home's own sandbox (`lab start` here) would stay rate-limited.
 */
export function clearLearnerRate(home: string): void {
  rmSync(join(layout(home).gatewayState, 'learner-rate.json'), { force: true });
}
