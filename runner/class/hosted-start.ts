// `--sandbox` of `lab serve --class` and `lab class serve`: start (or reuse) the sandbox of the
// server's own lab home, listening where the class server listens, and make it the class's.
import {
  createSandboxAccount,
  ensureSandbox,
  ensureSandboxEngines,
  sandboxAccountOps,
  setLearnerRate,
  clearLearnerRate,
  type Env,
} from '../../sandbox/index.ts';
import { isLoopback } from '../http/index.ts';
import type { HostedSandbox } from './hosted.ts';

export { SANDBOX_ARGS } from './hosted-args.ts';

export async function startHostedSandbox(o: {
  home: string;
  host: string;
  allowPlainHttp?: boolean;
  /** Per-learner calls per second (and burst) the gateway answers before throttling. */
  learnerRate?: { perSecond: number; burst: number };
  /** Engine processes the accounts are spread over (by account id); default 1. */
  engines?: number;
  env?: Env;
  say: (line: string) => void;
}): Promise<{ sandbox: HostedSandbox; lines: string[] }> {
  // Written before the gateway starts (and read again by a running one): see gateway/throttle.ts.
  const rate = setLearnerRate(o.home, o.learnerRate);
  const info = await ensureSandbox({ home: o.home, host: o.host, env: o.env, onProgress: o.say });
  const gatewayPort = Number(new URL(info.endpoint).port);
  // Always called: a class started before with more engines goes back to the number asked.
  await ensureSandboxEngines(o.home, o.engines ?? 1, o.env);
  const ops = await sandboxAccountOps();
  const lines = [
    `Class sandbox: gateway on ${o.host}:${gatewayPort}; every learner who joins gets an AWS account of their own in it.`,
    ...((o.engines ?? 1) > 1
      ? [`Accounts are spread over ${o.engines} engine processes by account id.`]
      : []),
    `Each learner's calls are limited to ${rate.perSecond}/s (bursts of ${rate.burst}); more are answered as AWS throttles (--learner-rate).`,
  ];
  if (!isLoopback(o.host)) {
    lines.push(
      o.allowPlainHttp
        ? 'warning: --allow-plain-http: learners on other machines receive their account keys over plain HTTP, readable by anyone on the network path.'
        : 'Learners on other machines get their keys only over TLS: put a TLS proxy (e.g. Caddy) in front of the class server, or pass --allow-plain-http.',
    );
  }
  return {
    sandbox: {
      gatewayPort,
      endpoint: info.endpoint,
      createAccount: () => createSandboxAccount(o.home),
      allowPlainHttp: o.allowPlainHttp,
      ops: {
        issueKeys: (id) => ops.issueKeys(o.home, id),
        wipe: (id) => ops.wipeAccount(o.home, id),
        wipeMany: (ids) => ops.wipeAccounts(o.home, ids),
        inventory: (id) => ops.accountInventory(o.home, id),
        activity: (id, limit) => ops.accountActivity(o.home, id, limit),
        verifierKey: (id) => ops.verifierKey(o.home, id),
        dropVerifier: (id) => ops.dropVerifier(o.home, id),
        unlimit: () => clearLearnerRate(o.home),
      },
    },
    lines,
  };
}
