// Old start-up snapshots are removed when a new one is built (runner/snapshot/prune.ts): 12 MB
// each, one per Node version and checkout otherwise. Another live checkout's blob is kept.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { pruneSnapshots } from '../../runner/snapshot/prune.ts';
import { belongsTo, ownerPath } from '../../runner/snapshot/where.ts';

const dir = mkdtempSync(join(tmpdir(), 'lab-prune-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A blob for `root` built by the Node at `execPath` (its mtime copied, as build.ts does). */
function blob(name: string, root: string, execPath = process.execPath, owner = true): string {
  const f = join(dir, name);
  writeFileSync(f, 'blob');
  if (existsSync(execPath)) spawnSync('touch', ['-r', execPath, f]);
  if (owner) writeFileSync(ownerPath(f), JSON.stringify({ root, execPath, node: 'v24.0.0' }));
  return f;
}

test('a new build keeps itself and live checkouts’ blobs, removes the rest', () => {
  const here = join(dir, 'checkout');
  const other = join(dir, 'other-checkout');
  mkdirSync(here);
  mkdirSync(other);
  const keep = blob('lab-x64-new.blob', here);
  blob('lab-x64-othernode.blob', here, '/usr/bin/node'); // this checkout, another Node
  blob('lab-v24.0.0-x64-0123456789ab.blob', here, process.execPath, false); // older naming
  blob('lab-x64-gone.blob', join(dir, 'deleted-checkout')); // checkout removed
  const replaced = blob('lab-x64-replaced.blob', other);
  writeFileSync(replaced, 'written since'); // its Node's mtime no longer matches
  expect(belongsTo(replaced)).toBe(false);
  blob('lab-x64-live.blob', other); // another checkout sharing node_modules, still usable
  writeFileSync(join(dir, 'unrelated.txt'), '');

  const removed = pruneSnapshots(dir, keep, here);
  expect(removed.sort()).toEqual([
    'lab-v24.0.0-x64-0123456789ab.blob',
    'lab-x64-gone.blob',
    'lab-x64-othernode.blob',
    'lab-x64-replaced.blob',
  ]);
  expect(readdirSync(dir).sort()).toEqual([
    'checkout',
    'lab-x64-live.blob',
    'lab-x64-live.blob.json',
    'lab-x64-new.blob',
    'lab-x64-new.blob.json',
    'other-checkout',
    'unrelated.txt',
  ]);
});
