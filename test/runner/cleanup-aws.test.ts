// `lab cleanup --target aws`: the AWS code path (SDK default credential chain,
// typed-back account id, root refusal), exercised against the sandbox by
// pointing the AWS target at it with AWS_ENDPOINT_URL and environment
// credentials, as docs/cleanup.md describes.
import { describe, expect, it } from 'vitest';
import { useTestSandbox } from '../helpers/sandbox.ts';
import { rewritingProxy as proxy } from '../helpers/rewriting-proxy.ts';
import {
  cliFiles,
  keysOf,
  lab,
  learnerKeyAndProfile,
  startLabRun,
  userExists,
} from './cleanup-fixture.ts';

const sb = useTestSandbox();

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

/** The sandbox behind a proxy that rewrites the answers to one Action. */
function rewritingProxy(action: string, rewrite: (body: string) => string) {
  return proxy(sb.endpoint, (a, body) => (a === action ? rewrite(body) : body));
}

describe('lab cleanup against an AWS account', () => {
  it('prints the plan, then refuses a wrong typed account id and changes nothing', async () => {
    await startLabRun(sb, { lab: 'aws-lab', user: 'aws-user', target: 'aws' });
    // On AWS the learner works as the profile labrunner uses: the key is theirs by identity.
    const key = await learnerKeyAndProfile(sb, 'aws-user', 'awslab', 'runner');
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
