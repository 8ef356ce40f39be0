// issue 21, "Done when": a class of three learners on one server that hosts the sandbox. Each
// learner has their own lab home, runs `lab join`, and does the whole of day42 with the real aws
// CLI, typed into `lab shell` in a real pseudo-terminal: Ada with CLI v1 (pyenv's), Bo and Cy
// with Debian's v2.9. Their PATH holds the aws CLI and a shell's tools only: no python, no moto.
// LAB_MOTO_PYTHON names a tripwire that records any attempt to look for moto, so "no local engine"
// is proven twice: nothing looked for one, and no engine or gateway runs in a learner's home.
// `lab check day42` passes every step with its automatic cleanup, in each learner's own account,
// and the instructor's report shows all three finished.
import { afterAll, beforeAll, expect, test } from 'vitest';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { readSandboxInfo, stopSandbox, freePort } from '../../sandbox/index.ts';
import { openShell, type ShellSession } from '../terminal/shell-session.ts';
import { lab, labEnv, must, serveClass, tempHome, type ServerProcess } from './helpers.ts';
import { scaled } from '../helpers/timeouts.ts';

const CLI = {
  v1: { path: '/root/.pyenv/versions/3.11.7/bin/aws', version: /^aws-cli\/1\./m },
  v2: { path: '/usr/bin/aws', version: /^aws-cli\/2\.9\./m },
} as const;
const LEARNERS = [
  { name: 'Ada', cli: 'v1' },
  { name: 'Bo', cli: 'v2' },
  { name: 'Cy', cli: 'v2' },
] as const;
type Name = (typeof LEARNERS)[number]['name'];

let server: ServerProcess;
let serverHome: string;
let created: { joinCode: string; instructorToken: string };
const homes = {} as Record<Name, string>;
const accounts = {} as Record<Name, string>;

/** A learner machine's PATH: the aws CLI and the tools a shell session uses; no python, no moto. */
function learnerBin(aws: string): string {
  const dir = join(tempHome('lab-learner-bin-'), 'bin');
  mkdirSync(dir);
  symlinkSync(aws, join(dir, 'aws'));
  // less: CLI v2 pages its output in a terminal, as on any learner's machine.
  for (const tool of ['bash', 'sh', 'cat', 'dirname', 'grep', 'sed', 'head', 'tr', 'less', 'env'])
    symlinkSync(`/usr/bin/${tool}`, join(dir, tool));
  return dir;
}

/** A "python" that only records that someone looked for moto, and fails. */
function tripwire(): { path: string; fired: string } {
  const dir = tempHome('lab-tripwire-');
  const fired = join(dir, 'fired');
  const path = join(dir, 'python3');
  writeFileSync(path, `#!/bin/sh\necho "$@" >> '${fired}'\nexit 1\n`);
  chmodSync(path, 0o755);
  return { path, fired };
}

/** Processes whose command line names `dir` (an engine or gateway of a learner's home would). */
function processesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (cmd.includes(dir) && /engine\.py|gateway/.test(cmd)) out.push(`${pid}: ${cmd}`);
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

beforeAll(async () => {
  serverHome = tempHome('lab-journey-server-');
  const env = labEnv(serverHome, { LAB_SANDBOX_PORT: String(await freePort()) });
  created = JSON.parse(must(await lab(['class', 'create', 'Journey', '--json'], env)).stdout);
  server = await serveClass(['class', 'serve', '--port', '0', '--sandbox'], env);
  await server.printed(/Class sandbox: gateway on/);
  for (const { name } of LEARNERS) {
    homes[name] = tempHome('lab-journey-learner-');
    const r = must(
      await lab(
        ['join', server.url, '--code', created.joinCode, '--name', name, '--json'],
        labEnv(homes[name]),
      ),
    );
    accounts[name] = JSON.parse(r.stdout).sandbox.accountId;
  }
}, scaled(80_000));

afterAll(async () => {
  await server?.stop();
  if (serverHome) await stopSandbox({ home: serverHome });
});

/** day42 as the lab text says, typed in the learner's `lab shell`; returns the final check. */
async function walk(sh: ShellSession, name: Name, cli: keyof typeof CLI) {
  expect((await sh.run('aws --version')).out).toMatch(CLI[cli].version);
  const who = await sh.run('aws sts get-caller-identity --query Account --output text');
  expect(who.out.trim(), who.out).toBe(accounts[name]);

  const start = await sh.run('lab start day42');
  expect(start.code, start.out).toBe(0);
  expect(start.out).toContain(`account ${accounts[name]}`);
  expect((await sh.run('lab check day42')).code).toBe(1);

  const made = await sh.run('aws iam create-access-key --user-name iam-admin --output json');
  expect(made.code, made.out).toBe(0);
  const { AccessKeyId: keyId, SecretAccessKey: secret } = JSON.parse(made.out).AccessKey;

  const id = sh.start('aws configure --profile iam-admin');
  await sh.answer(/AWS Access Key ID \[None\]: $/, keyId);
  await sh.answer(/AWS Secret Access Key \[None\]: $/, secret);
  await sh.answer(/Default region name \[None\]: $/, 'ap-southeast-2');
  await sh.answer(/Default output format \[None\]: $/, 'json');
  expect((await sh.wait(id)).code).toBe(0);

  const users = await sh.run('aws iam list-users --profile iam-admin');
  expect(users.code, users.out).toBe(0);
  expect(users.out).toContain(`arn:aws:iam::${accounts[name]}:user/iam-admin`);
  const denied = await sh.run('aws ec2 describe-instances --profile iam-admin');
  expect(denied.code).not.toBe(0);
  expect(denied.out).toMatch(/UnauthorizedOperation/);

  for (const cmd of [
    `aws iam update-access-key --user-name iam-admin --access-key-id ${keyId} --status Inactive`,
    `aws iam delete-access-key --user-name iam-admin --access-key-id ${keyId}`,
  ]) {
    const r = await sh.run(cmd);
    expect(r.code, r.out).toBe(0);
  }
  const check = await sh.run('lab check day42', 120_000);
  sh.term.type('exit\r');
  expect((await sh.term.exited()).code).toBe(0);
  return check;
}

test('three learners do day42 in lab shell against the class sandbox, with no python or moto of their own', async () => {
  const wires = {} as Record<Name, ReturnType<typeof tripwire>>;
  const results = await Promise.all(
    LEARNERS.map(async ({ name, cli }) => {
      const wire = (wires[name] = tripwire());
      const learnerHome = tempHome('lab-journey-home-');
      writeFileSync(join(learnerHome, '.bashrc'), "PS1='$ '\n");
      const env = labEnv(homes[name], {
        HOME: learnerHome,
        PATH: learnerBin(CLI[cli].path),
        SHELL: '/bin/bash',
        LAB_MOTO_PYTHON: wire.path,
        LAB_SANDBOX_PORT: String(await freePort()),
      });
      const sh = await openShell(env);
      return { name, check: await walk(sh, name, cli) };
    }),
  );

  for (const { name, check } of results) {
    expect(check.code, `${name}: ${check.out}`).toBe(0);
    const done = [...check.out.matchAll(/✔ (\S+)/g)].map((m) => m[1]);
    expect(done, name).toEqual(['create-key', 'configure', 'list-users', 'denied-ec2', 'cleanup']);
    expect(check.out).toMatch(/cleaning up what the lab created/);
    // Nothing looked for moto, and no engine or gateway ever ran in the learner's home.
    expect(existsSync(wires[name].fired), `${name} looked for moto`).toBe(false);
    expect(existsSync(join(homes[name], 'sandbox', 'run.json'))).toBe(false);
    expect(processesUnder(homes[name])).toEqual([]);
    expect(readSandboxInfo(homes[name])?.accountId).toBe(accounts[name]);
  }
  expect(new Set(Object.values(accounts)).size).toBe(3);
  // The tripwire works: a lab home that joined no class does look for moto, and trips it.
  const wire = tripwire();
  const unjoined = await lab(
    ['sandbox', 'start'],
    labEnv(tempHome('lab-journey-unjoined-'), {
      PATH: learnerBin(CLI.v2.path),
      LAB_MOTO_PYTHON: wire.path,
      LAB_SANDBOX_PORT: String(await freePort()),
    }),
  );
  expect(unjoined.code).toBe(2);
  expect(unjoined.stderr).toMatch(/moto/);
  expect(existsSync(wire.fired)).toBe(true);

  // Progress flowed to the class as today: the instructor sees all three finished.
  const report = JSON.parse(
    must(
      await lab(['report', 'day42', '--class', server.url, '--format', 'json'], {
        ...labEnv(serverHome),
        LAB_CLASS_TOKEN: created.instructorToken,
      }),
    ).stdout,
  );
  const states = Object.fromEntries(
    report.labs[0].learners.map((l: { name: string; state: string }) => [l.name, l.state]),
  );
  expect(states).toEqual({ Ada: 'finished', Bo: 'finished', Cy: 'finished' });
}, 600_000);
