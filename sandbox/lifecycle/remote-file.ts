// remote.json: the hosted account a lab home uses instead of a local sandbox (remote.ts).
// Kept apart from remote.ts so reading it stays as cheap as read.ts promises.
import { join } from 'node:path';
import type { Layout } from './layout.ts';
import { readJson, type Identities } from './state.ts';

export interface RemoteSandbox extends Identities {
  /** The class's gateway, e.g. http://10.0.0.5:4566 */
  endpoint: string;
  /** The class server that handed the account out. */
  classUrl?: string;
}

export const remoteFile = (l: Layout) => join(l.dir, 'remote.json');

export function readRemote(l: Layout): RemoteSandbox | undefined {
  const r = readJson<RemoteSandbox>(remoteFile(l));
  if (!r?.endpoint || !r.accountId || !r.learner?.accessKeyId || !r.runner?.accessKeyId) return;
  return r;
}
