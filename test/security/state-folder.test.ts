// The sandbox notices its state folder going away or being replaced while it runs: it refuses
// the writes it could not save (an AWS-shaped 503 that says what happened and what to run),
// and `lab sandbox status/stop/start` still find and stop its processes. Before, a deleted
// folder lost acknowledged writes silently and left orphans: "stopped", "was not running",
// then "port in use".
import { CreateUserCommand, GetUserCommand, ListUsersCommand } from '@aws-sdk/client-iam';
import { chmodSync, cpSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ensureSandbox, sandboxStatus, stopSandbox } from '../../sandbox/index.ts';
import { layout } from '../../sandbox/lifecycle/layout.ts';
import { freePort, portIsFree } from '../../sandbox/lifecycle/ports.ts';
import { alive } from '../../sandbox/lifecycle/processes.ts';
import { readRun } from '../../sandbox/lifecycle/state.ts';
import type { SandboxInfo } from '../../sandbox/index.ts';
import { adminClients } from '../helpers/sandbox.ts';
import { cleanEnv, lab } from '../sandbox/run-cli.ts';

let home: string;
let port: number;
let env: Record<string, string>;
let info: SandboxInfo;

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'lab-statefolder-'));
  port = await freePort();
  env = cleanEnv({ LAB_HOME: home, LAB_SANDBOX_PORT: String(port) });
  info = await ensureSandbox({ home, port });
});
afterAll(async () => {
  await stopSandbox({ home }).catch(() => {});
  rmSync(home, { recursive: true, force: true });
});

const failure = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected a refusal');
    },
    (e: { name: string; message: string; $metadata?: { httpStatusCode?: number } }) => e,
  );

/**
 * Make a folder read-only for this process. chmod does not stop root (the tests may run as
 * root), so then the folder is made immutable (chattr +i, CAP_LINUX_IMMUTABLE), which does.
 */
function readOnly(dir: string, on: boolean) {
  if (process.getuid?.() === 0) {
    execFileSync('chattr', [on ? '+i' : '-i', dir]);
  } else chmodSync(dir, on ? 0o500 : 0o700);
}

it('a read-only state folder: a write is refused (503), never answered 200 and lost after a restart', async () => {
  const iam = adminClients(info).iam;
  await iam.send(new CreateUserCommand({ UserName: 'saved-before' }));
  const snapshots = join(layout(home).engineState, 'snapshots');
  readOnly(snapshots, true);
  try {
    const err = await failure(iam.send(new CreateUserCommand({ UserName: 'unsaved' })));
    expect(err.$metadata?.httpStatusCode).toBe(503);
    expect(err.name).toBe('ServiceUnavailable');
    expect(err.message).toContain('cannot be written to');
    expect(err.message).toContain('could not be saved');
    // Reads still answer.
    const names = (await iam.send(new ListUsersCommand({}))).Users!.map((u) => u.UserName);
    expect(names).toContain('saved-before');
    expect(names).not.toContain('unsaved'); // refused before moto made it
  } finally {
    readOnly(snapshots, false);
  }
  // What was answered is what survives a restart.
  await stopSandbox({ home });
  info = await ensureSandbox({ home, port });
  const after = adminClients(info).iam;
  const names = (await after.send(new ListUsersCommand({}))).Users!.map((u) => u.UserName);
  expect(names).toContain('saved-before');
  expect(names).not.toContain('unsaved');
  await after.send(new CreateUserCommand({ UserName: 'writable-again' }));
});

it('a replaced state folder: writes refused with a clear error, then `lab sandbox start` recovers', async () => {
  const iam = adminClients(info).iam;
  await iam.send(new CreateUserCommand({ UserName: 'kept' }));
  // Replaced: moved away and a copy put in its place (a restore, a sync tool).
  const dir = layout(home).dir;
  renameSync(dir, `${dir}.old`);
  cpSync(`${dir}.old`, dir, { recursive: true });
  rmSync(`${dir}.old`, { recursive: true, force: true });

  const err = await failure(iam.send(new CreateUserCommand({ UserName: 'lost-write' })));
  expect(err.$metadata?.httpStatusCode).toBe(503);
  expect(err.name).toBe('ServiceUnavailable');
  expect(err.message).toContain('was replaced');
  expect(err.message).toContain('lab sandbox stop');
  // Reads still answer.
  expect((await iam.send(new ListUsersCommand({}))).Users!.map((u) => u.UserName)).toContain(
    'kept',
  );

  const status = await sandboxStatus({ home });
  expect(status.running).toBe(false);
  expect(status.stateLost).toContain('was replaced');

  // start sees the engine cannot save, restarts it on the folder now in place.
  info = await ensureSandbox({ home, port });
  await iam.send(new CreateUserCommand({ UserName: 'after-restart' }));
  expect((await iam.send(new GetUserCommand({ UserName: 'kept' }))).User!.UserName).toBe('kept');
});

it('a deleted state folder: writes refused; status, start and stop still find the processes', async () => {
  const iam = adminClients(info).iam;
  let pids = readRun(layout(home));
  rmSync(layout(home).dir, { recursive: true, force: true });

  const err = await failure(iam.send(new CreateUserCommand({ UserName: 'lost-write' })));
  expect(err.$metadata?.httpStatusCode).toBe(503);
  expect(err.message).toContain('was deleted');

  const status = await lab(['sandbox', 'status'], env);
  expect(status.code).toBe(1);
  expect(status.stdout).toContain('state folder lost');
  expect(status.stdout).toContain(`gateway  pid ${pids.gateway!.pid}`);
  expect(status.stdout).toContain(`engine   pid ${pids.engine!.pid}`);
  expect(status.stdout).toContain('lab sandbox stop');

  // `lab sandbox start` over the orphans stops them first, on the same port (no "port in use").
  info = await ensureSandbox({ home, port });
  expect(alive(pids.engine!.pid)).toBe(false);
  expect(alive(pids.gateway!.pid)).toBe(false);
  await adminClients(info).iam.send(new CreateUserCommand({ UserName: 'fresh' }));

  // And stop finds them too.
  pids = readRun(layout(home));
  rmSync(layout(home).dir, { recursive: true, force: true });
  expect(await stopSandbox({ home })).toEqual({ stopped: ['gateway', 'engine'], orphaned: true });
  expect(alive(pids.engine!.pid)).toBe(false);
  expect(alive(pids.gateway!.pid)).toBe(false);
  expect(await portIsFree('127.0.0.1', port)).toBe(true);
});
