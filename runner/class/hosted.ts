// A class that hosts the sandbox (issue 21; docs/class.md "A class that hosts the sandbox").
// `lab serve --class --sandbox` runs one sandbox in the server's lab home; each learner who
// joins gets an account of their own in it, and the join answer carries that account's keys
// and the gateway's address. The keys are secrets: they only travel over TLS or to a loopback
// peer (a TLS proxy on the same machine, such as Caddy, is one), unless the instructor said
// `--allow-plain-http` and was told what that exposes.
import type { TLSSocket } from 'node:tls';
import { HttpError, isLoopback, type Ctx } from '../http/index.ts';

export interface HostedAccount {
  accountId: string;
  learner: { userName: string; arn: string; accessKeyId: string; secretAccessKey: string };
  runner: { userName: string; arn: string; accessKeyId: string; secretAccessKey: string };
}

export interface HostedSandbox {
  /** The class gateway's port; learners reach it under the host name they reached the class by. */
  gatewayPort: number;
  /** A new isolated account in the class's engine (sandbox createSandboxAccount). */
  createAccount(): Promise<HostedAccount>;
  /** Hand keys out over plain HTTP to other machines too (off unless the instructor asked). */
  allowPlainHttp?: boolean;
}

/** What the join answer adds: where the sandbox is, and the learner's account. */
export interface HostedJoin extends HostedAccount {
  endpoint: string;
  region: string;
}

/** Refuse (403, before anything is created) a join whose answer would carry keys in clear. */
export function keysMayTravel(c: Ctx, s: HostedSandbox): void {
  const socket = c.env?.incoming?.socket as TLSSocket | undefined;
  const peer = (socket?.remoteAddress ?? '').replace(/^::ffff:/, '');
  if (socket?.encrypted || isLoopback(peer) || s.allowPlainHttp) return;
  throw new HttpError(
    403,
    'plain_http_keys',
    'This class hands each learner AWS keys for their sandbox account, and this request came over plain HTTP from another machine. ' +
      'Put a TLS proxy (e.g. Caddy) in front of the class server, or start it with --allow-plain-http to accept that the keys cross the network in clear.',
  );
}

export async function hostedJoin(c: Ctx, s: HostedSandbox): Promise<HostedJoin> {
  const account = await s.createAccount();
  // The name the learner used for the class server (the guard has checked it) with the
  // gateway's port: what reached this server reaches the gateway on the same machine.
  const hostname = new URL(`http://${c.req.header('host') ?? '127.0.0.1'}`).hostname;
  return {
    endpoint: `http://${hostname}:${s.gatewayPort}`,
    region: 'us-east-1',
    accountId: account.accountId,
    learner: account.learner,
    runner: account.runner,
  };
}
