#!/usr/bin/env node
// iam-roles, done the way a learner does it: the real `aws` CLI, one step at a time.
// `lab test iam-roles` imports `steps` and runs each between a failing and a passing check.
// ctx = { $, env, state }: `$` is zx's $ bound to the sandbox environment (the admin profile).
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROLE = 'lab-viewer';
const POLICY = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
// A new role takes a few seconds to be assumable everywhere on AWS: retry while it is not yet.
const NOT_YET = /AccessDenied.*AssumeRole|InvalidClientTokenId/;

async function must(step, p) {
  const out = await p.nothrow();
  if (out.exitCode !== 0) throw new Error(`iam-roles ${step}: ${out.stderr.trim()}`);
  return out;
}

async function asRole(run) {
  for (let attempt = 1; ; attempt++) {
    const out = await run().nothrow();
    if (!NOT_YET.test(out.stderr) || attempt === 8) return out;
    await new Promise((r) => setTimeout(r, 1500));
  }
}

async function account({ $, state }) {
  state.account ??= (
    await must('account', $`aws sts get-caller-identity --query Account --output text`)
  ).stdout.trim();
  return state.account;
}

export const steps = {
  async 'create-role'(ctx) {
    const acct = await account(ctx);
    const trust = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${acct}:root` },
          Action: 'sts:AssumeRole',
        },
      ],
    };
    const file = join(await mkdtemp(join(tmpdir(), 'iam-roles-')), 'trust.json');
    await writeFile(file, JSON.stringify(trust));
    const doc = `file://${file}`;
    await must(
      'create-role',
      ctx.$`aws iam create-role --role-name ${ROLE} --assume-role-policy-document ${doc}`,
    );
  },

  async 'attach-policy'({ $ }) {
    await must(
      'attach-policy',
      $`aws iam attach-role-policy --role-name ${ROLE} --policy-arn ${POLICY}`,
    );
  },

  async 'configure-profile'(ctx) {
    const { $, env } = ctx;
    const arn = `arn:aws:iam::${await account(ctx)}:role/${ROLE}`;
    await must('configure-profile', $`aws configure set role_arn ${arn} --profile ${ROLE}`);
    const source = env.AWS_PROFILE || 'default';
    await must(
      'configure-profile',
      $`aws configure set source_profile ${source} --profile ${ROLE}`,
    );
    await must('configure-profile', $`aws configure set region us-east-1 --profile ${ROLE}`);
    // A session name of our own: the CLI caches a role's credentials in ~/.aws/cli/cache by
    // role ARN and session name, and every fresh sandbox has the same account id, so another
    // sandbox's cached (now invalid) session must not be picked up.
    const session = `solve-${Date.now()}`;
    await must(
      'configure-profile',
      $`aws configure set role_session_name ${session} --profile ${ROLE}`,
    );
  },

  async 'assume-role'({ $ }) {
    const out = await asRole(() => $`aws sts get-caller-identity --profile ${ROLE} --output json`);
    if (out.exitCode !== 0) throw new Error(`iam-roles assume-role: ${out.stderr.trim()}`);
    const arn = JSON.parse(out.stdout).Arn;
    if (!arn.includes(`:assumed-role/${ROLE}/`)) {
      throw new Error(`iam-roles assume-role: answered as ${arn}`);
    }
  },

  async 'session-limits'({ $ }) {
    const read = await asRole(() => $`aws iam list-roles --profile ${ROLE}`);
    if (read.exitCode !== 0) {
      throw new Error(`iam-roles session-limits: list-roles refused: ${read.stderr}`);
    }
    const write = await asRole(
      () => $`aws iam create-user --user-name not-allowed --profile ${ROLE}`,
    );
    if (write.exitCode === 0 || !write.stderr.includes('AccessDenied')) {
      throw new Error(`iam-roles session-limits: create-user was not denied: ${write.stderr}`);
    }
  },

  async 'remove-role'({ $ }) {
    await must(
      'remove-role',
      $`aws iam detach-role-policy --role-name ${ROLE} --policy-arn ${POLICY}`,
    );
    await must('remove-role', $`aws iam delete-role --role-name ${ROLE}`);
  },
};
