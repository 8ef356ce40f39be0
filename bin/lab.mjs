#!/usr/bin/env node
// Entry point for `npx lab`. The runner is TypeScript that Node runs directly
// (type stripping), so there is no build step to remember after `npm install`.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import module from 'node:module';
import { fileURLToPath } from 'node:url';

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 13)) {
  // An older `node` ran us (`npm link`, a PATH entry): use the project's own Node 24
  // (the `node` dev dependency) when it is installed, so `lab` works without npx.
  const own = fileURLToPath(new URL('../node_modules/node/bin/node', import.meta.url));
  if (existsSync(own)) {
    // Ctrl-C reaches both processes (one terminal process group): the child decides.
    process.on('SIGINT', () => {});
    const r = spawnSync(own, process.argv.slice(1), { stdio: 'inherit' });
    process.exit(r.status ?? 2);
  }
  console.error(
    `labrunner needs Node >= 22.13 (this is ${process.version}).\n` +
      "Run it through npm so the project's own Node is used: `npx lab …` or `npm run lab -- …`.",
  );
  process.exit(2);
}
if (!process.features.typescript) {
  // Node 22.13–22.17 has type stripping behind a flag: re-run with it on.
  const r = spawnSync(
    process.execPath,
    ['--experimental-strip-types', '--no-warnings', ...process.argv.slice(1)],
    { stdio: 'inherit' },
  );
  process.exit(r.status ?? 2);
}
// Cache compiled, type-stripped modules between runs (Node's compile cache, in the OS temp
// dir): stripping the runner's TypeScript costs ~0.15 s per start otherwise, a third of a
// `lab check`. Harmless when unsupported; NODE_DISABLE_COMPILE_CACHE=1 turns it off.
module.enableCompileCache?.();
// No colour when NO_COLOR is set (any value, per no-color.org) or stdout is not a terminal.
// citty, which prints --help, only honours NO_COLOR=1, so normalise before it loads.
if (process.env.NO_COLOR || !process.stdout.isTTY) process.env.NO_COLOR = '1';
const { main } = await import('../runner/main.ts');
await main(process.argv.slice(2));
