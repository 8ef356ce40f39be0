// What `lab test` compares: every resource kind the registry knows (runner/resources), plus the
// exact bytes of the isolated CLI files. Ids and names only, never a secret.
import { readFile } from 'node:fs/promises';
export { snapshotAccount, diffSnapshots, type AccountSnapshot } from '../resources/index.ts';

export interface FilesSnapshot {
  [path: string]: Buffer | undefined;
}

export async function snapshotFiles(paths: string[]): Promise<FilesSnapshot> {
  const out: FilesSnapshot = {};
  for (const p of paths) out[p] = await readFile(p).catch(() => undefined);
  return out;
}

/** Files whose bytes differ (or that appeared or vanished). */
export function diffFiles(a: FilesSnapshot, b: FilesSnapshot): string[] {
  return Object.keys(a).filter((p) => {
    const x = a[p];
    const y = b[p];
    return x === undefined || y === undefined ? x !== y : !x.equals(y);
  });
}
