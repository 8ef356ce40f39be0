// Reading the sandbox's coordinates: cheap (three small JSON files), no processes, no writes.
import type { SandboxInfo } from '../types.ts';
import { layout, type Layout } from './layout.ts';
import { readIdentities, readPorts, readRun, type Identities } from './state.ts';
import { readRemote } from './remote-file.ts';

export const REGION = 'us-east-1';
/** The profile in the isolated CLI files that holds the learner admin's keys. */
export const PROFILE = 'sandbox-admin';

export function toInfo(l: Layout, home: string, ids: Identities, endpoint: string): SandboxInfo {
  return {
    home,
    endpoint,
    region: REGION,
    accountId: ids.accountId,
    learner: ids.learner,
    runner: ids.runner,
    configFile: l.configFile,
    credentialsFile: l.credentialsFile,
  };
}

/** The sandbox's coordinates without starting anything; undefined if it was never started. */
export function readSandboxInfo(home: string): SandboxInfo | undefined {
  const l = layout(home);
  const remote = readRemote(l); // a class's hosted account (remote.ts) wins over a local one
  if (remote)
    return { ...toInfo(l, home, remote, remote.endpoint), classUrl: remote.classUrl ?? '' };
  const ids = readIdentities(l);
  if (!ids) return undefined;
  const run = readRun(l);
  const ports = readPorts(l);
  const host = run.gateway?.host ?? ports.host ?? '127.0.0.1';
  const port = run.gateway?.port ?? ports.gatewayPort ?? 4566;
  return toInfo(l, home, ids, `http://${host}:${port}`);
}
