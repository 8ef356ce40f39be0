// labs/day42/solve.mjs against a real sandbox, through the real `aws` CLI: run directly it
// does the whole lab; imported, its steps work one at a time with a shared state (the
// contract `lab test` relies on); and it never prints the secret access key.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parse } from 'ini';
import { $ as zx$ } from 'zx';
import {
  AttachUserPolicyCommand,
  CreateUserCommand,
  ListAccessKeysCommand,
} from '@aws-sdk/client-iam';
import { adminClients, startTestSandbox, type TestSandbox } from '../../helpers/sandbox.ts';

const run = promisify(execFile);
const solvePath = fileURLToPath(new URL('../../../labs/day42/solve.mjs', import.meta.url));

let sb: TestSandbox;

beforeAll(async () => {
  sb = await startTestSandbox();
  // What `lab start day42` sets up: iam-admin with IAM rights only.
  const { iam } = adminClients(sb);
  await iam.send(new CreateUserCommand({ UserName: 'iam-admin' }));
  await iam.send(
    new AttachUserPolicyCommand({
      UserName: 'iam-admin',
      PolicyArn: 'arn:aws:iam::aws:policy/IAMFullAccess',
    }),
  );
});
afterAll(async () => {
  await sb?.stop();
});

const keysOfIamAdmin = async () =>
  (await adminClients(sb).iam.send(new ListAccessKeysCommand({ UserName: 'iam-admin' })))
    .AccessKeyMetadata ?? [];

describe('labs/day42/solve.mjs', () => {
  it('imported, runs step by step with a shared state; a step out of order fails', async () => {
    const { steps } = await import(solvePath);
    expect(Object.keys(steps)).toEqual([
      'create-key',
      'configure',
      'list-users',
      'denied-ec2',
      'cleanup',
    ]);
    const ctx = {
      $: zx$({ env: sb.env, quiet: true, verbose: false }),
      env: sb.env,
      state: {} as any,
    };

    // Before configure there is no iam-admin profile: the EC2 step cannot show the denial.
    await expect(steps['denied-ec2'](ctx)).rejects.toThrow(/not with UnauthorizedOperation/);

    await steps['create-key'](ctx);
    expect(ctx.state.accessKeyId).toMatch(/^AKIA/);
    expect(ctx.state.secretAccessKey).toHaveLength(40);
    expect((await keysOfIamAdmin()).map((k) => k.AccessKeyId)).toEqual([ctx.state.accessKeyId]);

    await steps.configure(ctx);
    const config = parse(await readFile(sb.configFile, 'utf8'));
    expect(config['profile iam-admin']).toMatchObject({ region: 'ap-southeast-2', output: 'json' });
    const creds = parse(await readFile(sb.credentialsFile, 'utf8'));
    expect(creds['iam-admin'].aws_access_key_id).toBe(ctx.state.accessKeyId);
    // The admin profile is untouched.
    expect(creds['sandbox-admin'].aws_access_key_id).toBe(sb.learner.accessKeyId);

    expect((await steps['list-users'](ctx)).users).toContain('iam-admin');
    expect(await steps['denied-ec2'](ctx)).toEqual({ error: 'UnauthorizedOperation' });

    await steps.cleanup(ctx);
    expect(await keysOfIamAdmin()).toEqual([]);
    expect(ctx.state.secretAccessKey).toBeUndefined();
  });

  it('run directly, does the whole lab in order and never prints the secret', async () => {
    const { stdout, stderr } = await run(process.execPath, [solvePath], { env: sb.env });
    const lines = stdout.trim().split('\n');
    expect(lines.map((l) => l.split(' ')[1])).toEqual([
      'create-key',
      'configure',
      'list-users',
      'denied-ec2',
      'cleanup',
    ]);
    expect(lines.every((l) => l.startsWith('✓ '))).toBe(true);
    // The secret is in the credentials file (aws configure wrote it) and nowhere in the output.
    const creds = parse(await readFile(sb.credentialsFile, 'utf8'));
    const secret: string = creds['iam-admin'].aws_secret_access_key;
    const id: string = creds['iam-admin'].aws_access_key_id;
    expect(secret).toHaveLength(40);
    expect(stdout).toContain(id);
    expect(stdout + stderr).not.toContain(secret);
    expect(await keysOfIamAdmin()).toEqual([]);
  });

  it('run directly with a failing step, exits 1 with a message that names the step', async () => {
    // cleanup with no key in memory falls back to the profile's key, which is already deleted.
    const err: any = await run(process.execPath, [solvePath, 'cleanup'], { env: sb.env }).catch(
      (e) => e,
    );
    expect(err.code).toBe(1);
    expect(err.stderr).toMatch(/day42 cleanup: could not deactivate AKIA\w+/);
    expect(err.stderr).toContain('NoSuchEntity');
  });
});
