// day42: the wrong ways learners take, per step. `lab test day42` makes each one from where its
// step starts, checks the verdict it gets, then follows the hint to a pass
// (docs/lab-format.md, "Mistakes"). ctx = { $, env, state } as in solve.mjs.
const USER = 'iam-admin';

export const mistakes = {
  'create-key': [
    {
      name: 'typo in the user name',
      async act({ $ }) {
        await $`aws iam create-access-key --user-name iam-admn`.nothrow();
      },
      verdict: { status: 'failed', evidence: 'NoSuchEntity' },
      // The hint's command is create-access-key for iam-admin; solve.mjs runs exactly that and
      // keeps the secret (shown once) for the next step, as the learner copies it.
      recover: ({ solve, ...ctx }) => solve['create-key'](ctx),
    },
  ],

  configure: [
    {
      // The hint used to say "a region"; the check wants ap-southeast-2.
      name: 'wrong region in the profile',
      async act({ $, state }) {
        const answers = `${state.accessKeyId}\n${state.secretAccessKey}\nus-east-1\njson\n`;
        await $({ input: answers })`aws configure --profile ${USER}`;
      },
      verdict: { status: 'failed', evidence: 'region us-east-1 instead of ap-southeast-2' },
    },
  ],

  'list-users': [
    {
      name: 'wrong profile: list-users as your own identity',
      async act({ $ }) {
        await $`aws iam list-users`;
      },
      verdict: { status: 'failed', evidence: 'your own identity' },
    },
  ],

  'denied-ec2': [
    {
      name: 'wrong profile: describe-instances as your own identity (allowed)',
      async act({ $ }) {
        await $`aws ec2 describe-instances`;
      },
      verdict: { status: 'failed', evidence: 'so it was allowed' },
    },
  ],

  cleanup: [
    {
      name: 'wrong order: the key deleted while still Active',
      async act({ $, state }) {
        await $`aws iam delete-access-key --user-name ${USER} --access-key-id ${state.accessKeyId}`;
      },
      verdict: { status: 'failed', evidence: 'without being deactivated first' },
      // The hint: create a new key, deactivate it, then delete it.
      async recover({ $ }) {
        const key = JSON.parse(
          (await $`aws iam create-access-key --user-name ${USER} --output json`).stdout,
        ).AccessKey.AccessKeyId;
        await $`aws iam update-access-key --user-name ${USER} --access-key-id ${key} --status Inactive`;
        await $`aws iam delete-access-key --user-name ${USER} --access-key-id ${key}`;
      },
    },
  ],
};
