// `--sandbox` of `lab serve --class` and `lab class serve`: start (or reuse) the sandbox of the
// server's own lab home, listening where the class server listens, and make it the class's.
import { createSandboxAccount, ensureSandbox, type Env } from '../../sandbox/index.ts';
import { isLoopback } from '../http/index.ts';
import type { HostedSandbox } from './hosted.ts';

export { SANDBOX_ARGS } from './hosted-args.ts';

export async function startHostedSandbox(o: {
  home: string;
  host: string;
  allowPlainHttp?: boolean;
  env?: Env;
  say: (line: string) => void;
}): Promise<{ sandbox: HostedSandbox; lines: string[] }> {
  const info = await ensureSandbox({ home: o.home, host: o.host, env: o.env, onProgress: o.say });
  const gatewayPort = Number(new URL(info.endpoint).port);
  const lines = [
    `Class sandbox: gateway on ${o.host}:${gatewayPort}; every learner who joins gets an AWS account of their own in it.`,
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
      createAccount: () => createSandboxAccount(o.home),
      allowPlainHttp: o.allowPlainHttp,
    },
    lines,
  };
}
