// One scope per `vitest run` (test/helpers/run-scope.ts): a temp root that every worker and
// every child uses as its temp folder, and a marker in their environment. After the suite, and
// when the suite is interrupted (Ctrl-C, SIGTERM), whatever this run started and left running
// (sandboxes run detached by design; a `lab serve`, a PostgreSQL, a browser) is stopped and
// named, so the leaking test can be found. Nothing else is: a sandbox a person started on the
// same machine meanwhile, its state under /tmp or not, carries neither marker (issue 16).
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RUN_VAR, selfAndAncestors, type RunScope } from './helpers/run-scope.ts';
import { sweep } from './helpers/reap.ts';
import { installWarmCli, WARM_V1_VAR, WARM_V2_VAR } from './helpers/warm-cli/install.ts';

const REAPER = fileURLToPath(new URL('./helpers/reap.ts', import.meta.url));

/**
 * Where pyenv's `aws` (AWS CLI v1) and `python3` really are. Through pyenv's shims every call
 * first runs a few bash processes to find the version (~0.1 s of CPU; bench/README.md), and the
 * suite makes hundreds: the tests run the same executables, found once. Undefined without pyenv.
 */
function pyenvBinDir(): string | undefined {
  const r = spawnSync('pyenv', ['which', 'aws'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const aws = r.status === 0 ? r.stdout.trim() : '';
  return aws.startsWith('/') ? dirname(aws) : undefined;
}

export default function setup() {
  const root = mkdtempSync(join(tmpdir(), 'lab-suite-'));
  // Like /tmp itself, others may pass through (PostgreSQL's initdb runs as `postgres` in a
  // folder it owns inside); each test's own folder is still made 0700 by mkdtemp.
  chmodSync(root, 0o711);
  const scope: RunScope = { id: basename(root), root };
  // Set before any worker starts: workers, and every process they start, inherit both.
  process.env[RUN_VAR] = scope.id;
  process.env.TMPDIR = root;
  // The sandbox's Python probes are remembered here (sandbox/lifecycle/python-cache.ts): once
  // per run instead of before each of its 60+ sandbox starts, and never in the user's ~/.cache.
  process.env.XDG_CACHE_HOME = join(root, 'cache');
  // The engine loads moto's EC2 (~1 s of CPU) on the first EC2 call only, not in the background
  // after the first call as a learner's does: most of the suite's 60+ sandboxes never call EC2.
  // test/sandbox/engine-lazy-ec2.test.ts covers the learner's default.
  process.env.LAB_ENGINE_WARM_EC2 ??= '0';
  // Node's stdio pipes are sockets, and a `bash` started on one with SHLVL unset or 0 (a suite
  // started by `npm test &`, by an editor, or by a `bash -c` that exec'd it) takes itself for a
  // remote shell and sources ~/.bashrc: pyenv's init (~0.2 s of CPU per shell) and its shims put
  // back ahead of the warm CLIs, in every `bash -c` the tests and `lab` start. Measured:
  // bench/README.md ("Stop 18"). The suite's shells are plain ones, as from a terminal.
  if (!(Number(process.env.SHLVL) >= 1)) process.env.SHLVL = '1';
  const direct = pyenvBinDir();
  if (direct) process.env.PATH = `${direct}:${process.env.PATH ?? ''}`;
  // The real CLIs, run warm: a fresh process per command forked after awscli's imports
  // (test/helpers/warm-cli/server.py; docs/testing.md). `aws` on PATH is the warm v1;
  // debianCli() the warm v2. LABRUNNER_COLD_AWS_CLI=1 runs both cold.
  if (direct) {
    const v1 = installWarmCli(join(root, 'warm-cli', 'v1'), join(direct, 'aws'));
    process.env[WARM_V1_VAR] = v1;
    process.env.PATH = `${v1}:${process.env.PATH}`;
  }
  process.env[WARM_V2_VAR] = installWarmCli(join(root, 'warm-cli', 'v2'), '/usr/bin/aws');

  // Vitest exits at once on SIGINT/SIGTERM without running the teardown below; its watchdog
  // stops the workers, but not the detached sandboxes they started. A detached reaper waits
  // for this process and the workers to be gone (so nothing new starts after its sweep), then
  // stops what is left of this run. Started without the marker, so it is not in its own sweep.
  const onSignal = () => {
    const env = { ...process.env };
    delete env[RUN_VAR];
    delete env.TMPDIR;
    try {
      spawn(process.execPath, [REAPER, scope.id, root, String(process.pid)], {
        detached: true,
        stdio: ['ignore', 'inherit', 'inherit'],
        env,
      }).unref();
    } catch {
      // cannot spawn: at least signal what is running now
      void sweep(scope, selfAndAncestors());
    }
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  return async function teardown() {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    // The warm CLI's servers live for the whole run by design: stopped, not named as leaks.
    const left = (await sweep(scope, selfAndAncestors())).filter(
      (p) => !p.args.includes('/warm-cli/server.py '),
    );
    if (left.length) {
      console.warn(
        `Stopped ${left.length} process(es) this run's tests left running:\n` +
          left.map((p) => `  pid ${p.pid}: ${p.args.slice(0, 200)}`).join('\n'),
      );
    }
  };
}
