// The flags of a class server that hosts the sandbox (hosted-start.ts), importable by the
// commands without loading anything else.
import { LabError } from '../errors.ts';

export const SANDBOX_ARGS = {
  sandbox: {
    type: 'boolean',
    description:
      'Host the sandbox for the class: each learner who joins gets an isolated AWS account of their own (docs/class.md)',
  },
  'allow-plain-http': {
    type: 'boolean',
    description:
      'With --sandbox: hand learners their keys over plain HTTP to other machines (they cross the network in clear; prefer a TLS proxy)',
  },
  engines: {
    type: 'string',
    description:
      'With --sandbox: spread learners\' accounts over this many engine processes, by account id (default 1; docs/class.md, "How many learners")',
  },
  'learner-rate': {
    type: 'string',
    description:
      "With --sandbox: AWS calls per second each learner's account may make, optionally /burst (default 20/60); beyond it calls get AWS's throttling errors",
  },
} as const;

/** `--learner-rate 20` or `20/60` → the gateway's token bucket; undefined: the default. */
export function learnerRate(
  flag: string | undefined,
): { perSecond: number; burst: number } | undefined {
  if (flag === undefined) return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(?:\/\s*(\d+)\s*)?$/.exec(flag);
  const perSecond = m ? Number(m[1]) : NaN;
  const burst = m?.[2] ? Number(m[2]) : Math.max(1, Math.ceil(perSecond * 3));
  if (!m || !(perSecond > 0) || !(burst >= 1)) {
    throw new LabError(
      'usage',
      `--learner-rate ${flag} is not a rate.`,
      'Give calls per second, optionally with a burst: --learner-rate 20 or --learner-rate 20/60.',
    );
  }
  return { perSecond, burst };
}

/** `--engines 3` → 3; undefined: one engine. */
export function engineCount(flag: string | undefined): number {
  if (flag === undefined) return 1;
  const n = Number(flag);
  if (!Number.isInteger(n) || n < 1 || n > 64) {
    throw new LabError(
      'usage',
      `--engines ${flag} is not a number of engines.`,
      'Give a whole number from 1 to 64, e.g. --engines 2 (about one per core).',
    );
  }
  return n;
}
