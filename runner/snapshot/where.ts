// Where `lab`'s start-up snapshot lives and when it is used; light enough for bin/lab.mjs and
// the `lab` launcher writer to import. The blob is specific to one Node binary (a snapshot
// loads only in the Node that built it: another version exits 14 with its own message before
// any of our code runs) and one checkout. Its name says which binary path and checkout; which
// binary is at that path is told by the blob's mtime, set equal to the binary's at the build
// (build.ts): apt replacing /usr/bin/node, `npm ci` reinstalling node_modules/node, a Node
// switched under the same path all change the binary's mtime, so the launcher's `[ -nt ]` /
// `[ -ot ]` tests (no fork) see a mismatch and run the sources, and the next start rebuilds.
// A write to the blob itself (a corrupted copy) changes its mtime too.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
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

/**
 * `<root>/node_modules/.cache/labrunner/lab-x64-<hash of node path and checkout>.blob`. No
 * version in the name: the launcher `lab shell` wrote names it, and after an in-place upgrade
 * of that Node the rebuild must land where the launcher looks.
 */
export function blobPath(root: string, node = process.execPath): string {
  const id = createHash('sha256').update(`${node}\0${root}`).digest('hex').slice(0, 12);
  return join(snapshotDir(root), `lab-${process.arch}-${id}.blob`);
}

/** Beside each blob: which checkout and Node it is for (read when pruning, build.ts). */
export interface BlobOwner {
  root: string;
  execPath: string;
  node: string;
}
export const ownerPath = (blob: string) => `${blob}.json`;
/** Left when esbuild cannot be loaded: no new try until `npm install` or an hour has passed. */
export const failedPath = (blob: string) => `${blob}.failed`;

/** Whether `blob` was built by the binary now at `node` (same mtime to the nanosecond). */
export function belongsTo(blob: string, node = process.execPath): boolean {
  const b = statSync(blob, { bigint: true, throwIfNoEntry: false });
  const n = statSync(node, { bigint: true, throwIfNoEntry: false });
  return !!b && !!n && b.mtimeNs === n.mtimeNs;
}

/**
 * Start a build when there is no usable snapshot for this Node and checkout (bin/lab.mjs, on
 * a check or status that the launcher ran from the sources).
 */
export function ensureSnapshot(root: string): void {
  root = root.replace(/\/$/, '');
  const blob = blobPath(root);
  if (belongsTo(blob)) return;
  const failed = statSync(failedPath(blob), { throwIfNoEntry: false });
  if (failed && Date.now() - failed.mtimeMs < 3_600_000) {
    const lock = statSync(join(root, 'node_modules', '.package-lock.json'), {
      throwIfNoEntry: false,
    });
    if (!lock || lock.mtimeMs < failed.mtimeMs) return; // esbuild still missing: stay quiet
  }
  startRebuild(root);
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
