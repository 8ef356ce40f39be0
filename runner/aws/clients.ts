// AWS SDK v3 clients for one identity. Each client is built on first use:
// loading @aws-sdk/client-ec2 alone costs ~0.35 s, and most checks never touch
// EC2, so `lab check` pays only for the services it calls. `require` (not
// `import()`) keeps the getters synchronous, matching the `Clients` contract.
import { createRequire } from 'node:module';
import type { Clients } from '../lab/define.ts';
import type { Credentials } from '../../sandbox/index.ts';
import pkg from '../../package.json' with { type: 'json' };
import { isDenial, tagError } from './denied.ts';

const require = createRequire(import.meta.url);
const built = new WeakMap<Clients, Partial<Clients>>();

/** Every call the runner makes carries this, so checks can ignore the runner's own calls. */
export const USER_AGENT = `labrunner/${pkg.version}`;

export interface ClientOptions {
  region: string;
  /** A custom endpoint (the sandbox gateway); absent on AWS. */
  endpoint?: string;
  /** Static credentials (sandbox, a learner profile); absent → the SDK's default chain. */
  credentials?: Credentials & { sessionToken?: string };
  /** A named profile for the SDK's default chain (AWS target). */
  profile?: string;
  /**
   * Set for the runner's own identity: its errors are tagged as the runner's, and every denial
   * is reported here (even one a check catches), so it can stop the run instead of failing a step.
   */
  onRunnerDenied?: (e: Error) => void;
}

/** Tag each error with "service:Operation" (and whose identity made the call); see denied.ts. */
function tagged<C>(client: C, service: string, o: ClientOptions): C {
  const stack = (client as { middlewareStack: { add: (...a: unknown[]) => void } }).middlewareStack;
  stack.add(
    (next: (a: unknown) => Promise<unknown>, context: { commandName?: string }) =>
      async (args: unknown) => {
        try {
          return await next(args);
        } catch (e) {
          const operation = `${service}:${(context.commandName ?? '?').replace(/Command$/, '')}`;
          tagError(e, { operation, runner: !!o.onRunnerDenied });
          if (o.onRunnerDenied && isDenial(e)) o.onRunnerDenied(e as Error);
          throw e;
        }
      },
    { step: 'initialize', name: 'labrunnerTagErrors' },
  );
  return client;
}

/**
 * The HTTP handler's options for a sandbox endpoint. Over plain http:// no https Agent is ever
 * used, yet the SDK's handler makes one with each client unless given one (an object with
 * destroy()): given this, `lab check` from the start-up snapshot never loads node:https and
 * node:tls, which the snapshot cannot hold (~10 ms of a check's CPU; bench/README.md).
 */
function sandboxHandler(endpoint: string) {
  const plain = endpoint.startsWith('http:');
  return { connectionTimeout: 2_000, ...(plain ? { httpsAgent: { destroy() {} } } : {}) };
}

export function makeClients(o: ClientOptions): Clients {
  const config = {
    region: o.region,
    customUserAgent: USER_AGENT,
    ...(o.endpoint ? { endpoint: o.endpoint } : {}),
    ...(o.credentials ? { credentials: o.credentials } : {}),
    ...(o.profile ? { profile: o.profile } : {}),
    // A local sandbox answers in milliseconds or not at all: fail fast when it is down.
    ...(o.endpoint ? { maxAttempts: 2, requestHandler: sandboxHandler(o.endpoint) } : {}),
  };
  const cache: Partial<Clients> = {};
  const lazy = <K extends keyof Clients>(key: K, build: () => Clients[K]) => ({
    get: () => (cache[key] ??= build()),
    enumerable: true,
  });
  const clients = {} as Clients;
  Object.defineProperties(clients, {
    iam: lazy('iam', () => {
      const { IAMClient } = require('@aws-sdk/client-iam') as typeof import('@aws-sdk/client-iam');
      return tagged(new IAMClient(config), 'iam', o);
    }),
    sts: lazy('sts', () => {
      const { STSClient } = require('@aws-sdk/client-sts') as typeof import('@aws-sdk/client-sts');
      return tagged(new STSClient(config), 'sts', o);
    }),
    ec2: lazy('ec2', () => {
      const { EC2Client } = require('@aws-sdk/client-ec2') as typeof import('@aws-sdk/client-ec2');
      return tagged(new EC2Client(config), 'ec2', o);
    }),
    s3: lazy('s3', () => {
      const { S3Client } = require('@aws-sdk/client-s3') as typeof import('@aws-sdk/client-s3');
      // Path style against the sandbox's IP endpoint (http://127.0.0.1:port/bucket/key), as the
      // CLIs address it; virtual-hosted names on AWS.
      // A bucket in another region answers 301 on AWS: follow it (buckets are global by name).
      const s3 = { ...config, forcePathStyle: Boolean(o.endpoint), followRegionRedirects: true };
      return tagged(new S3Client(s3), 's3', o);
    }),
    cloudtrail: lazy('cloudtrail', () => {
      const { CloudTrailClient } =
        require('@aws-sdk/client-cloudtrail') as typeof import('@aws-sdk/client-cloudtrail');
      return tagged(new CloudTrailClient(config), 'cloudtrail', o);
    }),
  });
  built.set(clients, cache);
  return clients;
}

/**
 * Load the IAM, STS and CloudTrail client packages now (runner/snapshot/entry.ts: evaluated once into `lab`'s start-up
 * snapshot, so a check started from it pays nothing for them).
 */
export function preloadClients(): void {
  require('@aws-sdk/client-iam');
  require('@aws-sdk/client-sts');
  require('@aws-sdk/client-cloudtrail');
}

/** Close the sockets of the clients that were built (lets the process exit promptly). */
export function destroyClients(c: Clients): void {
  for (const client of Object.values(built.get(c) ?? {})) client?.destroy();
}
