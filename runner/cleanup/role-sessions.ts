// Sessions of the run's roles that the AWS CLI cached. Both CLIs keep an assumed role's
// temporary credentials in ~/.aws/cli/cache, one JSON file per role ARN and assume options
// (botocore's JSONFileCache, CACHE_DIR in awscli/customizations/assumerole.py), whatever
// AWS_CONFIG_FILE says, and reuse them until they expire (an hour by default). Once the lab's
// role is deleted they are a leftover of the lab; worse, the next run that creates the role
// again (same name, same ARN) gets the cached session from the CLI instead of assuming the role,
// so its AssumeRole never happens and iam-roles' steps stay "not tried yet".
// A cached file is the run's only when its session (role ARN and session name) is one the
// run's learner started (ownership's runRoleSessions: a successful AssumeRole in the event
// history during the run).
import { readdir, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { runRoleSessions } from '../ownership/index.ts';
import type { CleanupAction, PlanInput } from './types.ts';

/** The CLI's cache folder (HOME decides it, as for the CLI). */
export const cliCacheDir = (): string => join(homedir(), '.aws', 'cli', 'cache');

export async function cachedRoleSessions(input: PlanInput): Promise<CleanupAction[]> {
  const files = await cacheFiles();
  if (!files.length) return [];
  const sessions = await runRoleSessions(input);
  return files
    .filter((f) => sessions.has(f.arn))
    .map((f) => ({
      kind: 'remove-cached-session' as const,
      ledgerIds: [],
      path: f.path,
      text: `remove the AWS CLI's cached session ${f.arn.split(':assumed-role/')[1]} (temporary credentials of the lab's role, cached by the CLI) from ${f.path}`,
    }));
}

async function cacheFiles(): Promise<{ path: string; arn: string }[]> {
  const dir = cliCacheDir();
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.json'));
  } catch {
    return []; // no cache: the CLI never assumed a role on this machine
  }
  const out: { path: string; arn: string }[] = [];
  for (const n of names) {
    const path = join(dir, n);
    try {
      const doc = JSON.parse(await readFile(path, 'utf8')) as {
        AssumedRoleUser?: { Arn?: string };
      };
      const arn = doc.AssumedRoleUser?.Arn;
      if (typeof arn === 'string') out.push({ path, arn });
    } catch {
      // Not a session the CLI wrote (or being written right now): not ours to judge.
    }
  }
  return out;
}
