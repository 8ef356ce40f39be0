// Which `aws` runs in `lab shell`, typed in a real terminal by a pyenv user: with
// `PYENV_VERSION=system` (after `pyenv shell system`) the sandbox's wrapper and pyenv's shim
// used to call each other for ever; `--cli v1|v2|<path>` picks the CLI and the banner says which.
// Each answer must come within seconds, from the sandbox. One sandbox for the file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { stopSandbox } from '../../sandbox/index.ts';
import { freePort } from '../../sandbox/lifecycle/ports.ts';
import { cleanEnv, lab } from '../sandbox/run-cli.ts';
import { learnerHome, openShell, type ShellSession } from './shell-session.ts';

const V1 = /aws-cli\/1\.\d+\.\d+ Python/;
const V2 = /aws-cli\/2\.\d+\.\d+ Python/;
let labHome: string;
let base: Record<string, string>;
const open: ShellSession[] = [];

beforeAll(async () => {
  labHome = mkdtempSync(join(tmpdir(), 'lab-shell-cli-'));
  // ~/.bashrc puts pyenv's shims in front of PATH, as pyenv's install instructions do.
  base = cleanEnv({
    HOME: learnerHome('/root/.pyenv/shims'),
    LAB_HOME: labHome,
    LAB_SANDBOX_PORT: String(await freePort()),
  });
  // A pyenv user's PATH reaches Python versions through the shims only (the suite may put a
  // version's own bin on PATH too, which would make it the "system" one).
  base.PATH = base
    .PATH!.split(':')
    .filter((d) => !d.startsWith('/root/.pyenv/versions/'))
    .join(':');
  // Started before `pyenv shell system`, as a learner does: the Python that runs moto (pyenv's)
  // is remembered, so the system python3 (no moto) in the shells below does not matter.
  const r = await lab(['sandbox', 'start'], base);
  expect(r.code, r.stderr).toBe(0);
});
afterAll(async () => {
  for (const sh of open) sh.term.kill();
  await stopSandbox({ home: labHome }).catch(() => {});
  rmSync(labHome, { recursive: true, force: true });
});

async function shell(extraEnv: Record<string, string>, args: string[] = []) {
  const sh = await openShell({ ...base, ...extraEnv }, args);
  open.push(sh);
  return sh;
}

/** `aws --version` and a call that only the sandbox answers with its account, each in seconds. */
async function expectSandboxCli(sh: ShellSession, version: RegExp) {
  const v = await sh.run('aws --version', 20_000);
  expect(v.code, v.out).toBe(0);
  expect(v.out).toMatch(version);
  const me = await sh.run('aws sts get-caller-identity --query Account --output text', 20_000);
  expect(me.code, me.out).toBe(0);
  expect(me.out.trim()).toBe('123456789012');
}

test('PYENV_VERSION=system: `aws` answers (the system CLI, through the sandbox), no endless loop', async () => {
  const sh = await shell({ PYENV_VERSION: 'system' });
  // The banner says which CLI `aws` runs and how to pick one.
  expect(sh.term.text()).toMatch(
    /`aws` here runs the first AWS CLI on the shell's PATH \(from here: \d+\.\d+\.\d+, \/\S+\/aws\); --cli v1\|v2\|<path> picks one/,
  );
  // ~/.bashrc put pyenv's shims first; with PYENV_VERSION=system they run Debian's v2.9.
  await expectSandboxCli(sh, V2);
  sh.term.kill();
});

test('--cli v1 runs pyenv’s CLI v1 even with PYENV_VERSION=system', async () => {
  const sh = await shell({ PYENV_VERSION: 'system' }, ['--cli', 'v1']);
  expect(sh.term.text()).toMatch(
    /`aws` here runs AWS CLI 1\.\d+\.\d+ \(\/\S+\/aws\), chosen with --cli/,
  );
  await expectSandboxCli(sh, V1);
  sh.term.kill();
});

test('--cli v2 runs CLI v2 (2.9 ignores AWS_ENDPOINT_URL: the wrapper still reaches the sandbox)', async () => {
  const sh = await shell({}, ['--cli', 'v2']);
  expect(sh.term.text()).toMatch(
    /`aws` here runs AWS CLI 2\.\d+\.\d+ \(\/usr\/bin\/aws\), chosen with --cli/,
  );
  await expectSandboxCli(sh, V2);
  sh.term.kill();
});

test('--cli <path> runs that binary; the banner says a path typed by hand skips the wrapper', async () => {
  const sh = await shell({ PYENV_VERSION: 'system' }, ['--cli', '/usr/bin/aws']);
  expect(sh.term.text()).toMatch(/Type `aws`, not a path such as \/usr\/bin\/aws/);
  await expectSandboxCli(sh, V2);
  sh.term.kill();
});

test('after `lab sandbox stop` in the shell, leaving it says the sandbox is stopped', async () => {
  const sh = await shell({});
  const stop = await sh.run('lab sandbox stop', 60_000);
  expect(stop.code, stop.out).toBe(0);
  const from = sh.term.text().length;
  sh.term.type('exit\r');
  await sh.term.exited(30_000);
  const after = sh.term.text().slice(from);
  expect(after).toMatch(/Left the sandbox shell\. The sandbox is stopped/);
  expect(after).not.toMatch(/keeps running/);
});
