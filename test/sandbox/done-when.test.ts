// Issue 2's "Done when", end to end with the real AWS CLI inside `lab shell`: a learner creates
// a user with IAMFullAccess and a key as sandbox-admin, configures it, lists users (works),
// describes instances (denied, as AWS words it), finds both calls in lookup-events, deactivates
// the key (refused), restarts the sandbox and finds everything as it was.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.ts';
import { cleanEnv, lab, type Run } from './run-cli.ts';
import { scaled } from '../helpers/timeouts.ts';

const SLOW = scaled(150_000); // 300 s at the default factor

let sb: TestSandbox;
let shellEnv: Record<string, string>;
beforeAll(async () => {
  sb = await startTestSandbox();
  // A learner's terminal: no AWS_* variables of ours, LAB_HOME pointing at this sandbox.
  shellEnv = cleanEnv({
    LAB_HOME: sb.home,
    LAB_SANDBOX_PORT: new URL(sb.endpoint).port,
    SHELL: '/bin/bash',
    AWS_MAX_ATTEMPTS: '1',
  });
});
afterAll(async () => {
  await sb?.stop();
});

// The CLI's read timeout (60 s) scales with the machine, as the test's own bounds do: a loaded
// machine answered the first EC2 call late and the CLI gave up (255) before the denial (254).
const READ_TIMEOUT = `--cli-read-timeout ${scaled(60)}`;

/** Type `script` into `lab shell` (bash reads it from stdin). */
async function inShell(script: string): Promise<Run> {
  const r = await lab(['shell'], shellEnv, script);
  return r;
}

const DENIED = (acct: string) =>
  'An error occurred (UnauthorizedOperation) when calling the DescribeInstances operation: ' +
  'You are not authorized to perform this operation. ' +
  `User: arn:aws:iam::${acct}:user/alice is not authorized to perform: ec2:DescribeInstances ` +
  'because no identity-based policy allows the ec2:DescribeInstances action';

// ~25 real CLI runs (each starts a Python): allow for a loaded CI machine.
test("the issue's scenario, start to finish", { timeout: SLOW }, async () => {
  const acct = sb.accountId;
  const setup = await inShell(
    `
    aws sts get-caller-identity --query Arn --output text
    aws iam create-user --user-name alice --query User.UserName --output text
    aws iam attach-user-policy --user-name alice --policy-arn arn:aws:iam::aws:policy/IAMFullAccess
    aws iam create-access-key --user-name alice --query 'AccessKey.[AccessKeyId,SecretAccessKey]' --output text > "$HOME_TMP/key"
    read AK SK < "$HOME_TMP/key"
    printf '%s\\n%s\\nus-east-1\\njson\\n' "$AK" "$SK" | aws configure --profile alice >/dev/null
    echo "configured $AK"
  `.replaceAll('$HOME_TMP', sb.home),
  );
  expect(setup.code, setup.stderr).toBe(0);
  expect(setup.stderr).toContain('labrunner sandbox shell'); // the banner
  expect(setup.stdout).toContain(`arn:aws:iam::${acct}:user/sandbox-admin`);
  const accessKeyId = /configured (AKIA[A-Z0-9]{16})/.exec(setup.stdout)?.[1];
  expect(accessKeyId).toBeDefined();

  const use = await inShell(`
    aws iam list-users --profile alice --query 'Users[].UserName' --output text; echo "list=$?"
    aws ec2 describe-instances --profile alice ${READ_TIMEOUT}; echo "ec2=$?"
  `);
  expect(use.stdout).toContain('list=0');
  expect(use.stdout).toMatch(/alice/);
  expect(use.stdout).toMatch(/ec2=(254|255)/);
  expect(use.stderr).toContain(DENIED(acct));

  const trail = async () => {
    const r = await inShell(
      `aws cloudtrail lookup-events --lookup-attributes AttributeKey=Username,AttributeValue=alice --output json`,
    );
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout.slice(r.stdout.indexOf('{')));
    return json.Events.map((e: { EventName: string; AccessKeyId: string }) => [
      e.EventName,
      e.AccessKeyId,
    ]);
  };
  const events = await trail();
  expect(events).toContainEqual(['ListUsers', accessKeyId]);
  expect(events).toContainEqual(['DescribeInstances', accessKeyId]);

  const refused = await inShell(`
    aws iam update-access-key --user-name alice --access-key-id ${accessKeyId} --status Inactive; echo "update=$?"
    aws iam list-users --profile alice; echo "list=$?"
  `);
  expect(refused.stdout).toContain('update=0');
  expect(refused.stdout).toMatch(/list=(254|255)/);
  expect(refused.stderr).toContain('InvalidClientTokenId');

  // Restart: everything as it was.
  expect((await lab(['sandbox', 'stop'], shellEnv)).code).toBe(0);
  expect((await lab(['sandbox', 'status'], shellEnv)).code).toBe(1);
  expect((await lab(['sandbox', 'start'], shellEnv)).code).toBe(0);
  const after = await inShell(`
    aws iam list-attached-user-policies --user-name alice --query 'AttachedPolicies[].PolicyName' --output text
    aws iam list-access-keys --user-name alice --query 'AccessKeyMetadata[].[AccessKeyId,Status]' --output text
    aws iam list-users --profile alice; echo "inactive-list=$?"
    aws iam update-access-key --user-name alice --access-key-id ${accessKeyId} --status Active
    aws iam list-users --profile alice --query 'Users[].UserName' --output text; echo "active-list=$?"
    aws ec2 describe-instances --profile alice ${READ_TIMEOUT}; echo "ec2=$?"
  `);
  expect(after.stdout).toContain('IAMFullAccess');
  expect(after.stdout).toMatch(new RegExp(`${accessKeyId}\\s+Inactive`));
  expect(after.stdout).toMatch(/inactive-list=(254|255)/);
  expect(after.stdout).toContain('active-list=0');
  expect(after.stderr).toContain(DENIED(acct));
  const eventsAfter = await trail();
  expect(eventsAfter).toContainEqual(['ListUsers', accessKeyId]);
  expect(eventsAfter).toContainEqual(['DescribeInstances', accessKeyId]);
});

test("Debian's AWS CLI v2.9 (no AWS_ENDPOINT_URL support) works in the sandbox via the wrapper", async () => {
  const [wrapperDir, ...rest] = sb.env.PATH.split(':');
  const env = {
    ...shellEnv,
    PATH: ['/usr/bin', ...rest.filter((d) => d !== wrapperDir)].join(':'),
  };
  const r = await lab(
    ['shell'],
    env,
    `
    aws --version
    aws sts get-caller-identity --query Arn --output text
    aws ec2 describe-instances --profile alice ${READ_TIMEOUT}; echo "ec2=$?"
  `,
  );
  expect(r.stdout).toContain('aws-cli/2.9');
  expect(r.stdout).toContain(`arn:aws:iam::${sb.accountId}:user/sandbox-admin`);
  expect(r.stdout).toContain('ec2=254');
  expect(r.stderr).toContain(DENIED(sb.accountId));
});
