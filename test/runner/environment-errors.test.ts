// Environment failures are named, exit 2, with the command that fixes them — never "This is a
// bug in labrunner": another emulator without CloudTrail (a plain moto), the sandbox's engine
// down while its gateway is up, expired credentials from credential_process, a damaged
// identities.json. Each case printed a stack trace or the wrong cause before (issue 8).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { freePort } from '../../sandbox/lifecycle/ports.ts';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.ts';
import { cleanEnv, lab } from '../sandbox/run-cli.ts';

const BUG = /bug in labrunner|^\s+at /m;
let moto: ChildProcess;
let motoUrl: string;
let sb: TestSandbox;
const dirs: string[] = [];
const tmp = (p: string) => {
  const d = mkdtempSync(join(tmpdir(), p));
  dirs.push(d);
  return d;
};

beforeAll(async () => {
  const port = await freePort();
  motoUrl = `http://127.0.0.1:${port}`;
  // A plain moto server, as a learner might run instead of the sandbox.
  // (With AWS's managed policies loaded, so that `lab start` can attach IAMFullAccess.)
  moto = spawn('python3', ['-m', 'moto.server', '-p', String(port)], {
    stdio: 'ignore',
    env: { ...process.env, MOTO_IAM_LOAD_MANAGED_POLICIES: 'true' },
  });
  const until = Date.now() + 60_000;
  for (;;) {
    const up = await fetch(`${motoUrl}/moto-api/`).then(
      () => true,
      () => false,
    );
    if (up) break;
    if (Date.now() > until) throw new Error('plain moto did not start');
    await new Promise((r) => setTimeout(r, 200));
  }
  sb = await startTestSandbox();
});
afterAll(async () => {
  moto?.kill();
  await sb?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('named environment errors (exit 2)', () => {
  test('an endpoint without CloudTrail event history (plain moto)', async () => {
    const env = cleanEnv({
      LAB_HOME: tmp('lab-env-moto-'),
      AWS_ENDPOINT_URL: motoUrl,
      AWS_ACCESS_KEY_ID: 'AKIAEXAMPLEEXAMPLE00',
      AWS_SECRET_ACCESS_KEY: 'example',
      AWS_REGION: 'us-east-1',
    });
    const start = await lab(['start', 'day42', '--target', 'aws'], env);
    expect(start.code, start.stderr).toBe(0);
    const r = await lab(['check', 'day42', '--target', 'aws'], env);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/endpoint .* \(AWS_ENDPOINT_URL\) failed on cloudtrail:LookupEvents/);
    expect(r.stderr).toMatch(/--target sandbox/);
    expect(r.stderr).not.toMatch(BUG);
    const j = await lab(['check', 'day42', '--target', 'aws', '--json'], env);
    expect(JSON.parse(j.stdout).error.code).toBe('endpoint_unsupported');
  });

  test("the sandbox's engine down while its gateway is up", async () => {
    const env = { ...sb.env, NO_COLOR: '1' };
    expect((await lab(['start', 'day42'], env)).code).toBe(0);
    sb.kill('engine');
    const r = await lab(['check', 'day42'], env);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/engine is not answering/);
    expect(r.stderr).toMatch(/lab sandbox start/);
    expect(r.stderr).not.toMatch(BUG);
  });

  test('expired credentials from credential_process', async () => {
    const dir = tmp('lab-env-proc-');
    const expired = JSON.stringify({
      Version: 1,
      AccessKeyId: 'AKIAEXAMPLEEXAMPLE00',
      SecretAccessKey: 'example',
      SessionToken: 'token',
      Expiration: '2020-01-01T00:00:00Z',
    });
    writeFileSync(join(dir, 'creds.sh'), `#!/bin/sh\necho '${expired}'\n`, { mode: 0o755 });
    writeFileSync(
      join(dir, 'config'),
      `[profile sso-ish]\nregion = us-east-1\ncredential_process = ${join(dir, 'creds.sh')}\n`,
    );
    const env = cleanEnv({
      LAB_HOME: dir,
      AWS_CONFIG_FILE: join(dir, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
      AWS_ENDPOINT_URL: motoUrl,
    });
    const r = await lab(['check', 'day42', '--target', 'aws', '--profile', 'sso-ish'], env);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/credentials of profile sso-ish have expired/);
    expect(r.stderr).not.toMatch(/No AWS credentials found/);
    expect(r.stderr).not.toMatch(BUG);
  });

  test('a damaged identities.json', async () => {
    const home = tmp('lab-env-ids-');
    mkdirSync(join(home, 'sandbox', 'engine'), { recursive: true });
    writeFileSync(join(home, 'sandbox', 'engine', 'identities.json'), '{"accountId": "1234');
    const r = await lab(['sandbox', 'start', '--port', String(await freePort())], {
      ...cleanEnv({ LAB_HOME: home }),
      NO_COLOR: '1',
    });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/identities file .*identities\.json is damaged/);
    expect(r.stderr).toMatch(/lab sandbox reset --yes/);
    expect(r.stderr).not.toMatch(/Traceback|json\.decoder|BUG/);
  });
});
