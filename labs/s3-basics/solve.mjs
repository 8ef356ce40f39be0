#!/usr/bin/env node
// s3-basics, done the way a learner does it: the real `aws` CLI and a plain HTTP fetch (curl's
// job in the README). `lab test s3-basics` imports `steps` and runs each between a failing and
// a passing check. ctx = { $, env, state }: `$` is zx's $ bound to the sandbox environment.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const REGION = 'ap-southeast-2';

async function must(step, p) {
  const out = await p.nothrow();
  if (out.exitCode !== 0) throw new Error(`s3-basics ${step}: ${out.stderr.trim()}`);
  return out;
}

async function bucket($, state) {
  if (!state.bucket) {
    const id = await must('account', $`aws sts get-caller-identity --query Account --output text`);
    state.bucket = `lab-s3-basics-${id.stdout.trim()}`;
    state.dir = await mkdtemp(join(tmpdir(), 'lab-s3-basics-'));
  }
  return state.bucket;
}

export const steps = {
  async 'create-bucket'({ $, state }) {
    const b = await bucket($, state);
    await must('create-bucket', $`aws s3 mb s3://${b} --region ${REGION}`);
  },

  async upload({ $, state }) {
    const b = await bucket($, state);
    const file = join(state.dir, 'hello.txt');
    await writeFile(file, 'Hello from S3\n');
    await must('upload', $`aws s3 cp ${file} s3://${b}/hello.txt`);
    const ls = await must('upload', $`aws s3 ls s3://${b}/`);
    if (!ls.stdout.includes('hello.txt'))
      throw new Error(`s3-basics upload: ls shows ${ls.stdout}`);
  },

  async 'share-link'({ $, env, state }) {
    const b = await bucket($, state);
    // CLI v1 signs with Signature Version 2, which the bucket refuses: the README has a v1 user
    // set s3v4 in their config. Here it goes into a copy of the config, so that `lab test` can
    // still prove the learner's CLI files byte for byte as setup found them.
    const version = await must('share-link', $`aws --version`);
    let presign = $;
    if (/aws-cli\/1\./.test(`${version.stdout}${version.stderr}`)) {
      const config = join(state.dir, 'config');
      await writeFile(config, await readFile(env.AWS_CONFIG_FILE, 'utf8').catch(() => ''));
      presign = $({ env: { ...env, AWS_CONFIG_FILE: config } });
      await must('share-link', presign`aws configure set default.s3.signature_version s3v4`);
    }
    const url = (
      await must(
        'share-link',
        presign`aws s3 presign s3://${b}/hello.txt --expires-in 600 --region ${REGION}`,
      )
    ).stdout.trim();
    const res = await fetch(url);
    if (res.status !== 200)
      throw new Error(`s3-basics share-link: the link answered ${res.status}`);
    const file = join(state.dir, 'shared-url.txt');
    await writeFile(file, `${url}\n`);
    await must('share-link', $`aws s3 cp ${file} s3://${b}/shared-url.txt`);
  },

  async 'try-public'({ $, state }) {
    const b = await bucket($, state);
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'EveryoneCanRead',
          Effect: 'Allow',
          Principal: '*',
          Action: 's3:GetObject',
          Resource: `arn:aws:s3:::${b}/*`,
        },
      ],
    });
    const out = await $`aws s3api put-bucket-policy --bucket ${b} --policy ${policy}`.nothrow();
    if (out.exitCode === 0 || !out.stderr.includes('BlockPublicPolicy')) {
      throw new Error(`s3-basics try-public: the public policy was not refused: ${out.stderr}`);
    }
  },

  async 'delete-bucket'({ $, state }) {
    const b = await bucket($, state);
    const early = await $`aws s3 rb s3://${b}`.nothrow();
    if (early.exitCode === 0 || !early.stderr.includes('BucketNotEmpty')) {
      throw new Error(`s3-basics delete-bucket: rb of a full bucket did not say BucketNotEmpty`);
    }
    await must('delete-bucket', $`aws s3 rm s3://${b} --recursive`);
    await must('delete-bucket', $`aws s3 rb s3://${b}`);
  },
};
