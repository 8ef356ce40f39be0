// Where `lab`'s start-up snapshot lives and when it is used; light enough for bin/lab.mjs and
// the `lab` launcher writer to import. The blob is specific to one Node binary (a snapshot
// loads only in the Node version that built it) and one checkout, so its name says both.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The commands started from the snapshot (the ones a learner types again and again). */
export const SNAPSHOT_COMMANDS = ['check', 'status'];

/**
 * Packages a check or a status does not load on day42's path (native addons, servers, EC2's
 * 2.3 MB client, zx): left out of the snapshot, required from node_modules if ever reached,
 * as a start from the sources would.
 */
export const LEFT_OUT = [
  '@lydell/node-pty',
  'playwright-core',
  'esbuild',
  'vitest',
  'astro',
  'pg',
  'pg-native',
  '@aws-sdk/client-ec2',
  'zx',
  '@xterm/headless',
  'ws',
  'hono',
  '@hono/node-server',
  '@clack/prompts',
  '@aws-sdk/client-s3',
  'zod',
  'yaml',
  'markdown-it',
];

/** What the snapshot was built from: its main function re-checks every input before use. */
export interface Manifest {
  node: string;
  execPath: string;
  /** [absolute path, size, mtimeMs] of each file bundled from this checkout (not node_modules). */
  inputs: [string, number, number][];
}

/** LAB_SNAPSHOT=0 turns it off (then `lab` runs from the sources only, as before). */
export const snapshotsOff = (env: NodeJS.ProcessEnv = process.env) => env.LAB_SNAPSHOT === '0';

export function snapshotDir(root: string): string {
  return join(root, 'node_modules', '.cache', 'labrunner');
}

/** `<root>/node_modules/.cache/labrunner/lab-v24.21.0-x64-<hash>.blob` for this Node and checkout. */
export function blobPath(root: string, node = process.execPath, version = process.version): string {
  const id = createHash('sha256').update(`${node}\0${root}`).digest('hex').slice(0, 12);
  return join(snapshotDir(root), `lab-${version}-${process.arch}-${id}.blob`);
}

/** Start a build when there is no snapshot for this Node and checkout (bin/lab.mjs). */
export function ensureSnapshot(root: string): void {
  if (!existsSync(blobPath(root.replace(/\/$/, '')))) startRebuild(root.replace(/\/$/, ''));
}

/**
 * Build the snapshot in a detached process (a second or two of CPU, once per edit); the
 * command that asked goes on from the sources. build.ts takes a lock, so concurrent asks
 * build once. Nothing is built where node_modules cannot be written.
 */
export function startRebuild(root: string, env: NodeJS.ProcessEnv = process.env): void {
  if (snapshotsOff(env) || !existsSync(join(root, 'node_modules'))) return;
  try {
    const child = spawn(process.execPath, [join(root, 'runner', 'snapshot', 'build.ts')], {
      detached: true,
      stdio: 'ignore',
      env: { ...env, NODE_OPTIONS: '' },
    });
    child.on('error', () => {});
    child.unref();
  } catch {
    // No snapshot this time; `lab` works the same from the sources.
  }
}
