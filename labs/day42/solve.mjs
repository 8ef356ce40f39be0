#!/usr/bin/env node
// day42, done the way a learner does it: the real `aws` CLI, one step at a time.
// `lab test day42` imports `steps` and runs each one between a failing and a passing check;
// `node labs/day42/solve.mjs [step …]` runs them in order in the current environment
// (inside `lab shell`, or with `lab sandbox env` applied).
//
// ctx = { $, env, state }: `$` is zx's $ bound to the sandbox environment (the default profile is the
// admin, `sandbox-admin`), `state` is shared between steps. The secret access key lives only
// in `state`, in memory: it is never printed, and it reaches `aws configure` on stdin, the way
// a learner types it, so it never appears on a command line either.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { $ as zx$ } from 'zx';

const USER = 'iam-admin';
const PROFILE = 'iam-admin';
const REGION = 'ap-southeast-2';

// A new access key takes a few seconds to work everywhere on AWS (IAM is eventually
// consistent): retry a call that is refused because the key is not known yet.
const NOT_YET = /InvalidClientTokenId|AuthFailure|InvalidAccessKeyId/;

async function withNewKey(run) {
  for (let attempt = 1; ; attempt++) {
    const out = await run();
    if (out.exitCode === 0 || !NOT_YET.test(out.stderr) || attempt === 8) return out;
    await new Promise((r) => setTimeout(r, 1500));
  }
}

function fail(step, what, out) {
  // stderr of these commands never holds the secret (it is not on their command line).
  const detail = out ? `\n${out.stderr.trim() || out.stdout.trim()}` : '';
  throw new Error(`day42 ${step}: ${what}${detail}`);
}

/** The key this run created, or (when steps run in separate processes) the one in the profile. */
async function keyId({ $, state }) {
  if (state.accessKeyId) return state.accessKeyId;
  const out = await $`aws configure get aws_access_key_id --profile ${PROFILE}`.nothrow();
  const id = out.stdout.trim();
  if (!id) fail('cleanup', `no key id: run create-key first (or configure the ${PROFILE} profile)`);
  return id;
}

export const steps = {
  /** As the admin: create an access key for iam-admin, and keep both halves in memory. */
  async 'create-key'({ $, state }) {
    const out = await $`aws iam create-access-key --user-name ${USER} --output json`.nothrow();
    if (out.exitCode !== 0) fail('create-key', 'aws iam create-access-key failed', out);
    const { AccessKey } = JSON.parse(out.stdout);
    state.accessKeyId = AccessKey.AccessKeyId;
    state.secretAccessKey = AccessKey.SecretAccessKey;
    return { accessKeyId: state.accessKeyId };
  },

  /** `aws configure --profile iam-admin`, answering its four questions on stdin. */
  async configure({ $, state }) {
    if (!state.accessKeyId || !state.secretAccessKey) {
      fail('configure', 'no access key in memory: run create-key first, in the same process');
    }
    const answers = `${state.accessKeyId}\n${state.secretAccessKey}\n${REGION}\njson\n`;
    const out = await $({ input: answers })`aws configure --profile ${PROFILE}`.nothrow();
    // Only stderr: stdout echoes the prompts, which show the end of a key already configured.
    if (out.exitCode !== 0)
      fail('configure', 'aws configure failed', { stderr: out.stderr, stdout: '' });
    const saved = await $`aws configure get aws_access_key_id --profile ${PROFILE}`.nothrow();
    if (saved.stdout.trim() !== state.accessKeyId) {
      fail('configure', `profile ${PROFILE} does not hold the new key after aws configure`, saved);
    }
  },

  /** As iam-admin: list the users (allowed: IAMFullAccess). */
  async 'list-users'({ $ }) {
    const out = await withNewKey(() =>
      $`aws iam list-users --profile ${PROFILE} --output json`.nothrow(),
    );
    if (out.exitCode !== 0) fail('list-users', 'aws iam list-users was refused', out);
    const users = JSON.parse(out.stdout).Users.map((u) => u.UserName);
    if (!users.includes(USER))
      fail('list-users', `${USER} is not in the list: ${users.join(', ')}`);
    return { users };
  },

  /** As iam-admin: describe the EC2 instances, which IAM must refuse. */
  async 'denied-ec2'({ $ }) {
    const out = await withNewKey(() =>
      $`aws ec2 describe-instances --profile ${PROFILE} --region ${REGION}`.nothrow(),
    );
    if (out.exitCode === 0) {
      fail('denied-ec2', `describe-instances succeeded: ${USER} must not have EC2 rights`);
    }
    if (!out.stderr.includes('UnauthorizedOperation')) {
      fail('denied-ec2', 'describe-instances failed, but not with UnauthorizedOperation', out);
    }
    return { error: 'UnauthorizedOperation' };
  },

  /** As the admin: deactivate the key, then delete it. */
  async cleanup(ctx) {
    const { $, state } = ctx;
    const id = await keyId(ctx);
    const off =
      await $`aws iam update-access-key --user-name ${USER} --access-key-id ${id} --status Inactive`.nothrow();
    if (off.exitCode !== 0) fail('cleanup', `could not deactivate ${id}`, off);
    const del =
      await $`aws iam delete-access-key --user-name ${USER} --access-key-id ${id}`.nothrow();
    if (del.exitCode !== 0) fail('cleanup', `could not delete ${id}`, del);
    delete state.secretAccessKey;
    return { deleted: id };
  },
};

/** Run the given steps (all by default) in order. */
export async function solve(ctx, only = Object.keys(steps)) {
  for (const id of only) {
    if (!steps[id])
      throw new Error(`day42 has no step ${id}; steps: ${Object.keys(steps).join(', ')}`);
    const result = await steps[id](ctx);
    console.log(`✓ ${id}${result ? ` ${JSON.stringify(result)}` : ''}`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const env = process.env;
  const $ = zx$({ env, quiet: true, verbose: false });
  try {
    await solve(
      { $, env, state: {} },
      process.argv.slice(2).length ? process.argv.slice(2) : undefined,
    );
  } catch (e) {
    console.error(e instanceof Error ? e.message : e);
    process.exitCode = 1;
  }
}
