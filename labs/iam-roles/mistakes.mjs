// iam-roles: the wrong ways learners take, per step. `lab test iam-roles` makes each one from
// where its step starts, checks the verdict it gets, then follows the hint to a pass
// (docs/lab-format.md, "Mistakes"). ctx = { $, env, state } as in solve.mjs.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const ROLE = 'lab-viewer';

const account = async ($) =>
  (await $`aws sts get-caller-identity --query Account --output text`).stdout.trim();

/** trust.json in the terminal's folder, as the step writes it, trusting `acct`. */
async function trustFile($, acct) {
  const dir = (await $`pwd`).stdout.trim();
  const doc = {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${acct}:root` },
        Action: 'sts:AssumeRole',
      },
    ],
  };
  await writeFile(join(dir, 'trust.json'), JSON.stringify(doc));
}

/** The role profile as the step sets it, with `source` as its source_profile. */
async function roleProfile($, source) {
  const arn = `arn:aws:iam::${await account($)}:role/${ROLE}`;
  await $`aws configure set role_arn ${arn} --profile ${ROLE}`;
  await $`aws configure set source_profile ${source} --profile ${ROLE}`;
  await $`aws configure set region us-east-1 --profile ${ROLE}`;
  // A session name of its own, as solve.mjs does: no other sandbox's cached session is reused.
  await $`aws configure set role_session_name mistake-${Date.now()} --profile ${ROLE}`;
}

export const mistakes = {
  'create-role': [
    {
      name: 'a trust policy that names another account',
      async act({ $ }) {
        await trustFile($, '111122223333');
        await $`aws iam create-role --role-name ${ROLE} --assume-role-policy-document file://trust.json`;
      },
      verdict: { status: 'failed', evidence: 'does not allow sts:AssumeRole' },
      // The learner fixes trust.json as the step shows, then runs the hint's command.
      async recover({ $, followHint }) {
        await trustFile($, await account($));
        await followHint();
      },
    },
  ],

  'attach-policy': [
    {
      name: 'a policy ARN that does not exist',
      async act({ $ }) {
        await $`aws iam attach-role-policy --role-name ${ROLE} --policy-arn arn:aws:iam::aws:policy/ReadOnly`.nothrow();
      },
      verdict: { status: 'failed', evidence: 'NoSuchEntity' },
    },
  ],

  'configure-profile': [
    {
      // The case: the CLI fails on it later ("The source profile … could not be found").
      name: 'source_profile names a profile that does not exist',
      async act({ $ }) {
        await roleProfile($, 'admin');
      },
      verdict: { status: 'failed', evidence: 'no profile named admin' },
    },
  ],

  'assume-role': [
    {
      name: 'wrong profile: get-caller-identity without --profile',
      async act({ $ }) {
        await $`aws sts get-caller-identity`;
      },
      verdict: { status: 'failed', evidence: 'not as the role' },
    },
  ],

  'session-limits': [
    {
      name: 'half the step: a read, no change tried',
      async act({ $ }) {
        await $`aws iam list-roles --profile ${ROLE}`;
      },
      verdict: { status: 'failed', evidence: 'no change denied yet' },
    },
  ],

  'remove-role': [
    {
      name: 'wrong deletion order: the role before its policy',
      async act({ $ }) {
        await $`aws iam delete-role --role-name ${ROLE}`.nothrow();
      },
      verdict: { status: 'failed', evidence: 'DeleteConflict' },
    },
  ],
};
