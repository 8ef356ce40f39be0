// `lab cleanup --target aws`: the AWS code path (SDK default credential chain,
// typed-back account id, root refusal), exercised against the sandbox by
// pointing the AWS target at it with AWS_ENDPOINT_URL and environment
// credentials, as docs/cleanup.md describes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.ts';
import {
  cliFiles,
  keysOf,
  lab,
  learnerKeyAndProfile,
  startLabRun,
  userExists,
} from './cleanup-fixture.ts';

let sb: TestSandbox;
beforeAll(async () => {
  sb = await startTestSandbox();
});
afterAll(async () => {
  await sb?.stop();
});

/** The environment of someone running labrunner against "AWS" with keys in the environment. */
function awsEnv(endpoint: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(sb.env)) if (!k.startsWith('AWS_')) env[k] = v;
  return {
    ...env,
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: sb.runner.accessKeyId,
    AWS_SECRET_ACCESS_KEY: sb.runner.secretAccessKey,
    AWS_REGION: sb.region,
    AWS_CONFIG_FILE: sb.configFile,
    AWS_SHARED_CREDENTIALS_FILE: sb.credentialsFile,
  };
}

/**
 * A forwarding proxy in front of the sandbox that changes one fact in one
 * answer, to stand for an account we cannot create here (one with root keys,
 * or root credentials in use). Requests pass through unchanged (same Host, so
 * signatures still verify).
 */
async function rewritingProxy(
  action: string,
  rewrite: (body: string) => string,
): Promise<{ url: string; close: () => Promise<void> }> {
  const upstream = new URL(sb.endpoint);
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const up = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: req.headers,
        },
        (ur) => {
          const out: Buffer[] = [];
          ur.on('data', (c) => out.push(c));
          ur.on('end', () => {
            let text = Buffer.concat(out).toString('utf8');
            if (body.toString().includes(`Action=${action}`)) text = rewrite(text);
            const headers = { ...ur.headers, 'content-length': String(Buffer.byteLength(text)) };
            res.writeHead(ur.statusCode ?? 500, headers);
            res.end(text);
          });
        },
      );
      up.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

describe('lab cleanup against an AWS account', () => {
  it('prints the plan, then refuses a wrong typed account id and changes nothing', async () => {
    await startLabRun(sb, { lab: 'aws-lab', user: 'aws-user', target: 'aws' });
    const key = await learnerKeyAndProfile(sb, 'aws-user', 'awslab');
    const files = await cliFiles(sb);

    const wrong = await lab(
      ['cleanup', 'aws-lab', '--target', 'aws'],
      awsEnv(sb.endpoint),
      '999999999999\n',
    );
    expect(wrong.code).toBe(2);
    const lines = wrong.stdout.split('\n');
    expect(lines[0]).toBe(
      `lab cleanup: AWS account ${sb.accountId}, credentials from AWS_ACCESS_KEY_ID`,
    );
    expect(wrong.stdout).toContain(`deactivate access key ${key} of aws-user`);
    expect(wrong.stdout).toContain(`Type the account id ${sb.accountId}`);
    expect(wrong.stderr).toContain('"999999999999" is not');
    expect(await keysOf(sb, 'aws-user')).toEqual([{ id: key, status: 'Active' }]);
    expect(await cliFiles(sb)).toEqual(files);

    const none = await lab(['cleanup', 'aws-lab', '--target', 'aws'], awsEnv(sb.endpoint), '');
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no account id was typed');
    expect(await userExists(sb, 'aws-user')).toBe(true);

    // With --json the plan and the question go to stderr; stdout is one JSON object.
    const right = await lab(
      ['cleanup', 'aws-lab', '--target', 'aws', '--json'],
      awsEnv(sb.endpoint),
      `${sb.accountId}\n`,
    );
    expect(right.code, right.stdout + right.stderr).toBe(0);
    expect(right.stderr).toContain(`Type the account id ${sb.accountId}`);
    expect(right.stderr).toContain(`deactivate access key ${key} of aws-user`);
    const json = JSON.parse(right.stdout);
    expect(json).toMatchObject({ lab: 'aws-lab', target: 'aws', accountId: sb.accountId });
    expect(json.runs[0]).toMatchObject({ clean: true, remaining: [] });
    expect(json.runs[0].done).toContain(`delete access key ${key} of aws-user`);
    expect(await userExists(sb, 'aws-user')).toBe(false);
    expect((await cliFiles(sb)).credentials).not.toContain(key);
  });

  it('refuses, loudly, when the account has root access keys', async () => {
    await startLabRun(sb, { lab: 'root-keys', user: 'rk-user', target: 'aws' });
    const proxy = await rewritingProxy('GetAccountSummary', (xml) =>
      xml.replace(/(<key>AccountAccessKeysPresent<\/key>\s*<value>)0(<\/value>)/, '$11$2'),
    );
    try {
      const r = await lab(['cleanup', 'root-keys', '--target', 'aws', '--yes'], awsEnv(proxy.url));
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('WARNING: this AWS account has ROOT access keys');
      expect(r.stderr).toContain('Refusing to clean up while the account has root access keys');
      expect(await userExists(sb, 'rk-user')).toBe(true);
    } finally {
      await proxy.close();
    }
  });

  it('refuses, loudly, when the credentials in use are the root user', async () => {
    await startLabRun(sb, { lab: 'root-creds', user: 'rc-user', target: 'aws' });
    const proxy = await rewritingProxy('GetCallerIdentity', (xml) =>
      xml.replace(/<Arn>[^<]*<\/Arn>/, `<Arn>arn:aws:iam::${sb.accountId}:root</Arn>`),
    );
    try {
      const r = await lab(['cleanup', 'root-creds', '--target', 'aws', '--yes'], awsEnv(proxy.url));
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('ROOT user');
      expect(r.stderr).toContain('Refusing to clean up with root credentials');
      expect(await userExists(sb, 'rc-user')).toBe(true);
    } finally {
      await proxy.close();
    }
  });
});
