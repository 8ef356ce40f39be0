// Read the sandbox's coordinates on the check path without loading its
// lifecycle code. sandbox/index.ts's readSandboxInfo imports the process
// launcher, probes and file writers (~0.2–0.4 s here) and rewrites the CLI
// files each time; `lab check` only needs to read three small JSON files.
// Same sources as sandbox/lifecycle/control.ts readSandboxInfo, read-only.
import { existsSync } from 'node:fs';
import type { SandboxInfo } from '../../sandbox/index.ts';
import { layout } from '../../sandbox/lifecycle/layout.ts';
import { readIdentities, readPorts, readRun } from '../../sandbox/lifecycle/state.ts';
import { PROFILE } from '../../sandbox/lifecycle/cli-files.ts';
import { readProfiles } from './profiles.ts';

/** The sandbox info, or undefined when this cannot answer (the caller then asks the sandbox module). */
export async function readSandboxInfoFast(home: string): Promise<SandboxInfo | undefined> {
  const l = layout(home);
  const ids = readIdentities(l);
  if (!ids || !existsSync(l.configFile) || !existsSync(l.credentialsFile)) return undefined;
  const files = { configFile: l.configFile, credentialsFile: l.credentialsFile };
  const region = (await readProfiles(files)).get(PROFILE)?.region;
  if (!region) return undefined;
  const run = readRun(l);
  const ports = readPorts(l);
  const host = run.gateway?.host ?? ports.host ?? '127.0.0.1';
  const port = run.gateway?.port ?? ports.gatewayPort;
  if (!port) return undefined;
  return {
    home,
    endpoint: `http://${host}:${port}`,
    region,
    accountId: ids.accountId,
    learner: ids.learner,
    runner: ids.runner,
    ...files,
  };
}
