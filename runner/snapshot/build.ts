// Build `lab`'s start-up snapshot: `node runner/snapshot/build.ts` (started detached by `lab`
// itself when the snapshot is missing or older than a source file; nothing to run by hand).
//
// Why: a `lab check` from the sources spends ~0.2 s resolving, compiling and evaluating ~160
// modules (the AWS SDK clients most of it) before its first call; bundling alone does not help
// (evaluation remains). A V8 startup snapshot (`node --build-snapshot`) stores the evaluated
// heap, which Node deserialises in a few milliseconds. Node snapshots one script, so esbuild
// (the bundler Astro brings) first makes entry.ts and all it imports one CommonJS file.
//
// Never stale: the manifest lists every bundled file of this checkout with its size and mtime,
// and the snapshot's main function compares them before running (entry.ts), falling back to
// the sources. Files edited while this runs make it give up (the next start asks again).
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  belongsTo,
  blobPath,
  failedPath,
  ownerPath,
  snapshotDir,
  SNAPSHOT_COMMANDS,
  type BlobOwner,
  type Manifest,
} from './where.ts';
import { snapshotPlugins } from './plugins.ts';
import { pruneSnapshots } from './prune.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url)).replace(/\/$/, '');
const dir = snapshotDir(ROOT);
const blob = blobPath(ROOT);
const lock = `${blob}.lock`;
const quiet = !process.argv.includes('--verbose');
// --keep: leave the bundle and its manifest beside the blob (to read what went in).
const keep = process.argv.includes('--keep');
const say = (s: string) => quiet || console.error(s);

mkdirSync(dir, { recursive: true });
if (!takeLock()) process.exit(0);
const tmp = `${blob}.${process.pid}`;
try {
  const started = Date.now();
  const { build } = await import('esbuild').catch((e: Error) => {
    // No bundler (a production install, esbuild's binary missing): `lab` runs from the sources,
    // silently, and bin/lab.mjs does not ask again until the next install (where.ts).
    writeFileSync(failedPath(blob), `esbuild: ${e.message}\n`);
    throw e;
  });
  rmSync(failedPath(blob), { force: true });
  const out = await build({
    entryPoints: [join(ROOT, 'runner', 'snapshot', 'entry.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: `node${process.versions.node.split('.')[0]}`,
    outfile: `${tmp}.cjs`,
    metafile: true,
    logLevel: 'silent',
    plugins: snapshotPlugins(ROOT, SNAPSHOT_COMMANDS),
    // Less source for the snapshot to hold; names kept for stack traces and error names.
    minify: process.env.LAB_SNAPSHOT_MINIFY !== '0',
    keepNames: true,
  });
  // Every file of this checkout in the bundle, plus the lock file standing for node_modules
  // (npm rewrites it on every install).
  const files = Object.keys(out.metafile.inputs)
    .filter((f) => !f.includes('node_modules/') && !f.includes(':'))
    .map((f) => resolve(f));
  files.push(join(ROOT, 'node_modules', '.package-lock.json'));
  // And how the bundle is made: a change to the build is a change to what runs.
  files.push(fileURLToPath(import.meta.url), fileURLToPath(new URL('plugins.ts', import.meta.url)));
  const inputs = files.map((f): [string, number, number] => {
    const s = statSync(f);
    if (s.mtimeMs > started) throw new Error(`${relative(ROOT, f)} changed during the build`);
    return [f, s.size, s.mtimeMs];
  });
  const manifest: Manifest = { node: process.version, execPath: process.execPath, inputs };
  writeFileSync(`${tmp}.json`, JSON.stringify(manifest));
  const r = spawnSync(
    process.execPath,
    [
      ...(process.env.LAB_SNAPSHOT_V8 ? process.env.LAB_SNAPSHOT_V8.split(' ') : []),
      '--snapshot-blob',
      tmp,
      '--build-snapshot',
      `${tmp}.cjs`,
    ],
    {
      encoding: 'utf8',
      env: { ...process.env, NODE_OPTIONS: '', LAB_SNAPSHOT_MANIFEST: `${tmp}.json` },
    },
  );
  if (r.status !== 0)
    throw new Error(`node --build-snapshot: ${r.status}\n${r.stderr.slice(-2000)}`);
  // The blob's mtime is the Node binary's, to the nanosecond (`touch -r`; fs.utimes takes a
  // double and rounds): the launcher uses the blob only while they are equal (where.ts).
  const t = spawnSync('touch', ['-r', process.execPath, tmp], { encoding: 'utf8' });
  if (t.status !== 0 || !belongsTo(tmp)) throw new Error(`touch -r: ${t.stderr || t.error}`);
  const owner: BlobOwner = { root: ROOT, execPath: process.execPath, node: process.version };
  writeFileSync(ownerPath(blob), JSON.stringify(owner));
  renameSync(tmp, blob);
  pruneSnapshots(dir, blob, ROOT);
  say(`built ${blob} from ${inputs.length} files in ${Date.now() - started} ms`);
} catch (e) {
  say(`no snapshot: ${(e as Error).message}`);
  process.exitCode = 1;
} finally {
  rmSync(tmp, { force: true });
  if (!keep) for (const f of [`${tmp}.cjs`, `${tmp}.json`]) rmSync(f, { force: true });
  rmSync(lock, { force: true });
}

/** One build at a time per blob; a lock left by a build that died is taken over after 2 min. */
function takeLock(retry = true): boolean {
  try {
    closeSync(openSync(lock, 'wx'));
    writeFileSync(lock, String(process.pid));
    return true;
  } catch {
    const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? 0);
    const pid = Number(readFileSync(lock, { encoding: 'utf8', flag: 'a+' }) || 0);
    if (age < 120_000 && pid && alive(pid)) return false;
    rmSync(lock, { force: true });
    return retry && takeLock(false);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
