// Credentials and links that should have stopped working do stop in the sandbox (issue 16):
// a role session past its Expiration is ExpiredToken, as in AWS; a presigned S3 URL lives at
// most a week, may not start in the future, and an expiry of 0 is already expired. moto alone
// accepted all of them. Real clients: SDK v3 (for the session: the gateway's clock is moved, the
// fixture injects it, and the SDK signs with the same offset, as a learner would 15 minutes
// later) and both `aws` CLIs (`s3 presign`, which signs whatever --expires-in it is given).
import { AttachRolePolicyCommand, CreateRoleCommand, ListRolesCommand } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListBucketsCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aws, CLIS, failure, sdk, type Creds } from '../sandbox/clients.ts';
import { REGION, startGatewayFixture, type GatewayFixture } from '../sandbox/gateway-fixture.ts';

let fx: GatewayFixture;
let skew = 0;
const BUCKET = 'expiry-test';

beforeAll(async () => {
  fx = await startGatewayFixture({ clock: () => Date.now() + skew });
  const s3 = s3Client(fx.admin);
  await s3.send(
    new CreateBucketCommand({
      Bucket: BUCKET,
      CreateBucketConfiguration: { LocationConstraint: REGION as never },
    }),
  );
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'note.txt', Body: 'hello' }));
});
afterAll(() => fx?.stop());

function s3Client(creds: Creds, offsetMs = 0) {
  return new S3Client({
    endpoint: fx.url,
    region: REGION,
    credentials: creds,
    forcePathStyle: true,
    maxAttempts: 1,
    systemClockOffset: offsetMs,
  });
}

describe('a role session', () => {
  it('works until its Expiration, then is ExpiredToken (400) on IAM, STS and S3', async () => {
    const { iam, sts } = sdk(fx.url, fx.admin);
    const trust = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::123456789012:root' },
          Action: 'sts:AssumeRole',
        },
      ],
    };
    const role = (
      await iam.send(
        new CreateRoleCommand({
          RoleName: 'short-lived',
          AssumeRolePolicyDocument: JSON.stringify(trust),
        }),
      )
    ).Role!;
    await iam.send(
      new AttachRolePolicyCommand({
        RoleName: 'short-lived',
        PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess',
      }),
    );
    const c = (
      await sts.send(
        new AssumeRoleCommand({ RoleArn: role.Arn, RoleSessionName: 'lab', DurationSeconds: 900 }),
      )
    ).Credentials!;
    const creds = {
      accessKeyId: c.AccessKeyId!,
      secretAccessKey: c.SecretAccessKey!,
      sessionToken: c.SessionToken!,
    };
    const expiresIn = c.Expiration!.getTime() - Date.now();
    expect(expiresIn).toBeGreaterThan(880_000);
    expect(expiresIn).toBeLessThanOrEqual(900_000);

    // 14 minutes later: still good.
    skew = expiresIn - 60_000;
    let s = sdk(fx.url, creds, { systemClockOffset: skew });
    await s.sts.send(new GetCallerIdentityCommand({}));
    await s.iam.send(new ListRolesCommand({}));

    // Past the Expiration: refused as AWS refuses it.
    skew = expiresIn + 5_000;
    s = sdk(fx.url, creds, { systemClockOffset: skew });
    for (const call of [
      () => s.sts.send(new GetCallerIdentityCommand({})),
      () => s.iam.send(new ListRolesCommand({})),
    ]) {
      const err = await failure(call());
      expect(err).toMatchObject({ name: 'ExpiredToken', status: 400 });
      expect(err.message).toBe('The security token included in the request is expired');
    }
    const s3err = await failure(s3Client(creds, skew).send(new ListBucketsCommand({})));
    expect(s3err).toMatchObject({ name: 'ExpiredToken', status: 400 });
    expect(s3err.message).toBe('The provided token has expired.');
    skew = 0;
  });
});

describe('a presigned S3 URL', () => {
  // CLI v2 signs `s3 presign` with SigV4 (X-Amz-Expires); CLI v1 (botocore 1.43) still signs
  // it with SigV2 (`Expires=<epoch>`), which has no week limit and is not judged here.
  it.each(CLIS.filter((b) => b !== 'aws'))(
    'made with `aws s3 presign` lives at most a week (%s)',
    async (bin) => {
      const presign = async (seconds: number) => {
        const r = await aws(
          bin,
          [
            '--endpoint-url',
            fx.url,
            's3',
            'presign',
            `s3://${BUCKET}/note.txt`,
            '--expires-in',
            String(seconds),
          ],
          fx.cliEnv(),
        );
        expect(r.code, r.stderr).toBe(0);
        return r.stdout.trim();
      };
      // A week is the most SigV4 allows, and it works.
      const week = await fetch(await presign(604_800));
      expect(week.status).toBe(200);
      expect(await week.text()).toBe('hello');
      // Ten years: refused, in S3's words.
      const decade = await fetch(await presign(10 * 365 * 86_400));
      expect(decade.status).toBe(403);
      const body = await decade.text();
      expect(body).toContain('<Code>AuthorizationQueryParametersError</Code>');
      expect(body).toContain(
        '<Message>X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than 604800 seconds</Message>',
      );
      // An expiry of 0 is expired at once.
      const zero = await fetch(await presign(0));
      expect(zero.status).toBe(403);
      expect(await zero.text()).toContain('<Message>Request has expired</Message>');
    },
  );

  it('signed with a clock a year ahead is "Request is not yet valid"', async () => {
    const ahead = await getSignedUrl(
      s3Client(fx.admin),
      new GetObjectCommand({ Bucket: BUCKET, Key: 'note.txt' }),
      { expiresIn: 3600, signingDate: new Date(Date.now() + 365 * 86_400_000) },
    );
    const res = await fetch(ahead);
    expect(res.status).toBe(403);
    expect(await res.text()).toContain(
      '<Code>AccessDenied</Code><Message>Request is not yet valid</Message>',
    );
    // The same URL signed now works.
    const now = await getSignedUrl(
      s3Client(fx.admin),
      new GetObjectCommand({ Bucket: BUCKET, Key: 'note.txt' }),
      { expiresIn: 3600 },
    );
    expect((await fetch(now)).status).toBe(200);
  });
});
