// Target resolution and environment errors, through real clients and the real CLI.
import { describe, it, expect } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useTestSandbox } from '../helpers/sandbox.ts';
import { rewritingProxy } from '../helpers/rewriting-proxy.ts';
import { freePort } from '../../sandbox/index.ts';
import { resolveTarget } from '../../runner/target/index.ts';
import { environmentError } from '../../runner/aws/index.ts';
import { runChecks, startLab } from '../../runner/check/index.ts';
import { isLabError } from '../../runner/errors.ts';

const BIN = new URL('../../bin/lab.mjs', import.meta.url).pathname;
const sb = useTestSandbox();

const lab = (args: string[], env: Record<string, string>) => {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    env: { ...env, NO_COLOR: '1' },
    encoding: 'utf8',
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

describe('targets', () => {
  it('defaults to the sandbox, from the sandbox info, with the learner files isolated', async () => {
    const t = await resolveTarget({ home: sb.home, env: {} });
    expect(t.kind).toBe('sandbox');
    expect(t.label).toBe(`local sandbox, account ${sb.accountId}`);
    expect(t.callerArn).toBe(sb.runner.arn);
    expect(t.isRoot).toBe(false);
    expect(t.learnerFiles).toEqual({
      configFile: sb.configFile,
      credentialsFile: sb.credentialsFile,
    });
    const { GetCallerIdentityCommand } = await import('@aws-sdk/client-sts');
    expect((await t.clients.sts.send(new GetCallerIdentityCommand({}))).Arn).toBe(sb.runner.arn);
    // The learner's admin profile, signed from the isolated files.
    const admin = await t.clientsForProfile('sandbox-admin');
    expect((await admin.sts.send(new GetCallerIdentityCommand({}))).Arn).toBe(sb.learner.arn);
    t.close();
    expect((await resolveTarget({ home: sb.home, env: { LAB_TARGET: 'sandbox' } })).kind).toBe(
      'sandbox',
    );
  });

  it('a sandbox that does not answer is exit 2 with "lab sandbox start"', async () => {
    const port = await freePort();
    const home = mkdtempSync(join(tmpdir(), 'lab-down-'));
    const t = await resolveTarget({
      home: sb.home,
      env: {},
      readSandboxInfo: () => ({ ...sb, endpoint: `http://127.0.0.1:${port}` }),
    });
    // A run exists; only the account is unreachable.
    const up = await resolveTarget({ home: sb.home, env: {} });
    await startLab({ lab: 'day42', target: up, home, env: {} });
    up.close();
    const err = await runChecks({ lab: 'day42', target: t, home, env: {}, retryDelays: [] }).catch(
      (e) => e,
    );
    expect(isLabError(err)).toBe(true);
    expect(err.code).toBe('sandbox_down');
    expect(err.exitCode).toBe(2);
    expect(err.hint).toMatch(/lab sandbox start/);
    t.close();
  });

  it('maps SDK credential, expiry and throttling errors to exit 2 with a fix', () => {
    const named = (name: string, message = name) => Object.assign(new Error(message), { name });
    const aws = { kind: 'aws' as const, profile: 'dev' };
    expect(
      environmentError(
        named('CredentialsProviderError', 'Could not load credentials from any providers'),
        aws,
      ),
    ).toMatchObject({ code: 'no_credentials', exitCode: 2 });
    expect(
      environmentError(
        named('ExpiredToken', 'The security token included in the request is expired'),
        aws,
      ),
    ).toMatchObject({
      code: 'expired_token',
      hint: expect.stringMatching(/aws sso login --profile dev/),
    });
    expect(environmentError(named('ThrottlingException', 'Rate exceeded'), aws)).toMatchObject({
      code: 'throttled',
    });
    expect(environmentError(named('NoSuchEntityException'), aws)).toBeUndefined();
  });

  it('--target aws uses the SDK default chain (profile, endpoint from the environment)', () => {
    // AWS_PROFILE and AWS_ENDPOINT_URL (from sb.env): exactly how the SDK finds AWS.
    const env = {
      ...sb.env,
      AWS_PROFILE: 'sandbox-admin',
      LAB_HOME: mkdtempSync(join(tmpdir(), 'lab-aws-')),
    };
    const start = lab(['start', 'day42', '--target', 'aws'], env);
    expect(start.code, start.stderr).toBe(0);
    expect(start.stdout.split('\n')[0]).toBe(`AWS account ${sb.accountId}, profile sandbox-admin`);
    const check = lab(['check', 'day42', '--target', 'aws', '--json'], env);
    expect(check.code).toBe(1);
    const report = JSON.parse(check.stdout);
    expect(report.target).toBe('aws');
    expect(report.steps[0]).toMatchObject({ id: 'create-key', status: 'not-tried' });
  });

  it('--target aws without credentials is exit 2, "No AWS credentials"', () => {
    const home = mkdtempSync(join(tmpdir(), 'lab-nocreds-'));
    writeFileSync(join(home, 'empty'), '');
    const env = {
      PATH: process.env.PATH!,
      HOME: home,
      LAB_HOME: home,
      AWS_CONFIG_FILE: join(home, 'empty'),
      AWS_SHARED_CREDENTIALS_FILE: join(home, 'empty'),
      AWS_EC2_METADATA_DISABLED: 'true',
    };
    const r = lab(['check', 'day42', '--target', 'aws'], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/No AWS credentials found/);
    expect(r.stderr).toMatch(/--profile/);
  });

  it('warns loudly on AWS when root credentials are in use or the account has root keys', async () => {
    // A proxy in front of the sandbox changes one fact per answer, standing for an account we
    // cannot create here: the caller is root, and the account summary reports root keys.
    const proxy = await rewritingProxy(sb.endpoint, (action, text) => {
      if (action === 'GetCallerIdentity') {
        return text.replace(/<Arn>[^<]*<\/Arn>/, `<Arn>arn:aws:iam::${sb.accountId}:root</Arn>`);
      }
      if (action === 'GetAccountSummary') {
        return text.replace(
          /(<key>AccountAccessKeysPresent<\/key>\s*<value>)0(<\/value>)/,
          '$11$2',
        );
      }
      return text;
    });
    try {
      const env = {
        ...sb.env,
        NO_COLOR: '1',
        LAB_HOME: mkdtempSync(join(tmpdir(), 'lab-root-')),
        AWS_ENDPOINT_URL: proxy.url,
      };
      // Asynchronous spawn: the proxy runs in this process.
      const r = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const p = spawn(process.execPath, [BIN, 'check', 'day42', '--target', 'aws'], { env });
        let stderr = '';
        p.stderr.on('data', (d) => (stderr += d));
        p.on('close', (code) => resolve({ code, stderr }));
      });
      expect(r.stderr).toContain('WARNING: these are the ROOT user credentials');
      expect(r.stderr).toContain('WARNING: this AWS account has ROOT access keys');
    } finally {
      await proxy.close();
    }
  });
});
