// `lab cleanup` against a real sandbox: it removes what the run created and
// nothing else, can be interrupted and rerun, and changes nothing on --dry-run.
import { describe, expect, it } from 'vitest';
import { nextSecond } from '../helpers/clock.ts';
import { CreateAccessKeyCommand, CreateUserCommand } from '@aws-sdk/client-iam';
import { writeFile } from 'node:fs/promises';
import { useTestSandbox } from '../helpers/sandbox.ts';
import { execFileSync } from 'node:child_process';
import { ledgerFor, openStore, getRun, setRunBaseline } from '../../runner/store/index.ts';
import { resolveTarget } from '../../runner/target/index.ts';
import { runCleanup } from '../../runner/cleanup/index.ts';
import {
  cliFiles,
  keysOf,
  lab,
  learnerKeyAndProfile,
  runnerClients,
  startLabRun,
  userExists,
} from './cleanup-fixture.ts';

const sb = useTestSandbox();

describe('lab cleanup in the sandbox', () => {
  it('keeps users and keys that existed before the lab; removes only the learner’s new key and profile', async () => {
    const { iam } = runnerClients(sb);
    // Before the lab: someone else's user and key, and the lab user with an old key of its own.
    await iam.send(new CreateUserCommand({ UserName: 'bob' }));
    const bobKey = (await iam.send(new CreateAccessKeyCommand({ UserName: 'bob' }))).AccessKey!
      .AccessKeyId!;
    await iam.send(new CreateUserCommand({ UserName: 'iam-admin' }));
    const oldKey = (await iam.send(new CreateAccessKeyCommand({ UserName: 'iam-admin' })))
      .AccessKey!.AccessKeyId!;
    // The learner's own profiles, with comments, before the lab.
    const before = await cliFiles(sb);
    await writeFile(
      sb.credentialsFile,
      `# my notes\n${before.credentials}\n[bob]\naws_access_key_id = ${bobKey}\n`,
    );
    await nextSecond(); // IAM CreateDate has whole seconds: start the run strictly after the old key
    const filesAtStart = await cliFiles(sb);

    const store = openStore(sb.home);
    const { startRun } = await import('../../runner/store/index.ts');
    // AWS-style run: the lab user already existed, so the ledger does not own it.
    const run = startRun(store, {
      lab: 'day42',
      target: 'sandbox',
      accountId: sb.accountId,
      learner: 'tester',
    });
    const newKey = await learnerKeyAndProfile(sb, 'iam-admin', 'lab');
    expect((await cliFiles(sb)).credentials).toContain(newKey);

    const target = await resolveTarget({ home: sb.home, env: { LAB_TARGET: 'sandbox' } });
    let out = '';
    const sink = { write: (s: string) => ((out += s), true) } as unknown as NodeJS.WritableStream;
    try {
      const report = await runCleanup({
        run,
        target,
        store,
        labUsers: ['iam-admin'],
        stdout: sink as never,
        stderr: sink as never,
      });
      expect(report.remaining).toEqual([]);
      expect(report.clean).toBe(true);
    } finally {
      target.close();
    }
    // Deactivated, then deleted; the plan said so before doing it.
    expect(out).toMatch(
      new RegExp(`deactivate access key ${newKey}[\\s\\S]*delete access key ${newKey}`),
    );
    expect(out).toContain('keep IAM user iam-admin');
    expect(out).toContain(`keep access key ${oldKey} of iam-admin`);
    expect(out).toContain('nothing the lab created remains');

    expect(await keysOf(sb, 'iam-admin')).toEqual([{ id: oldKey, status: 'Active' }]);
    expect(await keysOf(sb, 'bob')).toEqual([{ id: bobKey, status: 'Active' }]);
    expect(await userExists(sb, 'iam-admin')).toBe(true);
    // The learner's files are exactly as they were when the lab started.
    expect(await cliFiles(sb)).toEqual(filesAtStart);
    expect(getRun(store, run.id)?.status).toBe('cleaned');
    const ledger = ledgerFor(store, run.id);
    expect(ledger.find((e) => e.resourceId === newKey)?.createdBy).toBe('learner');
    expect(ledger.every((e) => e.removedAt)).toBe(true);
    store.close();
  });

  it('--dry-run prints the plan and changes nothing', async () => {
    await startLabRun(sb, { lab: 'dry', user: 'dry-user' });
    const key = await learnerKeyAndProfile(sb, 'dry-user', 'dry');
    const files = await cliFiles(sb);
    const r = await lab(['cleanup', 'dry', '--dry-run'], sb.env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe(`lab cleanup: local sandbox, account ${sb.accountId}`);
    expect(r.stdout).toContain(`deactivate access key ${key} of dry-user`);
    expect(r.stdout).toContain('delete IAM user dry-user');
    expect(r.stdout).toContain('Dry run: nothing was changed.');
    expect(await keysOf(sb, 'dry-user')).toEqual([{ id: key, status: 'Active' }]);
    expect(await userExists(sb, 'dry-user')).toBe(true);
    expect(await cliFiles(sb)).toEqual(files);
    // The real cleanup afterwards removes it all.
    const real = await lab(['cleanup', 'dry', '--json'], sb.env);
    expect(real.code, real.stderr).toBe(0);
    const json = JSON.parse(real.stdout);
    expect(json.runs[0].clean).toBe(true);
    expect(await userExists(sb, 'dry-user')).toBe(false);
  });

  it('a cleanup killed after its first action is finished by a rerun', async () => {
    const run = await startLabRun(sb, { lab: 'crash', user: 'crash-user' });
    const key = await learnerKeyAndProfile(sb, 'crash-user', 'crash');
    const killed = await lab(['cleanup', 'crash'], { ...sb.env, LAB_CLEANUP_CRASH_AFTER: '1' });
    expect(killed.signal).toBe('SIGKILL');
    // Killed halfway: the key is deactivated but not deleted, the user and profile still there.
    expect(await keysOf(sb, 'crash-user')).toEqual([{ id: key, status: 'Inactive' }]);
    expect((await cliFiles(sb)).credentials).toContain(key);

    const rerun = await lab(['cleanup', 'crash'], sb.env);
    expect(rerun.code, rerun.stdout + rerun.stderr).toBe(0);
    expect(rerun.stdout).toContain('nothing the lab created remains');
    expect(await userExists(sb, 'crash-user')).toBe(false);
    const files = await cliFiles(sb);
    expect(files.credentials).not.toContain(key);
    expect(files.credentials).not.toContain('[crash]');
    expect(files.config).not.toContain('[profile crash]');
    const store = openStore(sb.home);
    expect(ledgerFor(store, run.id).every((e) => e.removedAt)).toBe(true);
    expect(getRun(store, run.id)?.status).toBe('cleaned');
    store.close();
    // A third run has nothing left to do, and says so.
    const again = await lab(['cleanup', 'crash'], sb.env);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain(`Nothing to clean up: run ${run.id} of crash was cleaned up`);
    expect(again.stdout).toMatch(/cleaned up at \d{4}-\d\d-\d\d \d\d:\d\d UTC\.\n/); // as every other date
  });

  it('a rerun finishes a cleanup killed after any of its actions', async () => {
    // Plan: deactivate, delete key, credentials section, config section, delete user.
    for (const n of [2, 3, 4]) {
      const name = `crash${n}`;
      const filesAtStart = await cliFiles(sb);
      await startLabRun(sb, { lab: name, user: `${name}-user` });
      await learnerKeyAndProfile(sb, `${name}-user`, name);
      const killed = await lab(['cleanup', name], {
        ...sb.env,
        LAB_CLEANUP_CRASH_AFTER: String(n),
      });
      expect(killed.signal, `after ${n}`).toBe('SIGKILL');
      expect(killed.stdout.match(/^ {2}done /gm)?.length, `after ${n}`).toBe(n);
      const rerun = await lab(['cleanup', name], sb.env);
      expect(rerun.code, `after ${n}: ${rerun.stdout}${rerun.stderr}`).toBe(0);
      expect(await userExists(sb, `${name}-user`)).toBe(false);
      expect(await cliFiles(sb), `after ${n}`).toEqual(filesAtStart);
    }
  });

  it('removes the profile of a key the learner created and deleted before any check saw it', async () => {
    const run = await startLabRun(sb, { lab: 'gone', user: 'gone-user' });
    const store = openStore(sb.home);
    setRunBaseline(store, run.id, { keys: [], setupAt: new Date().toISOString() });
    store.close();
    const filesAtStart = await cliFiles(sb);
    const key = await learnerKeyAndProfile(sb, 'gone-user', 'gone');
    // The learner deletes it with the CLI (step 5); the profile still holds it.
    execFileSync(
      'aws',
      ['iam', 'delete-access-key', '--user-name', 'gone-user', '--access-key-id', key],
      { env: sb.env },
    );
    expect((await cliFiles(sb)).credentials).toContain(key);
    const r = await lab(['cleanup', 'gone'], sb.env);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain(`[gone] (holds key ${key})`);
    expect(await cliFiles(sb)).toEqual(filesAtStart);
  });

  it('refuses a run that was recorded in another account', async () => {
    await startLabRun(sb, { lab: 'elsewhere', user: 'elsewhere-user', accountId: '111122223333' });
    const r = await lab(['cleanup', 'elsewhere', '--yes'], sb.env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('was in account 111122223333');
    expect(await userExists(sb, 'elsewhere-user')).toBe(true);
  });

  it('--expired cleans runs past their time limit and leaves recent ones', async () => {
    const old = new Date(Date.now() - 5 * 60 * 60_000);
    await startLabRun(sb, { lab: 'old-lab', user: 'old-user', now: old });
    await startLabRun(sb, { lab: 'new-lab', user: 'new-user' });
    const r = await lab(['cleanup', '--expired'], sb.env);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('delete IAM user old-user');
    expect(r.stdout).not.toContain('new-user');
    expect(await userExists(sb, 'old-user')).toBe(false);
    expect(await userExists(sb, 'new-user')).toBe(true);
  });
});
