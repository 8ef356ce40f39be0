// The whole day42 walk as a learner does it: in a terminal, inside `lab shell`, typing each
// command of the lab text and `lab check day42` after each step, until the automatic cleanup.
// Once with AWS CLI v1 (pyenv's, which the learner's ~/.bashrc puts ahead on PATH) and once with
// Debian's v2.9 (/usr/bin/aws, too old for AWS_ENDPOINT_URL: the wrapper adds --endpoint-url).
// Every command must end by itself; the final screen has no spinner frame and the cursor shown.
// One sandbox for the file, started cold by the first `lab shell`.
import { rmSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { stopSandbox } from '../../sandbox/index.ts';
import { freePort } from '../../sandbox/lifecycle/ports.ts';
import { cleanEnv } from '../sandbox/run-cli.ts';
import { SPINNER_FRAMES } from './pty.ts';
import { learnerHome, openShell, type ShellSession } from './shell-session.ts';

let labHome: string;
let port: string;
const homes: string[] = [];

beforeAll(async () => {
  labHome = mkdtempSync(join(tmpdir(), 'lab-journey-'));
  port = String(await freePort());
});
afterAll(async () => {
  await stopSandbox({ home: labHome }).catch(() => {});
  for (const h of [labHome, ...homes]) rmSync(h, { recursive: true, force: true });
});

async function shellWith(firstOnPath: string): Promise<ShellSession> {
  const home = learnerHome(firstOnPath);
  homes.push(home);
  return openShell(cleanEnv({ HOME: home, LAB_HOME: labHome, LAB_SANDBOX_PORT: port }));
}

/** `lab check day42` as typed in the shell: its status and which steps it marked done. */
async function check(sh: ShellSession) {
  const r = await sh.run('lab check day42');
  const done = [...r.out.matchAll(/✔ (\S+)/g)].map((m) => m[1]);
  return { ...r, done };
}

async function walk(sh: ShellSession, cli: RegExp, json = false) {
  const version = await sh.run('aws --version');
  expect(version.out).toMatch(cli);
  expect((await sh.run('type -p aws')).out.trim()).toBe(join(labHome, 'sandbox', 'bin', 'aws'));

  const start = await sh.run('lab start day42');
  expect(start.code, start.out).toBe(0);
  expect((await check(sh)).code).toBe(1);

  // create-key, as the admin (the default profile of the sandbox's CLI files).
  const created = await sh.run('aws iam create-access-key --user-name iam-admin --output json');
  expect(created.code, created.out).toBe(0);
  const { AccessKeyId: keyId, SecretAccessKey: secret } = JSON.parse(created.out).AccessKey;
  let c = await check(sh);
  expect(c.done, c.out).toEqual(['create-key']);

  // configure: the four questions, answered as typed.
  const id = sh.start('aws configure --profile iam-admin');
  await sh.answer(/AWS Access Key ID \[None\]: $/, keyId);
  await sh.answer(/AWS Secret Access Key \[None\]: $/, secret);
  await sh.answer(/Default region name \[None\]: $/, 'ap-southeast-2');
  await sh.answer(/Default output format \[None\]: $/, 'json');
  expect((await sh.wait(id)).code).toBe(0);
  // The region comes from the profile, not from a variable that would beat it.
  const list = await sh.run('aws configure list --profile iam-admin');
  expect(list.out).toMatch(/region\s+ap-southeast-2\s+config-file/);
  c = await check(sh);
  expect(c.done).toEqual(['create-key', 'configure']);

  const users = await sh.run('aws iam list-users --profile iam-admin');
  expect(users.code, users.out).toBe(0);
  expect(users.out).toContain('"UserName": "iam-admin"');
  c = await check(sh);
  expect(c.done).toEqual(['create-key', 'configure', 'list-users']);

  const denied = await sh.run('aws ec2 describe-instances --profile iam-admin');
  expect(denied.code).not.toBe(0);
  expect(denied.out).toMatch(/UnauthorizedOperation/);
  c = await check(sh);
  expect(c.done).toEqual(['create-key', 'configure', 'list-users', 'denied-ec2']);

  const off = await sh.run(
    `aws iam update-access-key --user-name iam-admin --access-key-id ${keyId} --status Inactive`,
  );
  expect(off.code, off.out).toBe(0);
  const del = await sh.run(
    `aws iam delete-access-key --user-name iam-admin --access-key-id ${keyId}`,
  );
  expect(del.code, del.out).toBe(0);
  if (json) {
    // The check that runs the automatic cleanup, as a script would: one document, with the
    // cleanup's plan and its proof.
    const j = await sh.run('lab check day42 --json > check.json');
    expect(j.code).toBe(0);
    const doc = JSON.parse((await sh.run('cat check.json')).out);
    expect(doc.steps.map((st: { status: string }) => st.status)).toEqual(Array(5).fill('passed'));
    expect(doc.cleanup.ran).toBe(true);
    expect(doc.cleanup.clean).toBe(true);
    expect(doc.cleanup.plan.join('\n')).toMatch(/iam-admin/);
    expect(doc.cleanup.remaining).toEqual([]);
  } else {
    c = await check(sh);
    expect(c.code, c.out).toBe(0);
    expect(c.done).toEqual(['create-key', 'configure', 'list-users', 'denied-ec2', 'cleanup']);
    expect(c.out).toMatch(/cleaning up what the lab created/);
    // Checked again afterwards: what the account shows now, not the stale evidence.
    const again = await sh.run('lab check day42');
    expect(again.out).toMatch(/was cleaned up at/);
    expect(again.out).not.toMatch(/still exists/);
  }
  // The automatic cleanup removed the profile that named the deleted key.
  expect((await sh.run('aws configure list-profiles')).out).not.toMatch(/^iam-admin$/m);
}

async function leave(sh: ShellSession) {
  sh.term.type('exit\r');
  const exit = await sh.term.exited();
  expect(exit.code).toBe(0);
  const screen = await sh.term.screen();
  expect(screen).toMatch(/Left the sandbox shell/);
  expect(SPINNER_FRAMES.test(screen), screen).toBe(false);
  expect(sh.term.cursorShown()).toBe(true);
}

test('day42 in lab shell with AWS CLI v1 (pyenv first on PATH): every command ends, check after each step, automatic cleanup', async () => {
  const sh = await shellWith('/root/.pyenv/shims');
  // lab shell started the sandbox: its spinner is gone before the prompt, not drawn over it.
  expect(SPINNER_FRAMES.test(await sh.term.screen())).toBe(false);
  await walk(sh, /^aws-cli\/1\./m);
  await leave(sh);
});

test('day42 in lab shell with Debian AWS CLI v2.9 (/usr/bin first on PATH)', async () => {
  const sh = await shellWith('/usr/bin');
  await sh.run('cd "$(mktemp -d)"');
  await walk(sh, /^aws-cli\/2\.9\./m, true);
  await leave(sh);
});
