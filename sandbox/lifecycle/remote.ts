// A sandbox account hosted elsewhere (issue 21: a class server that hosts the sandbox). The
// lab home then runs no engine and no gateway: it keeps the account's endpoint and identities
// in `<sandbox>/remote.json` (0600, like identities.json), and the isolated CLI files and the
// `aws` wrapper as for a local sandbox, so `lab check`, `lab shell` and `lab sandbox env` work
// unchanged and the learner's machine needs no Python and no moto.
import type { SandboxInfo } from '../types.ts';
import { writeAwsWrapper, writeCliFiles } from './cli-files.ts';
import { layout, type Layout } from './layout.ts';
import { REGION, toInfo } from './read.ts';
import { writeJson } from './state.ts';
import { remoteFile, type RemoteSandbox } from './remote-file.ts';

export { readRemote, type RemoteSandbox } from './remote-file.ts';

/**
 * Point this lab home at a hosted account. The CLI files are written afresh: keys of an
 * earlier sandbox belong to another account and would only fail there.
 */
export function attachRemote(home: string, remote: RemoteSandbox): SandboxInfo {
  const l = layout(home);
  writeJson(remoteFile(l), remote);
  return remoteInfo(l, home, remote, true);
}

/** SandboxInfo of an attached account, (re)writing its CLI files and wrapper. */
export function remoteInfo(l: Layout, home: string, r: RemoteSandbox, fresh = false): SandboxInfo {
  writeCliFiles(l, r.learner, REGION, fresh);
  writeAwsWrapper(l);
  return toInfo(l, home, r, r.endpoint);
}
