// `lab serve` serves the static build; this makes sure it exists and is current.
// The build is `astro build` in a child process (Astro owns its own Vite world).
import { spawn } from 'node:child_process';
import { readdirSync, statSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LabError } from '../errors.ts';

/** The repository (package) root: astro.config.mjs, site/, labs/. */
export const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The marker Astro writes last; its time is the build's time. */
const MARKER = 'index.html';

function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  let t = s.mtimeMs;
  for (const e of readdirSync(path)) {
    if (e === 'node_modules' || e.startsWith('.')) continue;
    t = Math.max(t, newest(join(path, e)));
  }
  return t;
}

export interface BuildOptions {
  outDir: string;
  labsDir: string;
  root?: string;
}

/** Why the build in `outDir` must be redone, or undefined when it is current. */
export function staleReason(o: BuildOptions): string | undefined {
  const root = o.root ?? PROJECT_ROOT;
  const marker = join(o.outDir, MARKER);
  if (!existsSync(marker)) return 'no build yet';
  const built = statSync(marker).mtimeMs;
  const inputs = [
    o.labsDir,
    join(root, 'site'),
    join(root, 'runner', 'lab'),
    join(root, 'public'),
    join(root, 'astro.config.mjs'),
  ];
  const changed = inputs.find((p) => newest(p) > built);
  return changed ? `${changed} changed` : undefined;
}

/** Run `astro build` into `outDir` from the labs in `labsDir`. Rejects with Astro's own error text. */
export function buildSite(o: BuildOptions & { env?: NodeJS.ProcessEnv }): Promise<void> {
  const root = o.root ?? PROJECT_ROOT;
  const astro = join(root, 'node_modules', 'astro', 'bin', 'astro.mjs');
  return new Promise((resolve, reject) => {
    // Astro bundles the pages for prerendering under `<cwd>/.astro` when outDir is outside
    // cwd, so concurrent builds (tests, benchmarks, `lab serve`) would share one scratch
    // folder. Each build gets its own cwd, inside the project so the bundle finds node_modules.
    mkdirSync(join(root, '.astro'), { recursive: true });
    const scratch = mkdtempSync(join(root, '.astro', 'build-'));
    const child = spawn(process.execPath, [astro, 'build', '--root', root], {
      cwd: scratch,
      env: {
        ...(o.env ?? process.env),
        LAB_LABS_DIR: o.labsDir,
        LAB_SITE_OUT: o.outDir,
        ASTRO_TELEMETRY_DISABLED: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    child.stdout.on('data', (d) => (log += d));
    child.stderr.on('data', (d) => (log += d));
    child.on('error', reject);
    child.on('close', (code) => {
      rmSync(scratch, { recursive: true, force: true });
      if (code === 0) return resolve();
      reject(
        new LabError(
          'site_build_failed',
          `The site build failed:\n${log.trim().split('\n').slice(-25).join('\n')}`,
          'Fix the lab file named above (`lab dev check` shows every problem), then run again.',
        ),
      );
    });
  });
}
