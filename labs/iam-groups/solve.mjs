#!/usr/bin/env node
// iam-groups, done the way a learner does it: the real `aws` CLI, one step at a time.
// `lab test iam-groups` imports `steps` and runs each between a failing and a passing check.
// ctx = { $, env, state }: `$` is zx's $ bound to the sandbox environment (the admin profile);
// the new key's secret lives only in `state` and reaches `aws configure` on stdin.
const GROUP = 'lab-readers';
const USER = 'lab-reader';
const POLICY = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
const NOT_YET = /InvalidClientTokenId|AuthFailure|InvalidAccessKeyId/;

async function must(step, p) {
  const out = await p.nothrow();
  if (out.exitCode !== 0) throw new Error(`iam-groups ${step}: ${out.stderr.trim()}`);
  return out;
}

// A new key takes a few seconds to work everywhere on AWS: retry while it is not known yet.
async function asUser(run) {
  for (let attempt = 1; ; attempt++) {
    const out = await run().nothrow();
    if (!NOT_YET.test(out.stderr) || attempt === 8) return out;
    await new Promise((r) => setTimeout(r, 1500));
  }
}

export const steps = {
  async 'create-group'({ $ }) {
    await must('create-group', $`aws iam create-group --group-name ${GROUP}`);
  },

  async 'attach-policy'({ $ }) {
    await must(
      'attach-policy',
      $`aws iam attach-group-policy --group-name ${GROUP} --policy-arn ${POLICY}`,
    );
  },

  async 'add-user'({ $, state }) {
    await must('add-user', $`aws iam create-user --user-name ${USER}`);
    await must('add-user', $`aws iam add-user-to-group --group-name ${GROUP} --user-name ${USER}`);
    const out = await must(
      'add-user',
      $`aws iam create-access-key --user-name ${USER} --output json`,
    );
    const { AccessKey } = JSON.parse(out.stdout);
    state.keyId = AccessKey.AccessKeyId;
    const answers = `${AccessKey.AccessKeyId}\n${AccessKey.SecretAccessKey}\nus-east-1\njson\n`;
    await must('add-user', $({ input: answers })`aws configure --profile ${USER}`);
  },

  async 'prove-rights'({ $ }) {
    const read = await asUser(() => $`aws iam list-users --profile ${USER}`);
    if (read.exitCode !== 0)
      throw new Error(`iam-groups prove-rights: list-users refused: ${read.stderr}`);
    const write = await asUser(
      () => $`aws iam create-group --group-name not-allowed --profile ${USER}`,
    );
    if (write.exitCode === 0 || !write.stderr.includes('AccessDenied')) {
      throw new Error(`iam-groups prove-rights: create-group was not denied: ${write.stderr}`);
    }
  },

  async 'tear-down'({ $, state }) {
    const keys = JSON.parse(
      (await must('tear-down', $`aws iam list-access-keys --user-name ${USER} --output json`))
        .stdout,
    ).AccessKeyMetadata.map((k) => k.AccessKeyId);
    for (const id of keys) {
      await must(
        'tear-down',
        $`aws iam update-access-key --user-name ${USER} --access-key-id ${id} --status Inactive`,
      );
      await must(
        'tear-down',
        $`aws iam delete-access-key --user-name ${USER} --access-key-id ${id}`,
      );
    }
    await must(
      'tear-down',
      $`aws iam remove-user-from-group --group-name ${GROUP} --user-name ${USER}`,
    );
    await must('tear-down', $`aws iam delete-user --user-name ${USER}`);
    await must(
      'tear-down',
      $`aws iam detach-group-policy --group-name ${GROUP} --policy-arn ${POLICY}`,
    );
    await must('tear-down', $`aws iam delete-group --group-name ${GROUP}`);
    delete state.keyId;
  },
};
