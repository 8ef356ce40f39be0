// Remove start-up snapshots nobody can use any more, after a build (build.ts): each blob is
// 12 MB, and one was left per Node version and checkout before. node_modules/.cache/labrunner
// is shared only by checkouts whose node_modules is the same directory (a link).
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { belongsTo, failedPath, ownerPath, type BlobOwner } from './where.ts';

/**
 * Keep `keep`, and another checkout's blob while that checkout and its Node binary are
 * unchanged. Remove this checkout's blobs for other Nodes (the learner moved on: a new one is
 * built if they come back), blobs whose checkout or Node is gone or replaced, and blobs of the
 * older naming (`lab-v24.21.0-x64-…`, no owner file).
 */
export function pruneSnapshots(dir: string, keep: string, root: string): string[] {
  const removed: string[] = [];
  for (const name of readdirSync(dir)) {
    const blob = join(dir, name);
    if (!/^lab-.*\.blob$/.test(name) || blob === keep) continue;
    let owner: BlobOwner | undefined;
    try {
      owner = JSON.parse(readFileSync(ownerPath(blob), 'utf8')) as BlobOwner;
    } catch {
      // No owner file: the older naming, or half written; nothing says it is usable.
    }
    const live =
      owner && owner.root !== root && existsSync(owner.root) && belongsTo(blob, owner.execPath);
    if (live) continue;
    for (const f of [blob, ownerPath(blob), failedPath(blob)]) rmSync(f, { force: true });
    removed.push(name);
  }
  return removed;
}
