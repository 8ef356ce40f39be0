// Per-account call rate limits for a class that hosts the sandbox (issue 21): one learner's
// burst (a loop of create-user, a runaway script) must not starve the others, who share one
// engine. Each account has a token bucket; an empty bucket is answered as AWS throttles, in the
// protocol's own words, so the SDKs and the CLIs back off and retry as they do against AWS.
//
// Codes and statuses are the ones botocore's retry handler treats as throttling
// (botocore/data/_retry.json: "Throttling" 400 and "ThrottlingException" 400 in
// `definitions`, EC2's "RequestLimitExceeded" 503 under `ec2`; botocore/retries/standard.py
// lists "SlowDown" among THROTTLED_ERROR_CODES), with S3's status for SlowDown (S3 API
// Reference, "Error codes": SlowDown, "Please reduce your request rate.", 503 Slow Down).
//
// The limit is set by the class server in <gateway state>/learner-rate.json (written before the
// gateway starts, and re-read within a second by a gateway already running); no file, no limit
// (a learner's own sandbox on their laptop is never throttled).
import fs from 'node:fs';
import path from 'node:path';
import type { AwsError } from './envelope.ts';
import type { Protocol } from './request.ts';

export const LEARNER_RATE_FILE = 'learner-rate.json';

export interface Rate {
  perSecond: number;
  burst: number;
}

const ANSWERS: Record<Protocol, Omit<AwsError, 'message'> & { message: string }> = {
  query: { status: 400, code: 'Throttling', message: 'Rate exceeded', type: 'Sender' },
  json: { status: 400, code: 'ThrottlingException', message: 'Rate exceeded' },
  ec2: { status: 503, code: 'RequestLimitExceeded', message: 'Request limit exceeded.' },
  'rest-xml': { status: 503, code: 'SlowDown', message: 'Please reduce your request rate.' },
};

export function throttledError(protocol: Protocol): AwsError {
  return { ...(ANSWERS[protocol] ?? ANSWERS.query) };
}

/**
 * The class server's own reader of a learner's account (sandbox/engine/account_ops.py VERIFIER):
 * its key lives only in the server's memory, for a few reads; a learner's burst must not make
 * the server's verification of that learner fail.
 */
const CLASS_SERVER_USER = 'labrunner-class';
/**
 * The runner's identity in a learner's account (`labrunner`, engine identities.py): `lab check`
 * reads the account in a burst of its own (event history in several regions, keys, users), which
 * must not fail because the learner typed fast, nor be starved by the learner's own loop. It gets
 * a bucket of its own, five times the learner's (and at least 100 calls of burst): still bounded,
 * as the learner holds that key too.
 */
const RUNNER_USER = 'labrunner';
const RUNNER_FACTOR = 5;

export interface Throttle {
  /** True when the account may make this call now (and it is counted); false: throttle it. */
  take(accountId: string, userName?: string | null): boolean;
}

export function accountThrottle(stateDir: string, now = () => performance.now()): Throttle {
  const file = path.join(stateDir, LEARNER_RATE_FILE);
  let rate: Rate | undefined;
  let readAt = -Infinity;
  let mtime = -1;
  const buckets = new Map<string, { tokens: number; at: number }>();
  const current = (): Rate | undefined => {
    const t = now();
    if (t - readAt < 1000) return rate;
    readAt = t;
    try {
      const st = fs.statSync(file);
      if (st.mtimeMs !== mtime) {
        mtime = st.mtimeMs;
        const r = JSON.parse(fs.readFileSync(file, 'utf8')) as Rate;
        rate = r.perSecond > 0 && r.burst >= 1 ? r : undefined;
        buckets.clear();
      }
    } catch {
      rate = undefined;
      mtime = -1;
    }
    return rate;
  };
  return {
    take(accountId, userName) {
      const learner = current();
      if (!learner || userName === CLASS_SERVER_USER) return true;
      const runner = userName === RUNNER_USER;
      const r = runner
        ? {
            perSecond: learner.perSecond * RUNNER_FACTOR,
            burst: Math.max(100, learner.burst * RUNNER_FACTOR),
          }
        : learner;
      const key = runner ? `${accountId}:runner` : accountId;
      const t = now();
      const b = buckets.get(key) ?? { tokens: r.burst, at: t };
      b.tokens = Math.min(r.burst, b.tokens + ((t - b.at) / 1000) * r.perSecond);
      b.at = t;
      buckets.set(key, b);
      if (b.tokens < 1) return false;
      b.tokens -= 1;
      return true;
    },
  };
}
