// AWS SDK v3 clients for one identity. Each client is built on first use:
// loading @aws-sdk/client-ec2 alone costs ~0.35 s, and most checks never touch
// EC2, so `lab check` pays only for the services it calls. `require` (not
// `import()`) keeps the getters synchronous, matching the `Clients` contract.
import { createRequire } from 'node:module';
import type { Clients } from '../lab/define.ts';
import type { Credentials } from '../../sandbox/index.ts';
import pkg from '../../package.json' with { type: 'json' };

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
}

export function makeClients(o: ClientOptions): Clients {
  const config = {
    region: o.region,
    customUserAgent: USER_AGENT,
    ...(o.endpoint ? { endpoint: o.endpoint } : {}),
    ...(o.credentials ? { credentials: o.credentials } : {}),
    ...(o.profile ? { profile: o.profile } : {}),
    // A local sandbox answers in milliseconds or not at all: fail fast when it is down.
    ...(o.endpoint ? { maxAttempts: 2, requestHandler: { connectionTimeout: 2_000 } } : {}),
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
      return new IAMClient(config);
    }),
    sts: lazy('sts', () => {
      const { STSClient } = require('@aws-sdk/client-sts') as typeof import('@aws-sdk/client-sts');
      return new STSClient(config);
    }),
    ec2: lazy('ec2', () => {
      const { EC2Client } = require('@aws-sdk/client-ec2') as typeof import('@aws-sdk/client-ec2');
      return new EC2Client(config);
    }),
    cloudtrail: lazy('cloudtrail', () => {
      const { CloudTrailClient } =
        require('@aws-sdk/client-cloudtrail') as typeof import('@aws-sdk/client-cloudtrail');
      return new CloudTrailClient(config);
    }),
  });
  built.set(clients, cache);
  return clients;
}

/** Close the sockets of the clients that were built (lets the process exit promptly). */
export function destroyClients(c: Clients): void {
  for (const client of Object.values(built.get(c) ?? {})) client?.destroy();
}
