// A class that hosts the sandbox (issue 21; docs/class.md "A class that hosts the sandbox").
// `lab serve --class --sandbox` runs one sandbox in the server's lab home; each learner who
// joins gets an account of their own in it, and the join answer carries that account's keys
// and the gateway's address. The keys are secrets: they only travel over TLS or to a loopback
// peer (a TLS proxy on the same machine, such as Caddy, is one), unless the instructor said
// `--allow-plain-http` and was told what that exposes.
import type { TLSSocket } from 'node:tls';
import { HttpError, isLoopback, type Ctx } from '../http/index.ts';
import type { AccountEvent, AccountInventory, Identity } from '../../sandbox/index.ts';
import type { ClassStore } from './store/index.ts';

export interface HostedAccount {
  accountId: string;
  learner: { userName: string; arn: string; accessKeyId: string; secretAccessKey: string };
  runner: { userName: string; arn: string; accessKeyId: string; secretAccessKey: string };
}

export interface HostedSandbox {
  /** The class gateway's port; learners reach it under the host name they reached the class by. */
  gatewayPort: number;
  /** The gateway as the server itself reaches it (default http://127.0.0.1:<gatewayPort>). */
  endpoint?: string;
  /** A new isolated account in the class's engine (sandbox createSandboxAccount). */
  createAccount(): Promise<HostedAccount>;
  /** Hand keys out over plain HTTP to other machines too (off unless the instructor asked). */
  allowPlainHttp?: boolean;
  /** The instructor's operations on accounts (hosted-start.ts makes them; tests may leave them out). */
  ops?: HostedOps;
}

/** What the class server asks of the engine for one account (sandbox/engine/account_ops.py). */
export interface HostedOps {
  /** Fresh keys for the account's admin and runner; older ones stop working. */
  issueKeys(accountId: string): Promise<HostedAccount>;
  /** Everything in the account removed, its keys included. */
  wipe(accountId: string): Promise<string[]>;
  /** Many accounts wiped, each engine writing its state once at the end (ending a class). */
  wipeMany(accountIds: string[]): Promise<void>;
  inventory(accountId: string): Promise<AccountInventory>;
  activity(accountId: string, limit?: number): AccountEvent[];
  /** A short-lived key of the server's own hidden identity in the account, for verification. */
  verifierKey(accountId: string): Promise<Identity | undefined>;
  dropVerifier(accountId: string): Promise<void>;
  /** No hosted class is open any more, or the server stops: lift the per-learner rate limit. */
  unlimit?(): void;
}

export const needOps = (s: HostedSandbox | undefined): HostedOps => {
  if (!s?.ops) {
    throw new HttpError(
      409,
      'not_hosted',
      'This class server does not host the sandbox (start it with --sandbox).',
    );
  }
  return s.ops;
};

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

/**
 * The learner's account for this join: a new one the first time; the same one, with fresh keys,
 * when they join again (their old keys stop working) or after the instructor reset it. The
 * store keeps which account is whose, never a key.
 */
export async function hostedJoin(
  c: Ctx,
  s: HostedSandbox,
  store: ClassStore,
  who: { classId: string; learnerId: string },
  now: number,
): Promise<HostedJoin> {
  const had = await store.hosted.account(who.learnerId);
  let account: HostedAccount;
  if (had) {
    account = await needOps(s).issueKeys(had.accountId);
    await store.hosted.keysIssued(who.learnerId, now);
  } else {
    account = await s.createAccount();
    await store.hosted.record(who.classId, who.learnerId, account.accountId, now);
  }
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

export const classEnded = () =>
  new HttpError(
    410,
    'class_ended',
    'This class has ended: its sandbox accounts were cleaned and their keys revoked.',
    { hint: 'Ask your instructor for a new class.' },
  );
