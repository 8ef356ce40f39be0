#!/usr/bin/env node
// Entry point for `npx lab`. The runner is TypeScript that Node runs directly
// (type stripping), so there is no build step to remember after `npm install`.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import module from 'node:module';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';

/**
 * Run `node args` in our place and end as it ends: its exit code, or killed by the same signal.
 * Not spawnSync: a blocked event loop runs no signal handler, so SIGTERM to us (a service
 * manager, a test, `kill`) ended us and left the child — `lab serve` holding its port and the
 * page's terminal — running as an orphan. Every terminating signal is passed on, once.
 */
function handOver(node, args) {
  const child = spawn(node, args, { stdio: 'inherit' });
  const forward = (sig) => {
    // Ctrl-C and Ctrl-\ go from the terminal to its whole foreground process group, which
    // includes the child: sending them again would make it see two (a second Ctrl-C).
    if ((sig === 'SIGINT' || sig === 'SIGQUIT') && inForeground()) return;
    child.kill(sig);
  };
  const signals = ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGQUIT'];
  for (const sig of signals) process.on(sig, forward);
  child.on('error', (e) => {
    console.error(`labrunner: cannot run ${node}: ${e.message}`);
    process.exit(2);
  });
  child.on('exit', (code, signal) => {
    if (signal) {
      // Die of the same signal, so our parent (a shell: "Terminated", $? = 143) sees what it sent.
      for (const sig of signals) process.removeListener(sig, forward);
      process.kill(process.pid, signal);
      // A signal whose default is not to terminate: say so in the exit code instead.
      setTimeout(() => process.exit(128 + (constants.signals[signal] ?? 0)), 100).unref();
      return;
    }
    process.exit(code ?? 2);
  });
}

/** Whether this process is in its terminal's foreground process group (Linux: /proc). */
function inForeground() {
  try {
    // pid (comm) state ppid pgrp session tty_nr tpgid …: comm may hold spaces, so split after ')'.
    const f = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
    const [pgrp, tpgid] = [Number(f[2]), Number(f[5])];
    return tpgid > 0 && tpgid === pgrp;
  } catch {
    // No /proc (macOS): a terminal on stdin makes a keyboard signal the likely sender.
    return Boolean(process.stdin.isTTY);
  }
}

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 13)) {
  // An older `node` ran us (`npm link`, a PATH entry): use the project's own Node 24
  // (the `node` dev dependency) when it is installed, so `lab` works without npx.
  const own = fileURLToPath(new URL('../node_modules/node/bin/node', import.meta.url));
  if (existsSync(own)) {
    handOver(own, process.argv.slice(1));
  } else {
    console.error(
      `labrunner needs Node >= 22.13 (this is ${process.version}).\n` +
        "Run it through npm so the project's own Node is used: `npx lab …` or `npm run lab -- …`.",
    );
    process.exit(2);
  }
} else if (!process.features.typescript) {
  // Node 22.13–22.17 has type stripping behind a flag: re-run with it on.
  handOver(process.execPath, [
    '--experimental-strip-types',
    '--no-warnings',
    ...process.argv.slice(1),
  ]);
} else {
  await run();
}

async function run() {
  // Cache compiled, type-stripped modules between runs (Node's compile cache, in the OS temp
  // dir): stripping the runner's TypeScript costs ~0.15 s per start otherwise, a third of a
  // `lab check`. Harmless when unsupported; NODE_DISABLE_COMPILE_CACHE=1 turns it off.
  module.enableCompileCache?.();
  // No colour when NO_COLOR is set (any value, per no-color.org) or stdout is not a terminal.
  // citty, which prints --help, only honours NO_COLOR=1, so normalise before it loads.
  if (process.env.NO_COLOR || !process.stdout.isTTY) process.env.NO_COLOR = '1';
  // `lab check` and `lab status` in `lab shell` start from a snapshot of the evaluated runner
  // (runner/snapshot/); when there is none yet for this Node, one is built in the background.
  if (['check', 'status'].includes(process.argv[2]) && process.env.LAB_SNAPSHOT !== '0') {
    const { ensureSnapshot } = await import('../runner/snapshot/where.ts');
    ensureSnapshot(fileURLToPath(new URL('..', import.meta.url)));
  }
  const { main } = await import('../runner/main.ts');
  await main(process.argv.slice(2));
}
