// `lab class sync` in a lab home that uses a hosted class account: after the instructor reset
// that account, its keys are revoked; the server hands fresh ones to the learner (their learner
// token proves who they are) and they are written into the lab home as `lab join` does.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { attachRemoteSandbox, sandboxDirs } from '../../sandbox/index.ts';
import type { HostedJoin } from './hosted.ts';
import { ClassClient } from './client.ts';
import { readMembership } from './membership.ts';

/** Fresh keys after a reset: the account they are for, or undefined when nothing changed. */
export async function refreshHostedKeys(
  home: string,
): Promise<{ accountId: string; endpoint: string } | undefined> {
  const m = readMembership(home);
  if (!m || !existsSync(join(sandboxDirs(home).dir, 'remote.json'))) return undefined;
  const client = new ClassClient({ url: m.url, token: m.token });
  const out = await client.request<{ current?: boolean; sandbox?: HostedJoin }>(
    'POST',
    '/api/v1/sandbox/keys',
    {},
  );
  if (!out.sandbox) return undefined;
  const s = out.sandbox;
  await attachRemoteSandbox(home, {
    endpoint: s.endpoint,
    accountId: s.accountId,
    learner: s.learner,
    runner: s.runner,
    classUrl: client.base,
  });
  return { accountId: s.accountId, endpoint: s.endpoint };
}
