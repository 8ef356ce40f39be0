// S3 in the sandbox as both AWS CLIs and SDK v3 see it on AWS: one sandbox for the file.
// Each case failed on bare moto behind the gateway before the S3 fixes (issue 11):
// `%2F` in a signed query, presigned URLs (v1: SigV2, v2: SigV4), same-account denial wording,
// Block Public Access, S3's own error envelope, and CloudTrail management vs data events.
import {
  CreateBucketCommand,
  GetBucketPolicyCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { CreateAccessKeyCommand, CreateUserCommand } from '@aws-sdk/client-iam';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { Agent } from 'node:http';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminClients, startTestSandbox, type TestSandbox } from '../helpers/sandbox.ts';
import { aws, CLIS, type Creds } from './clients.ts';
import { debianCli } from '../helpers/warm-cli/install.ts';

let sb: TestSandbox;
let tmp: string;
let nobody: Creds & { arn: string };
const BUCKET = 'cloud-s3-test';
const SYD = 'cloud-s3-syd';
const FAR = 'cloud-s3-far'; // in ap-southeast-2, asked for from us-east-1

function cli(
  bin: string,
  args: string[],
  creds?: Creds,
  region = 'us-east-1',
  extra: NodeJS.ProcessEnv = {},
) {
  const env: NodeJS.ProcessEnv = {
    ...sb.env,
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    ...extra,
  };
  if (creds) {
    delete env.AWS_PROFILE;
    env.AWS_ACCESS_KEY_ID = creds.accessKeyId;
    env.AWS_SECRET_ACCESS_KEY = creds.secretAccessKey;
  }
  return aws(bin, ['--endpoint-url', sb.endpoint, ...args], env);
}

function s3(creds: Creds = sb.learner, region = 'us-east-1', followRegionRedirects = false) {
  return new S3Client({
    endpoint: sb.endpoint,
    region,
    credentials: creds,
    forcePathStyle: true,
    maxAttempts: 1,
    followRegionRedirects,
  });
}

/** The learner's events named `name` in one region's event history. */
async function eventsIn(region: string, name: string) {
  const ct = new CloudTrailClient({
    endpoint: sb.endpoint,
    region,
    credentials: sb.learner,
    maxAttempts: 1,
  });
  const out = await ct.send(
    new LookupEventsCommand({
      LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: name }],
    }),
  );
  return out.Events ?? [];
}

beforeAll(async () => {
  sb = await startTestSandbox();
  tmp = sb.env.LAB_HOME;
  writeFileSync(join(tmp, 'hello.txt'), 'hello from the sandbox\n');
  const { iam } = adminClients(sb);
  const user = await iam.send(new CreateUserCommand({ UserName: 'no-s3' }));
  const key = await iam.send(new CreateAccessKeyCommand({ UserName: 'no-s3' }));
  nobody = {
    accessKeyId: key.AccessKey!.AccessKeyId!,
    secretAccessKey: key.AccessKey!.SecretAccessKey!,
    arn: user.User!.Arn!,
  };
  await s3().send(new CreateBucketCommand({ Bucket: BUCKET }));
  await s3().send(new PutObjectCommand({ Bucket: BUCKET, Key: 'a/b/c.txt', Body: 'abc' }));
  const syd = s3(sb.learner, 'ap-southeast-2');
  await syd.send(
    new CreateBucketCommand({
      Bucket: FAR,
      CreateBucketConfiguration: { LocationConstraint: 'ap-southeast-2' },
    }),
  );
  await syd.send(new PutObjectCommand({ Bucket: FAR, Key: 'far.txt', Body: 'far' }));
});
afterAll(() => sb?.stop());

describe('signed query strings with %2F (prefix listings)', () => {
  it.each(CLIS)('`s3 ls s3://bucket/a/` lists the prefix (%s)', async (bin) => {
    const r = await cli(bin, ['s3', 'ls', `s3://${BUCKET}/a/`]);
    expect(r.stderr).not.toContain('SignatureDoesNotMatch');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('PRE b/');
  });

  it('`s3api list-objects-v2 --prefix a/b` and SDK v3 with a / in Prefix', async () => {
    const r = await cli('aws', ['s3api', 'list-objects-v2', '--bucket', BUCKET, '--prefix', 'a/b']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).Contents[0].Key).toBe('a/b/c.txt');
    const out = await s3().send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'a/b' }));
    expect(out.KeyCount).toBe(1);
  });
});

describe('virtual-hosted-style addressing', () => {
  it('SDK v3 without forcePathStyle reaches <bucket>.localhost', async () => {
    // `bucket.localhost` is not in DNS here: the agent connects to the gateway, the Host header
    // (signed) stays `cloud-s3-test.localhost:<port>`, as a browser or a resolver would send it.
    const port = new URL(sb.endpoint).port;
    const looked: string[] = [];
    const httpAgent = new Agent({
      lookup: (host: string, opts: { all?: boolean }, cb: (...a: unknown[]) => void) =>
        looked.push(host) && opts.all
          ? cb(null, [{ address: '127.0.0.1', family: 4 }])
          : cb(null, '127.0.0.1', 4),
    } as ConstructorParameters<typeof Agent>[0]);
    const client = new S3Client({
      endpoint: `http://localhost:${port}`,
      region: 'us-east-1',
      credentials: sb.learner,
      forcePathStyle: false,
      maxAttempts: 1,
      requestHandler: { httpAgent },
    });
    const out = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'a/b/c.txt' }));
    expect(await out.Body!.transformToString()).toBe('abc');
    expect(looked).toContain(`${BUCKET}.localhost`);
  });
});

describe('presigned URLs fetched with plain HTTP (curl-like)', () => {
  // CLI v1 signs with Signature Version 2 unless its profile says s3v4 (CLI v2 always uses v4);
  // a bucket made since June 2020 refuses v2 (gateway/fixes/s3-sigv2.ts, fidelity row).
  it('CLI v1 `s3 presign`: a SigV2 URL, which a bucket made today refuses (400 InvalidRequest)', async () => {
    const r = await cli('aws', [
      's3',
      'presign',
      `s3://${BUCKET}/a/b/c.txt`,
      '--region',
      'us-east-1',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/[?&]AWSAccessKeyId=.*&Signature=/);
    const res = await fetch(r.stdout.trim());
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(text).toMatch(
      /<Error><Code>InvalidRequest<\/Code><Message>The authorization mechanism you have provided is not supported\. Please use AWS4-HMAC-SHA256\.<\/Message>/,
    );
  });

  it.each(CLIS)(
    '`s3 presign` gives a URL that returns the object (%s; v1 with s3v4 set)',
    async (bin) => {
      // What the lab tells a CLI v1 user (and AWS's "Specifying the Signature Version"): s3v4.
      const config = join(sb.home, 'v4-config');
      writeFileSync(config, `${readFileSync(sb.configFile, 'utf8')}\n`);
      const env = { AWS_CONFIG_FILE: config };
      expect(
        (
          await cli(
            bin,
            ['configure', 'set', 'default.s3.signature_version', 's3v4'],
            undefined,
            'us-east-1',
            env,
          )
        ).code,
      ).toBe(0);
      const r = await cli(
        bin,
        ['s3', 'presign', `s3://${BUCKET}/a/b/c.txt`, '--expires-in', '300'],
        undefined,
        'us-east-1',
        env,
      );
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('X-Amz-Signature=');
      const res = await fetch(r.stdout.trim());
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('abc');
      // S3's own request id headers, on a success too (S3 API Reference, Common Response Headers).
      const id = res.headers.get('x-amz-request-id');
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      expect(res.headers.get('x-amz-id-2')).toMatch(/^[A-Za-z0-9+/=]{20,}$/);
    },
  );

  it('a tampered presigned URL is 403 SignatureDoesNotMatch in S3 XML', async () => {
    const url = await getSignedUrl(
      s3(),
      new GetObjectCommand({ Bucket: BUCKET, Key: 'a/b/c.txt' }),
      {
        expiresIn: 60,
      },
    );
    const res = await fetch(url.replace('a/b/c.txt', 'a/b/other.txt'));
    expect(res.status).toBe(403);
    const text = await res.text();
    expect(text).toMatch(/^<\?xml[^>]*>\s*<Error><Code>SignatureDoesNotMatch<\/Code>/);
    expect(res.headers.get('x-amz-request-id')).toBeTruthy();
  });

  it('an unsigned GET is 403 AccessDenied "Access Denied" in S3 XML (not IAM\'s envelope)', async () => {
    const res = await fetch(`${sb.endpoint}/${BUCKET}/a/b/c.txt`);
    expect(res.status).toBe(403);
    const text = await res.text();
    expect(text).toContain('<Error><Code>AccessDenied</Code><Message>Access Denied</Message>');
    expect(text).not.toContain('ErrorResponse');
  });
});

describe('same-account denials name caller, action, resource and reason', () => {
  // `aws s3 ls` without rights, both CLIs: test/fidelity/table.ts row s3-ls-no-rights.
  it('PutObject names the object ARN in quotes, as S3 does', async () => {
    const err = await s3(nobody)
      .send(new PutObjectCommand({ Bucket: BUCKET, Key: 'x.txt', Body: 'x' }))
      .then(
        () => undefined,
        (e: Error & { $metadata?: { httpStatusCode?: number } }) => e,
      );
    expect(err?.name).toBe('AccessDenied');
    expect(err?.$metadata?.httpStatusCode).toBe(403);
    expect(err?.message).toBe(
      `User: ${nobody.arn} is not authorized to perform: s3:PutObject on resource: "arn:aws:s3:::${BUCKET}/x.txt" because no identity-based policy allows the s3:PutObject action`,
    );
  });
});

describe('bucket lifecycle as a learner meets it', () => {
  it.each(CLIS)(
    'mb in ap-southeast-2, cp, rb refused while not empty, rb --force (%s)',
    async (bin) => {
      const name = `${SYD}-${bin === 'aws' ? 'v1' : 'v2'}`;
      let r = await cli(bin, ['s3', 'mb', `s3://${name}`], undefined, 'ap-southeast-2');
      expect(r).toMatchObject({ code: 0, stdout: `make_bucket: ${name}\n` });
      r = await cli(bin, ['s3', 'cp', join(tmp, 'hello.txt'), `s3://${name}/notes/hello.txt`]);
      expect(r.code).toBe(0);
      r = await cli(bin, ['s3', 'rb', `s3://${name}`]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(
        `remove_bucket failed: s3://${name} An error occurred (BucketNotEmpty) when calling the DeleteBucket operation: The bucket you tried to delete is not empty`,
      );
      r = await cli(bin, ['s3', 'rb', `s3://${name}`, '--force']);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`delete: s3://${name}/notes/hello.txt`);
      expect(r.stdout).toContain(`remove_bucket: ${name}`);
    },
  );

  it('location, sync, recursive ls and rm (v1)', async () => {
    const name = `${SYD}-sync`;
    let r = await cli('aws', ['s3', 'mb', `s3://${name}`], undefined, 'ap-southeast-2');
    r = await cli('aws', ['s3api', 'get-bucket-location', '--bucket', name]);
    expect(JSON.parse(r.stdout).LocationConstraint).toBe('ap-southeast-2');
    r = await cli('aws', [
      's3',
      'sync',
      tmp,
      `s3://${name}/synced/`,
      '--exclude',
      '*',
      '--include',
      'hello.txt',
    ]);
    expect(r.stdout).toContain(`hello.txt to s3://${name}/synced/hello.txt`);
    r = await cli('aws', ['s3', 'ls', `s3://${name}/`, '--recursive']);
    expect(r.stdout).toMatch(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d +23 synced\/hello\.txt/);
    r = await cli('aws', ['s3', 'rm', `s3://${name}/synced/hello.txt`]);
    expect(r.stdout).toContain(`delete: s3://${name}/synced/hello.txt`);
    r = await cli('aws', ['s3', 'rb', `s3://${name}`]);
    expect(r.stdout).toContain(`remove_bucket: ${name}`);
  });

  it('LocationConstraint rules: a regional endpoint needs a matching constraint', async () => {
    let r = await cli(
      'aws',
      ['s3api', 'create-bucket', '--bucket', 'cloud-lc-1'],
      undefined,
      'ap-southeast-2',
    );
    expect(r.stderr).toContain(
      'An error occurred (IllegalLocationConstraintException) when calling the CreateBucket operation: The unspecified location constraint is incompatible for the region specific endpoint this request was sent to.',
    );
    r = await cli(
      debianCli(),
      [
        's3api',
        'create-bucket',
        '--bucket',
        'cloud-lc-2',
        '--create-bucket-configuration',
        'LocationConstraint=us-east-1',
      ],
      undefined,
      'us-east-1',
    );
    expect(r.stderr).toContain(
      'An error occurred (InvalidLocationConstraint) when calling the CreateBucket operation: The specified location-constraint is not valid',
    );
  });

  it('new buckets block public access; a public policy is refused with the BPA reason', async () => {
    let r = await cli('aws', ['s3api', 'get-public-access-block', '--bucket', BUCKET]);
    expect(JSON.parse(r.stdout).PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      IgnorePublicAcls: true,
      BlockPublicPolicy: true,
      RestrictPublicBuckets: true,
    });
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: '*',
          Action: 's3:GetObject',
          Resource: `arn:aws:s3:::${BUCKET}/*`,
        },
      ],
    });
    // Both CLIs' lines for this are rows of test/fidelity/table.ts (s3-public-policy-blocked).
    for (const bin of ['aws']) {
      r = await cli(bin, ['s3api', 'put-bucket-policy', '--bucket', BUCKET, '--policy', policy]);
      expect(r.code).toBe(bin === 'aws' ? 255 : 254);
      expect(r.stderr).toContain(
        `An error occurred (AccessDenied) when calling the PutBucketPolicy operation: User: ${sb.learner.arn} is not authorized to perform: s3:PutBucketPolicy on resource: "arn:aws:s3:::${BUCKET}" because public policies are blocked by the BlockPublicPolicy block public access setting.`,
      );
    }
    // A policy for a named principal is not public and is accepted.
    const named = policy.replace('"*"', `{"AWS":"${sb.learner.arn}"}`);
    r = await cli('aws', ['s3api', 'put-bucket-policy', '--bucket', BUCKET, '--policy', named]);
    expect(r.code).toBe(0);
  });
});

describe('a bucket asked for in another region (sandbox/engine/s3_regions.py)', () => {
  it('answers 301 PermanentRedirect with x-amz-bucket-region, as an S3 regional endpoint does', async () => {
    const err = await s3()
      .send(new GetBucketPolicyCommand({ Bucket: FAR }))
      .then(
        () => undefined,
        (
          e: Error & {
            $metadata?: { httpStatusCode?: number };
            $response?: { headers: Record<string, string> };
          },
        ) => e,
      );
    expect(err?.name).toBe('PermanentRedirect');
    expect(err?.$metadata?.httpStatusCode).toBe(301);
    expect(err?.$response?.headers['x-amz-bucket-region']).toBe('ap-southeast-2');
    // SDK v3 follows it when asked to (followRegionRedirects), as the runner's clients do.
    const listed = await s3(sb.learner, 'us-east-1', true).send(
      new ListObjectsV2Command({ Bucket: FAR }),
    );
    expect(listed.Contents?.map((o) => o.Key)).toEqual(['far.txt']);
  });

  it.each(CLIS)(
    "the CLI follows it: the call succeeds and its event is in the bucket's region (%s)",
    async (bin) => {
      let r = await cli(bin, ['s3', 'ls', `s3://${FAR}/`]);
      expect(r).toMatchObject({ code: 0 });
      expect(r.stdout).toContain('far.txt');
      const tag = bin === 'aws' ? 'v1' : 'v2';
      r = await cli(bin, [
        's3api',
        'put-bucket-tagging',
        '--bucket',
        FAR,
        '--tagging',
        `TagSet=[{Key=cli,Value=${tag}}]`,
      ]);
      expect(r.code).toBe(0);
      const tagged = (await eventsIn('ap-southeast-2', 'PutBucketTagging')).filter((e) =>
        e.CloudTrailEvent?.includes(bin === 'aws' ? 'aws-cli/1.' : 'aws-cli/2.'),
      );
      expect(tagged).toHaveLength(1);
      expect(JSON.parse(tagged[0].CloudTrailEvent!)).toMatchObject({
        awsRegion: 'ap-southeast-2',
        requestParameters: { bucketName: FAR },
      });
      expect(await eventsIn('us-east-1', 'PutBucketTagging')).toEqual([]);
    },
  );

  it('a presigned URL signed for the wrong region is refused; the right region works', async () => {
    const wrong = await cli(debianCli(), ['s3', 'presign', `s3://${FAR}/far.txt`]);
    let res = await fetch(wrong.stdout.trim(), { redirect: 'manual' });
    expect(res.status).toBe(301);
    expect(await res.text()).toContain(
      `<Code>PermanentRedirect</Code><Message>The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future requests to this endpoint.</Message><Endpoint>${FAR}.s3.ap-southeast-2.amazonaws.com</Endpoint><Bucket>${FAR}</Bucket>`,
    );
    const right = await cli(
      debianCli(),
      ['s3', 'presign', `s3://${FAR}/far.txt`],
      undefined,
      'ap-southeast-2',
    );
    res = await fetch(right.stdout.trim());
    expect(await res.text()).toBe('far');
  });
});

describe('CloudTrail event history', () => {
  it('has bucket management events and no object data events', async () => {
    const { cloudtrail } = adminClients(sb);
    const out = await cloudtrail.send(
      new LookupEventsCommand({
        LookupAttributes: [{ AttributeKey: 'EventSource', AttributeValue: 's3.amazonaws.com' }],
      }),
    );
    // The Sydney buckets' DeleteBucket (rb from a us-east-1 CLI, redirected) is in Sydney's history.
    const deleted = await eventsIn('ap-southeast-2', 'DeleteBucket');
    expect(deleted.flatMap((e) => e.Resources ?? [])).toContainEqual({
      ResourceType: 'AWS::S3::Bucket',
      ResourceName: `${SYD}-v1`,
    });
    const names = new Set([...out.Events!, ...deleted].map((e) => e.EventName));
    expect(names).toContain('CreateBucket');
    expect(names).toContain('DeleteBucket');
    expect(names).toContain('PutBucketPolicy');
    expect(names).toContain('GetBucketLocation');
    for (const data of ['PutObject', 'GetObject', 'ListObjectsV2', 'DeleteObject', 'HeadObject']) {
      expect(names).not.toContain(data);
    }
    const created = out
      .Events!.filter((e) => e.EventName === 'CreateBucket')
      .flatMap((e) => e.Resources ?? []);
    expect(created).toContainEqual({ ResourceType: 'AWS::S3::Bucket', ResourceName: BUCKET });
  });
});
