// `lab sandbox env` and the isolated CLI files, as a learner's shell sees them: eval the lines
// in bash and run the real `aws`. The learner's own ~/.aws and AWS_* variables must not matter,
// and ~/.aws must not change.
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.ts';
import { cleanEnv, lab, run } from './run-cli.ts';

let sb: TestSandbox;
let fakeHome: string;
let learnerEnv: Record<string, string>;
const REAL_AWS_FILES = {
  credentials:
    '[default]\naws_access_key_id = AKIAREALACCOUNTKEY00\naws_secret_access_key = real/secret\n[sandbox-admin]\naws_access_key_id = AKIAWRONGPROFILE0000\naws_secret_access_key = wrong\n',
  config:
    '[default]\nregion = eu-central-1\n[profile sandbox-admin]\nregion = ap-south-1\nendpoint_url = https://example.invalid\n',
};

beforeAll(async () => {
  sb = await startTestSandbox();
  fakeHome = mkdtempSync(join(tmpdir(), 'lab-home-'));
  mkdirSync(join(fakeHome, '.aws'));
  for (const [name, text] of Object.entries(REAL_AWS_FILES)) {
    writeFileSync(join(fakeHome, '.aws', name), text);
  }
  // A learner whose shell points at their real account.
  learnerEnv = cleanEnv({
    HOME: fakeHome,
    LAB_HOME: sb.home,
    LAB_SANDBOX_PORT: new URL(sb.endpoint).port,
    AWS_ACCESS_KEY_ID: 'AKIAREALACCOUNTKEY00',
    AWS_SECRET_ACCESS_KEY: 'real/secret',
    AWS_PROFILE: 'default',
    AWS_MAX_ATTEMPTS: '1',
  });
});
afterAll(async () => {
  await sb?.stop();
});

test('eval "$(lab sandbox env)" points aws at the sandbox as its admin (the default profile)', async () => {
  const out = await lab(['sandbox', 'env'], learnerEnv);
  expect(out.code, out.stderr).toBe(0);
  expect(out.stdout).toContain(`export AWS_ENDPOINT_URL='${sb.endpoint}'`);
  // Nothing that beats a profile's own settings: the lab teaches profiles and regions.
  expect(out.stdout).not.toMatch(/export AWS_(PROFILE|REGION|DEFAULT_REGION)=/);
  expect(out.stdout).toMatch(/^unset .*\bAWS_PROFILE\b.*\bAWS_REGION\b.*\bAWS_DEFAULT_REGION\b/m);
  expect(out.stdout).not.toContain(sb.learner.secretAccessKey); // secrets stay in the 0600 file

  const r = await run(
    'bash',
    [
      '-c',
      'eval "$(node bin/lab.mjs sandbox env)" && aws iam list-users --query "Users[].UserName" --output text && aws sts get-caller-identity --query Arn --output text && env | grep -c "^AWS_ACCESS_KEY_ID=" || true',
    ],
    learnerEnv,
  );
  expect(r.code, r.stderr).toBe(0);
  const [users, arn, leftover] = r.stdout.trim().split('\n');
  expect(users.split(/\s+/).sort()).toEqual(['sandbox-admin']); // the runner's own user is hidden (fixes/hide-service-users.ts)
  expect(arn).toBe(sb.learner.arn);
  expect(leftover).toBe('0'); // the learner's real keys were unset in this shell
});

test.each([
  ['AWS CLI v1 (pyenv)', ''],
  ["Debian's AWS CLI 2.9 (predates AWS_ENDPOINT_URL)", '/usr/bin:'],
])(
  'after eval, a role_arn profile assumes its role in the sandbox with %s',
  async (_cli, first) => {
    // The CLI's own AssumeRole for the profile must reach the sandbox too: 2.9 sent it to the
    // real STS ("Could not connect to the endpoint URL: https://sts.us-east-1.amazonaws.com/").
    const role = `cli-env-role-${first ? 'v2' : 'v1'}`;
    const home = mkdtempSync(join(tmpdir(), 'lab-role-home-'));
    const trust = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${sb.accountId}:root` },
          Action: 'sts:AssumeRole',
        },
      ],
    });
    const script = [
      'eval "$(node bin/lab.mjs sandbox env)"',
      `export PATH="\${PATH%%:*}:${first}\${PATH#*:}"`, // the wrapper first, then the CLI under test
      'aws --version',
      `aws iam create-role --role-name ${role} --assume-role-policy-document '${trust}' >/dev/null`,
      `aws configure set role_arn arn:aws:iam::${sb.accountId}:role/${role} --profile ${role}`,
      `aws configure set source_profile default --profile ${role}`,
      `aws configure set region us-east-1 --profile ${role}`,
      `aws sts get-caller-identity --profile ${role} --query Arn --output text`,
    ].join(' && ');
    const r = await run('bash', ['-c', script], { ...learnerEnv, HOME: home });
    expect(r.code, r.stderr).toBe(0);
    const [version, arn] = r.stdout.trim().split('\n');
    expect(version).toMatch(first ? /^aws-cli\/2\.9\./ : /^aws-cli\/1\./);
    expect(arn).toMatch(
      new RegExp(`^arn:aws:sts::${sb.accountId}:assumed-role/${role}/botocore-session-\\d+$`),
    );
  },
);

test('after eval, `lab` itself is on PATH (no npx), even with an old node first on PATH', async () => {
  const env = { ...learnerEnv, PATH: `/usr/bin:${learnerEnv.PATH}` };
  const r = await run(
    'bash',
    ['-c', 'eval "$(node bin/lab.mjs sandbox env)" && cd / && type -p lab && lab --version'],
    env,
  );
  expect(r.code, r.stderr).toBe(0);
  const [path, version] = r.stdout.trim().split('\n');
  expect(path).toBe(join(sb.home, 'sandbox', 'bin', 'lab'));
  expect(version).toMatch(/^\d+\.\d+\.\d+$/);
});

test("eval keeps the shell's own PATH and is idempotent", async () => {
  const env = { ...learnerEnv, PATH: `/opt/learner-tools:${learnerEnv.PATH}` };
  const r = await run(
    'bash',
    ['-c', 'for i in 1 2; do eval "$(node bin/lab.mjs sandbox env)"; done; echo "$PATH"'],
    env,
  );
  expect(r.code, r.stderr).toBe(0);
  const dirs = r.stdout.trim().split(':');
  expect(dirs[0]).toBe(join(sb.home, 'sandbox', 'bin'));
  expect(dirs.filter((d) => d === dirs[0])).toHaveLength(1);
  expect(dirs[1]).toBe('/opt/learner-tools');
});

test("the learner's ~/.aws is neither used nor changed, even by aws configure", async () => {
  const before = snapshot(join(fakeHome, '.aws'));
  const r = await run(
    'bash',
    [
      '-c',
      'eval "$(node bin/lab.mjs sandbox env)" && aws configure set region eu-west-3 --profile scratch && aws configure get region --profile scratch',
    ],
    learnerEnv,
  );
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout.trim()).toBe('eu-west-3');
  expect(snapshot(join(fakeHome, '.aws'))).toEqual(before);
  expect(readFileSync(sb.configFile, 'utf8')).toContain('[profile scratch]');
  // The next start rewrites only the sandbox-admin profile.
  expect((await lab(['sandbox', 'start'], learnerEnv)).code).toBe(0);
  expect(readFileSync(sb.configFile, 'utf8')).toContain('[profile scratch]');
});

test('lab shell: the environment reaches the shell, with a prompt marker for bash', async () => {
  const r = await lab(
    ['shell'],
    { ...learnerEnv, SHELL: '/bin/bash' },
    'aws sts get-caller-identity --query Arn --output text\necho "endpoint=$AWS_ENDPOINT_URL lab=$LAB_SANDBOX"\n',
  );
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout).toContain(sb.learner.arn);
  expect(r.stdout).toContain(`endpoint=${sb.endpoint} lab=${sb.endpoint}`);
  const rc = readFileSync(join(sb.home, 'sandbox', 'shell', 'bashrc'), 'utf8');
  expect(rc).toContain('(sandbox)');
  // Run through npx, lab carries npm's variables; the learner's shell does not inherit them.
  const viaNpm = await lab(
    ['shell'],
    { ...learnerEnv, SHELL: '/bin/bash', npm_execpath: '/x/npm-cli.js', npm_config_prefix: '/x' },
    'echo "npm_vars=$(env | grep -c ^npm_)"\n',
  );
  expect(viaNpm.stdout).toContain('npm_vars=0');
  const help = await lab(['shell', '--help'], learnerEnv);
  expect(help.code).toBe(0);
  expect(help.stdout).toContain('--port');
});

function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of readdirSync(dir)) {
    out[f] = `${statSync(join(dir, f)).mtimeMs}:${readFileSync(join(dir, f), 'utf8')}`;
  }
  return out;
}
