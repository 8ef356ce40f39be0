// The program inside `lab`'s start-up snapshot (see build.ts). Bundled to one CommonJS file and
// run once by `node --build-snapshot`: everything `lab check` and `lab status` load — the
// runner, the labs of this checkout, the AWS SDK clients they call — is evaluated then, and
// the resulting heap is saved. A start from the snapshot deserialises that heap instead of
// resolving, compiling and evaluating ~160 modules (most of `lab check`'s start-up).
// Nothing here may hold a socket, a timer or a file open when the snapshot is taken.
import { statSync, readFileSync, readdirSync, existsSync } from 'node:fs';
import { createRequire, enableCompileCache } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import pc from 'picocolors';
import { main } from '../main.ts';
import { BUNDLED } from '../lab/import-file.ts';
import { LEFT_OUT, SNAPSHOT_COMMANDS, startRebuild, type Manifest } from './where.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url)).replace(/\/$/, '');
const LABS = join(ROOT, 'labs');

// Every lab of this checkout, bundled (esbuild includes each file the pattern can match).
const labModule = (id: string) => import(`../../labs/${id}/lab.ts`);
const bundled = new Map<string, () => Promise<unknown>>();
const ids = readdirSync(LABS).filter((id) => existsSync(join(LABS, id, 'lab.ts')));
// Evaluated now too, unless the lab imports a package left out of the snapshot (plugins.ts):
// evaluating one at run time costs more than its share of the heap (the SDK's namespaces
// are copied into each importer when it is first evaluated).
const leftOut = (id: string) =>
  readdirSync(join(LABS, id))
    .filter((f) => f.endsWith('.ts'))
    .some((f) => {
      const text = readFileSync(join(LABS, id, f), 'utf8');
      return LEFT_OUT.some((p) => text.includes(`'${p}'`) || text.includes(`"${p}"`));
    });
for (const id of ids) {
  const file = join(LABS, id, 'lab.ts');
  if (leftOut(id)) {
    bundled.set(file, () => labModule(id));
  } else {
    const loaded = labModule(id);
    bundled.set(file, () => loaded);
  }
}
(globalThis as Record<symbol, unknown>)[BUNDLED] = bundled;

// Evaluate now what a check and a status evaluate at run time, SDK clients included.
const preload = [
  import('../commands/check.ts'),
  import('../check/command.ts'),
  import('../class/outbox.ts'),
  import('../ownership/index.ts'),
  import('../aws/index.ts').then((m) => m.preloadClients()),
];

const manifest = JSON.parse(readFileSync(process.env.LAB_SNAPSHOT_MANIFEST!, 'utf8')) as Manifest;

/** Each source file the snapshot was built from, unchanged since (size and mtime). */
function fresh(): boolean {
  if (manifest.node !== process.version || manifest.execPath !== process.execPath) return false;
  for (const [file, size, mtimeMs] of manifest.inputs) {
    const s = statSync(file, { throwIfNoEntry: false });
    if (!s || s.size !== size || s.mtimeMs !== mtimeMs) return false;
  }
  return true;
}

/** picocolors decides at load (at build time here): decide again for this process, as it does. */
function recolour(): void {
  const env = process.env;
  const argv = process.argv;
  const on =
    !(env.NO_COLOR || argv.includes('--no-color')) &&
    (!!env.FORCE_COLOR ||
      argv.includes('--color') ||
      process.platform === 'win32' ||
      (process.stdout.isTTY && env.TERM !== 'dumb') ||
      !!env.CI);
  Object.assign(pc, pc.createColors(on));
}

async function start(): Promise<void> {
  // As bin/lab.mjs does before anything loads (citty reads NO_COLOR=1 only).
  if (process.env.NO_COLOR || !process.stdout.isTTY) process.env.NO_COLOR = '1';
  // argv: [node, bin/lab.mjs (the launcher passes it; not run), ...the command].
  const args = process.argv.slice(2);
  const use = SNAPSHOT_COMMANDS.includes(args[0]) && fresh();
  // LAB_SNAPSHOT_DEBUG=1: say which code runs (the tests and bench/startup.mjs look).
  if (process.env.LAB_SNAPSHOT_DEBUG === '1') {
    const from = use ? 'from the start-up snapshot' : 'from the sources';
    const cpu = (process.cpuUsage().user + process.cpuUsage().system) / 1000;
    const at = `${(process.uptime() * 1000).toFixed(0)} ms, CPU ${cpu.toFixed(0)} ms`;
    process.stderr.write(`lab: ${from} (main at ${at})\n`);
    process.on('exit', () => {
      // Packages left out of the snapshot that this command loaded from node_modules after all.
      const late = (globalThis as Record<symbol, string[] | undefined>)[
        Symbol.for('labrunner.snapshot.external')
      ];
      // And built-ins the snapshot could not hold that were compiled at run time after all
      // (node:https and node:tls cost ~13 ms of CPU; nothing needs them against the sandbox).
      const loads = (process as { moduleLoadList?: string[] }).moduleLoadList ?? [];
      const builtins = ['https', 'tls', 'http2'].filter((m) => loads.includes(`NativeModule ${m}`));
      const also =
        (use && late?.length ? `; loaded from node_modules: ${late.join(', ')}` : '') +
        (use && builtins.length ? `; built-ins loaded: ${builtins.join(', ')}` : '');
      const { user, system } = process.cpuUsage();
      const cpu = ((user + system) / 1000).toFixed(0);
      process.stderr.write(
        `lab: exit at ${(process.uptime() * 1000).toFixed(0)} ms, CPU ${cpu} ms${also}\n`,
      );
    });
  }
  if (!use) {
    // A source file changed since the build (or another command): never run stale code. Run
    // the sources, as bin/lab.mjs does, and rebuild in the background for the next start.
    if (SNAPSHOT_COMMANDS.includes(args[0])) startRebuild(ROOT);
    enableCompileCache?.();
    // The sources import the labs themselves (import-file.ts), not the bundled ones.
    delete (globalThis as Record<symbol, unknown>)[BUNDLED];
    const fromSources = createRequire(join(ROOT, 'runner', 'main.ts'))('./main.ts');
    return fromSources.main(args);
  }
  recolour();
  return main(args);
}

if (v8.startupSnapshot?.isBuildingSnapshot()) {
  void Promise.all(preload);
  v8.startupSnapshot.setDeserializeMainFunction(() => void start());
}
