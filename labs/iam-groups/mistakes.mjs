// iam-groups: the wrong ways learners take, per step. `lab test iam-groups` makes each one from
// where its step starts, checks the verdict it gets, then follows the hint to a pass
// (docs/lab-format.md, "Mistakes"). ctx = { $, env, state } as in solve.mjs.
const GROUP = 'lab-readers';
const USER = 'lab-reader';

export const mistakes = {
  'create-group': [
    {
      name: 'typo in the group name',
      async act({ $ }) {
        await $`aws iam create-group --group-name lab-reader`;
      },
      verdict: { status: 'failed', evidence: 'you created the group lab-reader' },
    },
  ],

  'attach-policy': [
    {
      name: 'a policy ARN that does not exist',
      async act({ $ }) {
        await $`aws iam attach-group-policy --group-name ${GROUP} --policy-arn arn:aws:iam::aws:policy/ReadOnly`.nothrow();
      },
      verdict: { status: 'failed', evidence: 'AttachGroupPolicy' },
    },
  ],

  'add-user': [
    {
      name: 'user created, never added to the group',
      async act({ $ }) {
        await $`aws iam create-user --user-name ${USER}`;
      },
      verdict: { status: 'failed', evidence: 'no AddUserToGroup yet' },
      // The hint adds the user to the group; then the key and its profile, as the step shows.
      async recover({ $, followHint }) {
        const v = await followHint({ rounds: 1 });
        if (v.status !== 'failed' || !/no access key/.test(v.evidence ?? ''))
          throw new Error(`after adding the user: ${v.status} ${v.evidence}`);
        const out = await $`aws iam create-access-key --user-name ${USER} --output json`;
        const { AccessKey } = JSON.parse(out.stdout);
        const answers = `${AccessKey.AccessKeyId}\n${AccessKey.SecretAccessKey}\nus-east-1\njson\n`;
        await $({ input: answers })`aws configure --profile ${USER}`;
      },
    },
  ],

  'prove-rights': [
    {
      // The case: GetCallerIdentity needs no permission, and ListUsers was denied.
      name: 'out of order: acting as the user before it is in the group',
      async act({ $ }) {
        await $`aws iam remove-user-from-group --group-name ${GROUP} --user-name ${USER}`;
        await $`aws sts get-caller-identity --profile ${USER}`;
        await $`aws iam list-users --profile ${USER}`.nothrow();
        await $`aws iam create-group --group-name not-allowed --profile ${USER}`.nothrow();
      },
      verdict: { status: 'failed', evidence: `while ${USER} was not in ${GROUP}` },
    },
    {
      name: 'wrong profile: the commands run as the admin',
      async act({ $ }) {
        await $`aws iam list-users`;
        await $`aws iam create-group --group-name not-allowed`;
      },
      verdict: { status: 'failed', evidence: 'not as lab-reader' },
    },
  ],

  'tear-down': [
    {
      name: 'wrong deletion order: the user before its key and group',
      async act({ $ }) {
        await $`aws iam delete-user --user-name ${USER}`.nothrow();
        await $`aws iam delete-group --group-name ${GROUP}`.nothrow();
      },
      verdict: { status: 'failed', evidence: 'DeleteConflict' },
    },
  ],
};
