// AWS's S3 rules that moto (or the gateway) lacked, through both real CLIs and SDK v3:
//  * CreateBucket on a bucket the learner owns never replaces it, also after `lab sandbox stop`
//    and `start` (sandbox/engine/s3_own_bucket.py): BucketAlreadyOwnedByYou outside us-east-1,
//    200 OK in us-east-1 (S3's legacy answer there), the objects kept either way;
//  * anonymous requests judged by the bucket policy and Block Public Access
//    (sandbox/engine/s3_public_read.py, sandbox/gateway/fixes/s3-anonymous.ts);
//  * S3's 15-minute clock window and RequestTimeTooSkewed (sandbox/gateway/fixes/request-expiry.ts);
//  * S3's bucket naming rules: InvalidBucketName (sandbox/engine/s3_bucket_names.py).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateBucketCommand,
  ListBucketsCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { useTestSandbox } from '../helpers/sandbox.ts';
import { aws as awsBin, CLIS as BINS } from './clients.ts';
import { startGatewayFixture, type GatewayFixture } from './gateway-fixture.ts';
import { cleanEnv, lab, run, withDebianCli } from './run-cli.ts';

const sb = useTestSandbox();
const CLIS = ['v1', 'v2'] as const;
type Cli = (typeof CLIS)[number];
const SYDNEY = 'ap-southeast-2';

async function aws(cli: Cli, ...args: string[]) {
  const env = cli === 'v1' ? sb.env : withDebianCli(sb.env);
  const r = await run('aws', args, env);
  return { code: r.code, out: r.stdout, err: r.stderr };
}
const policy = (bucket: string) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: '*',
        Action: 's3:GetObject',
        Resource: `arn:aws:s3:::${bucket}/*`,
      },
    ],
  });

describe('CreateBucket on an own bucket, across a sandbox restart', () => {
  it('answers as S3 does and never empties the bucket (both CLIs)', async () => {
    for (const cli of CLIS) {
      const syd = `own-syd-${cli}`;
      const east = `own-east-${cli}`;
      expect((await aws(cli, 's3', 'mb', `s3://${syd}`, '--region', SYDNEY)).code).toBe(0);
      expect((await aws(cli, 's3', 'mb', `s3://${east}`, '--region', 'us-east-1')).code).toBe(0);
      for (const [b, region] of [
        [syd, SYDNEY],
        [east, 'us-east-1'],
      ]) {
        const env = cli === 'v1' ? sb.env : withDebianCli(sb.env);
        const put = await run(
          'aws',
          ['s3', 'cp', '-', `s3://${b}/notes.txt`, '--region', region],
          env,
          'notes\n',
        );
        expect(put.code, put.stderr).toBe(0);
      }
    }
    // A restart: the engine loads its snapshots (this is where moto forgot whose the buckets were).
    expect((await lab(['sandbox', 'stop'], cleanEnv({ LAB_HOME: sb.home }))).code).toBe(0);
    expect((await lab(['sandbox', 'start'], cleanEnv({ LAB_HOME: sb.home }))).code).toBe(0);
    for (const cli of CLIS) {
      const syd = `own-syd-${cli}`;
      const east = `own-east-${cli}`;
      const again = await aws(cli, 's3', 'mb', `s3://${syd}`, '--region', SYDNEY);
      expect(again.code).not.toBe(0);
      expect(again.err).toContain(
        'An error occurred (BucketAlreadyOwnedByYou) when calling the CreateBucket operation: Your previous request to create the named bucket succeeded and you already own it.',
      );
      // us-east-1's legacy answer: 200 OK, and nothing in the bucket changes.
      const legacy = await aws(cli, 's3', 'mb', `s3://${east}`, '--region', 'us-east-1');
      expect(legacy.code, legacy.err).toBe(0);
      for (const [b, region] of [
        [syd, SYDNEY],
        [east, 'us-east-1'],
      ]) {
        const ls = await aws(cli, 's3', 'ls', `s3://${b}/`, '--region', region);
        expect(ls.out, `${cli} ${b}`).toContain('notes.txt');
      }
    }
  });
});

describe('anonymous requests under Block Public Access', () => {
  const bucket = 'public-read-lab';
  beforeAll(async () => {
    expect((await aws('v1', 's3', 'mb', `s3://${bucket}`)).code).toBe(0);
    const put = await run('aws', ['s3', 'cp', '-', `s3://${bucket}/hello.txt`], sb.env, 'hello\n');
    expect(put.code, put.stderr).toBe(0);
  });

  it.each(CLIS)(
    'BPA on: an anonymous GET is refused; off with a public-read policy: it reads (%s)',
    async (cli) => {
      const get = () => aws(cli, 's3', 'cp', `s3://${bucket}/hello.txt`, '-', '--no-sign-request');
      expect(
        (
          await aws(
            cli,
            's3api',
            'put-public-access-block',
            '--bucket',
            bucket,
            '--public-access-block-configuration',
            'BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true',
          )
        ).code,
      ).toBe(0);
      const refused = await get();
      expect(refused.code).not.toBe(0);
      expect(refused.err).toMatch(/\(403\)|AccessDenied/);
      // The learner turns BPA off and makes the bucket public: anyone can now read it.
      expect((await aws(cli, 's3api', 'delete-public-access-block', '--bucket', bucket)).code).toBe(
        0,
      );
      const pol = await aws(
        cli,
        's3api',
        'put-bucket-policy',
        '--bucket',
        bucket,
        '--policy',
        policy(bucket),
      );
      expect(pol.code, pol.err).toBe(0);
      const read = await get();
      expect(read.code, read.err).toBe(0);
      expect(read.out).toBe('hello\n');
      // Listing was not granted, and writing never was.
      const list = await aws(cli, 's3', 'ls', `s3://${bucket}/`, '--no-sign-request');
      expect(list.err).toContain('AccessDenied');
      const write = await run(
        'aws',
        ['s3', 'cp', '-', `s3://${bucket}/x.txt`, '--no-sign-request'],
        cli === 'v1' ? sb.env : withDebianCli(sb.env),
        'x',
      );
      expect(write.code).not.toBe(0);
      // RestrictPublicBuckets back on: the policy no longer lets anyone in.
      expect(
        (
          await aws(
            cli,
            's3api',
            'put-public-access-block',
            '--bucket',
            bucket,
            '--public-access-block-configuration',
            'BlockPublicAcls=false,IgnorePublicAcls=false,BlockPublicPolicy=false,RestrictPublicBuckets=true',
          )
        ).code,
      ).toBe(0);
      expect((await get()).code).not.toBe(0);
      expect((await aws(cli, 's3api', 'delete-bucket-policy', '--bucket', bucket)).code).toBe(0);
    },
  );

  it('an unsigned GET of a private object is 403 AccessDenied in S3 XML (raw HTTP)', async () => {
    const res = await fetch(`${sb.endpoint}/${bucket}/hello.txt`);
    expect(res.status).toBe(403);
    expect(await res.text()).toContain(
      '<Error><Code>AccessDenied</Code><Message>Access Denied</Message>',
    );
    const list = await fetch(`${sb.endpoint}/`);
    expect(list.status).toBe(403);
  });
});

describe("S3's 15-minute clock window", () => {
  let fx: GatewayFixture;
  let skew = 0;
  beforeAll(async () => {
    fx = await startGatewayFixture({ clock: () => Date.now() - skew });
    const s3 = new S3Client({
      endpoint: fx.url,
      region: 'us-east-1',
      credentials: fx.admin,
      forcePathStyle: true,
    });
    await s3.send(new CreateBucketCommand({ Bucket: 'skewed' }));
    await s3.send(new PutObjectCommand({ Bucket: 'skewed', Key: 'a.txt', Body: 'a' }));
  });
  afterAll(() => fx?.stop());

  it.each(BINS)(
    'accepts a clock 10 minutes fast and refuses 20 with RequestTimeTooSkewed (%s)',
    async (bin) => {
      const env = fx.cliEnv();
      skew = 10 * 60_000;
      try {
        const ok = await awsBin(
          bin,
          ['--endpoint-url', fx.url, '--region', 'us-east-1', 's3', 'ls', 's3://skewed/'],
          env,
        );
        expect(ok.code, ok.stderr).toBe(0);
        expect(ok.stdout).toContain('a.txt');
        skew = 20 * 60_000;
        const late = await awsBin(
          bin,
          [
            '--endpoint-url',
            fx.url,
            '--region',
            'us-east-1',
            's3api',
            'list-objects-v2',
            '--bucket',
            'skewed',
          ],
          env,
        );
        expect(late.code).toBe(bin === 'aws' ? 255 : 254);
        expect(late.stderr).toContain(
          'An error occurred (RequestTimeTooSkewed) when calling the ListObjectsV2 operation: The difference between the request time and the current time is too large.',
        );
      } finally {
        skew = 0;
      }
    },
  );

  it('answers 403 RequestTimeTooSkewed to SDK v3 (which then corrects its clock)', async () => {
    const s3 = new S3Client({
      endpoint: fx.url,
      region: 'us-east-1',
      credentials: fx.admin,
      forcePathStyle: true,
      maxAttempts: 1,
      systemClockOffset: 20 * 60_000,
    });
    const err = await s3.send(new ListBucketsCommand({})).then(
      () => undefined,
      (e: Error & { $metadata?: { httpStatusCode?: number } }) => e,
    );
    expect(err?.name).toBe('RequestTimeTooSkewed');
    expect(err?.$metadata?.httpStatusCode).toBe(403);
  });
});

describe("S3's bucket naming rules (sandbox/engine/s3_bucket_names.py)", () => {
  // S3 User Guide, "General purpose bucket naming rules"; moto checked the length only.
  const refused = [
    'Upper-Case-Lab',
    'under_score-lab',
    'two..dots-lab',
    '192.168.5.4',
    'xn--lab-bucket',
    'sthree-lab-bucket',
    'lab-bucket-s3alias',
    'ends-with-hyphen-',
    'ab',
  ];
  it.each(refused)('%s is refused with InvalidBucketName, and no bucket is made', async (name) => {
    const r = await aws('v1', 's3api', 'create-bucket', '--bucket', name);
    expect(r.code).toBe(255);
    expect(r.err).toContain(
      'An error occurred (InvalidBucketName) when calling the CreateBucket operation: The specified bucket is not valid.',
    );
    const ls = await aws('v1', 's3api', 'list-buckets', '--query', 'Buckets[].Name');
    expect(JSON.parse(ls.out)).not.toContain(name);
  });

  it('a name within the rules is made (dots, digits and hyphens)', async () => {
    const r = await aws('v2', 's3api', 'create-bucket', '--bucket', 'lab.bucket-42');
    expect(r.code, r.err).toBe(0);
  });
});
