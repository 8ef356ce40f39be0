// s3-basics: the wrong ways learners take, per step. `lab test s3-basics` makes each one from
// where its step starts, checks the verdict it gets, then follows the hint to a pass
// (docs/lab-format.md, "Mistakes"). ctx = { $, env, state } as in solve.mjs.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const REGION = 'ap-southeast-2';

const bucket = async ($) =>
  `lab-s3-basics-${(await $`aws sts get-caller-identity --query Account --output text`).stdout.trim()}`;

/** A file in the terminal's folder, as the step's `echo … > file` leaves it. */
async function local($, name, text) {
  await writeFile(join((await $`pwd`).stdout.trim(), name), text);
}

export const mistakes = {
  'create-bucket': [
    {
      name: 'no --region: the bucket lands in the profile region',
      async act({ $ }) {
        await $`aws s3 mb s3://${await bucket($)}`;
      },
      verdict: { status: 'failed', evidence: 'is in us-east-1' },
    },
    {
      name: 's3api create-bucket without its LocationConstraint',
      async act({ $ }) {
        await $`aws s3api create-bucket --bucket ${await bucket($)} --region ${REGION}`.nothrow();
      },
      verdict: { status: 'failed', evidence: 'IllegalLocationConstraintException' },
    },
  ],

  upload: [
    {
      name: 'typo in the object key',
      async act({ $ }) {
        await local($, 'hello.txt', 'Hello from S3\n');
        await $`aws s3 cp hello.txt s3://${await bucket($)}/helo.txt`;
      },
      verdict: { status: 'failed', evidence: 'helo.txt, no hello.txt' },
    },
  ],

  'share-link': [
    {
      name: 'a link that expires before anyone uses it (--expires-in 1)',
      async act({ $ }) {
        const b = await bucket($);
        const url = (await $`aws s3 presign s3://${b}/hello.txt --expires-in 1 --region ${REGION}`)
          .stdout;
        await local($, 'shared-url.txt', url);
        await $`aws s3 cp shared-url.txt s3://${b}/shared-url.txt`;
        await new Promise((r) => setTimeout(r, 2000));
      },
      // CLI v2: 403 (expired). CLI v1 without s3v4 signs with Signature Version 2, which the
      // bucket refuses first (400 InvalidRequest); its hint sets s3v4 before the new link.
      verdict: { status: 'failed', evidence: 'the saved link answers HTTP 40' },
    },
  ],

  'try-public': [
    {
      // The issue's case: once a public policy was accepted, the step could never pass again.
      name: 'Block Public Access turned off: the public policy is accepted',
      async act({ $ }) {
        const b = await bucket($);
        await local(
          $,
          'public-policy.json',
          JSON.stringify({
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
          }),
        );
        await $`aws s3api put-public-access-block --bucket ${b} --public-access-block-configuration BlockPublicAcls=false,IgnorePublicAcls=false,BlockPublicPolicy=false,RestrictPublicBuckets=false`;
        await $`aws s3api put-bucket-policy --bucket ${b} --policy file://public-policy.json`;
      },
      verdict: { status: 'failed', evidence: 'has a bucket policy' },
    },
  ],

  'delete-bucket': [
    {
      name: 'wrong deletion order: the bucket before its objects',
      async act({ $ }) {
        await $`aws s3 rb s3://${await bucket($)}`.nothrow();
      },
      verdict: { status: 'failed', evidence: 'BucketNotEmpty' },
    },
  ],
};
