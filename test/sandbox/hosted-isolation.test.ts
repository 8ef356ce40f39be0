// issue 21: one engine holds every learner's account, so no learner may reach another's users,
// keys, buckets or instances. Each case plays a learner (Bo) who tries, with the tools any
// client has, to act in Ada's account; each expectation is what AWS does, with its source.
// Two accounts of one sandbox, made as a hosting class server makes them (createSandboxAccount).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AttachUserPolicyCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  DeleteAccessKeyCommand,
  GetPolicyCommand,
  GetUserCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListUsersCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutBucketPolicyCommand,
  PutObjectCommand,
  S3Client,
  DeleteBucketCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import {
  DescribeInstancesCommand,
  EC2Client,
  RunInstancesCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { createSandboxAccount, type Credentials } from '../../sandbox/index.ts';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.ts';
import { scaled } from '../helpers/timeouts.ts';

let sb: TestSandbox;
const acct = {} as Record<'ada' | 'bo', { id: string; keys: Credentials }>;
const REGION = 'us-east-1';

function clients(keys: Credentials & { sessionToken?: string }) {
  const o = { region: REGION, endpoint: sb.endpoint, credentials: keys };
  return {
    iam: new IAMClient(o),
    sts: new STSClient(o),
    s3: new S3Client({ ...o, forcePathStyle: true }),
    ec2: new EC2Client(o),
    trail: new CloudTrailClient(o),
  };
}
const ada = () => clients(acct.ada.keys);
const bo = () => clients(acct.bo.keys);

/** Add headers after signing, as any HTTP client can (the signature does not cover them). */
function forge<C extends { middlewareStack: IAMClient['middlewareStack'] }>(
  c: C,
  headers: Record<string, string>,
): C {
  c.middlewareStack.add(
    (next) => async (args) => {
      Object.assign((args.request as { headers: Record<string, string> }).headers, headers);
      return next(args);
    },
    { step: 'deserialize', name: 'forgeHeaders' },
  );
  return c;
}

beforeAll(async () => {
  sb = await startTestSandbox();
  for (const who of ['ada', 'bo'] as const) {
    const made = await createSandboxAccount(sb.home);
    acct[who] = { id: made.accountId, keys: made.learner };
  }
  await ada().iam.send(new CreateUserCommand({ UserName: 'ada-secret' }));
  await ada().s3.send(new CreateBucketCommand({ Bucket: `ada-${acct.ada.id}` }));
  await ada().s3.send(
    new PutObjectCommand({ Bucket: `ada-${acct.ada.id}`, Key: 'notes.txt', Body: 'ada only' }),
  );
}, scaled(60_000));

afterAll(async () => {
  await sb?.stop();
});

describe("a learner cannot reach another learner's account", () => {
  it('forged x-moto-* and account headers change nothing: the key decides the account', async () => {
    const spoofed = forge(bo().iam, {
      'x-moto-account-id': acct.ada.id,
      'x-amz-account-id': acct.ada.id,
      'x-moto-request-account-id': acct.ada.id,
    });
    const users = ((await spoofed.send(new ListUsersCommand({}))).Users ?? []).map(
      (u) => u.UserName,
    );
    expect(users).not.toContain('ada-secret');
    const sts = forge(bo().sts, { 'x-moto-account-id': acct.ada.id });
    expect((await sts.send(new GetCallerIdentityCommand({}))).Account).toBe(acct.bo.id);
  });

  it("another account's user, key and policy ARNs are not found from Bo's account (IAM names are per account)", async () => {
    // IAM's NoSuchEntity: "The request was rejected because it referenced a resource entity
    // that does not exist" (IAM API reference, AttachUserPolicy/GetUser errors). A user name
    // resolves in the caller's own account only.
    await expect(
      bo().iam.send(new GetUserCommand({ UserName: 'ada-secret' })),
    ).rejects.toMatchObject({ name: 'NoSuchEntityException' });
    // A customer managed policy of Ada's, named by its full ARN from Bo's account.
    const made = await ada().iam.send(
      new CreatePolicyCommand({
        PolicyName: 'ada-policy',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: '*' }],
        }),
      }),
    );
    const arn = made.Policy!.Arn!;
    expect(arn).toBe(`arn:aws:iam::${acct.ada.id}:policy/ada-policy`);
    await expect(bo().iam.send(new GetPolicyCommand({ PolicyArn: arn }))).rejects.toMatchObject({
      name: 'NoSuchEntityException',
    });
    await expect(
      bo().iam.send(new AttachUserPolicyCommand({ UserName: 'sandbox-admin', PolicyArn: arn })),
    ).rejects.toMatchObject({ name: 'NoSuchEntityException' });
    // Ada's own key id, deactivated or deleted from Bo's account: not found, and still working.
    const adaKey = acct.ada.keys.accessKeyId;
    await expect(
      bo().iam.send(
        new UpdateAccessKeyCommand({
          UserName: 'sandbox-admin',
          AccessKeyId: adaKey,
          Status: 'Inactive',
        }),
      ),
    ).rejects.toMatchObject({ name: 'NoSuchEntityException' });
    await expect(
      bo().iam.send(new DeleteAccessKeyCommand({ UserName: 'sandbox-admin', AccessKeyId: adaKey })),
    ).rejects.toMatchObject({ name: 'NoSuchEntityException' });
    const adaKeys = await ada().iam.send(new ListAccessKeysCommand({ UserName: 'sandbox-admin' }));
    expect(adaKeys.AccessKeyMetadata?.find((k) => k.AccessKeyId === adaKey)?.Status).toBe('Active');
    expect((await ada().sts.send(new GetCallerIdentityCommand({}))).Account).toBe(acct.ada.id);
  });

  it("Bo's admin rights stop at his account: Ada's bucket without a bucket policy is denied", async () => {
    // "To allow cross-account access, you attach a resource-based policy to the resource that
    // you want to share. You must also attach an identity-based policy to the identity"
    // (IAM User Guide, Cross-account policy evaluation logic,
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html).
    // Ada's bucket has no policy naming Bo: his AdministratorAccess is not enough.
    const bucket = `ada-${acct.ada.id}`;
    await expect(bo().s3.send(new ListObjectsV2Command({ Bucket: bucket }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 403 },
      name: 'AccessDenied',
    });
    await expect(
      bo().s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'notes.txt' })),
    ).rejects.toMatchObject({ $metadata: { httpStatusCode: 403 } });
    await expect(
      bo().s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'bo.txt', Body: 'x' })),
    ).rejects.toMatchObject({ $metadata: { httpStatusCode: 403 } });
    await expect(bo().s3.send(new DeleteBucketCommand({ Bucket: bucket }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 403 },
    });
    // ...and the name is taken for him: "The requested bucket name is not available. The bucket
    // namespace is shared by all users of the system." (S3 API reference, BucketAlreadyExists).
    await expect(bo().s3.send(new CreateBucketCommand({ Bucket: bucket }))).rejects.toMatchObject({
      name: 'BucketAlreadyExists',
    });
    const listed = await ada().s3.send(new ListObjectsV2Command({ Bucket: bucket }));
    expect(listed.Contents?.map((o) => o.Key)).toEqual(['notes.txt']);
  });

  it("a bucket policy naming Bo's account lets him read, and only what it names", async () => {
    const bucket = `ada-shared-${acct.ada.id}`;
    await ada().s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await ada().s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'open.txt', Body: 'shared' }));
    await ada().s3.send(
      new PutBucketPolicyCommand({
        Bucket: bucket,
        Policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { AWS: `arn:aws:iam::${acct.bo.id}:root` },
              Action: 's3:GetObject',
              Resource: `arn:aws:s3:::${bucket}/*`,
            },
          ],
        }),
      }),
    );
    const got = await bo().s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'open.txt' }));
    expect(await got.Body!.transformToString()).toBe('shared');
    // The policy grants GetObject only: listing and writing stay denied.
    await expect(bo().s3.send(new ListObjectsV2Command({ Bucket: bucket }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 403 },
    });
    await expect(
      bo().s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'open.txt', Body: 'x' })),
    ).rejects.toMatchObject({ $metadata: { httpStatusCode: 403 } });
  });

  it("Ada's presigned URL works for anyone; Bo's own signature on Ada's object is denied", async () => {
    // "The credentials used by the presigned URL are those of the AWS Identity and Access
    // Management (IAM) principal who generated the URL" (S3 User Guide, Download and upload
    // objects with presigned URLs, https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-presigned-url.html).
    const bucket = `ada-${acct.ada.id}`;
    const get = new GetObjectCommand({ Bucket: bucket, Key: 'notes.txt' });
    const adaUrl = await getSignedUrl(ada().s3, get, { expiresIn: 300 });
    const shared = await fetch(adaUrl);
    expect(shared.status, await shared.clone().text()).toBe(200);
    expect(await shared.text()).toBe('ada only');
    // Bo signs the same request with his keys: it carries his rights, which do not reach Ada's bucket.
    const boUrl = await getSignedUrl(bo().s3, get, { expiresIn: 300 });
    const denied = await fetch(boUrl);
    expect(denied.status).toBe(403);
    expect(await denied.text()).toMatch(/<Code>AccessDenied<\/Code>/);
    const put = await getSignedUrl(
      bo().s3,
      new PutObjectCommand({ Bucket: bucket, Key: 'notes.txt' }),
      { expiresIn: 300 },
    );
    expect((await fetch(put, { method: 'PUT', body: 'overwritten by bo' })).status).toBe(403);
    // Ada's URL doctored to name another key is no longer what Ada signed.
    const doctored = await fetch(adaUrl.replace('notes.txt', 'other.txt'));
    expect(doctored.status).toBe(403);
    const still = await ada().s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'notes.txt' }));
    expect(await still.Body!.transformToString()).toBe('ada only');
  });

  it('AssumeRole across accounts: denied unless the role trusts the caller, as AWS allows', async () => {
    // A role's trust policy must name the principal: "Principals are not allowed to assume a role
    // unless they are explicitly allowed to in the role's trust policy"; a caller the policy does
    // not name gets "AccessDenied ... is not authorized to perform: sts:AssumeRole on resource"
    // (IAM User Guide, Cross-account policy evaluation logic; AWS re:Post
    // knowledge-center/iam-assume-role-error).
    const trusting = (account: string) =>
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { AWS: `arn:aws:iam::${account}:root` },
            Action: 'sts:AssumeRole',
          },
        ],
      });
    await ada().iam.send(
      new CreateRoleCommand({
        RoleName: 'ada-private',
        AssumeRolePolicyDocument: trusting(acct.ada.id),
      }),
    );
    await ada().iam.send(
      new CreateRoleCommand({
        RoleName: 'ada-shares',
        AssumeRolePolicyDocument: trusting(acct.bo.id),
      }),
    );
    await ada().iam.send(
      new AttachUserPolicyCommand({
        UserName: 'ada-secret',
        PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess',
      }),
    );
    const denied = bo().sts.send(
      new AssumeRoleCommand({
        RoleArn: `arn:aws:iam::${acct.ada.id}:role/ada-private`,
        RoleSessionName: 'bo',
      }),
    );
    await expect(denied).rejects.toMatchObject({ name: 'AccessDenied' });
    await expect(denied).rejects.toThrow(/is not authorized to perform: sts:AssumeRole/);

    const ok = await bo().sts.send(
      new AssumeRoleCommand({
        RoleArn: `arn:aws:iam::${acct.ada.id}:role/ada-shares`,
        RoleSessionName: 'bo',
      }),
    );
    const session = clients({
      accessKeyId: ok.Credentials!.AccessKeyId!,
      secretAccessKey: ok.Credentials!.SecretAccessKey!,
      sessionToken: ok.Credentials!.SessionToken!,
    });
    const who = await session.sts.send(new GetCallerIdentityCommand({}));
    expect(who.Account).toBe(acct.ada.id);
    expect(who.Arn).toBe(`arn:aws:sts::${acct.ada.id}:assumed-role/ada-shares/bo`);
    // The role has no permission policy: the session can do nothing in Ada's account either.
    await expect(session.iam.send(new ListUsersCommand({}))).rejects.toMatchObject({
      name: 'AccessDenied',
    });
  });

  it("another account's instance is not found from Bo's account", async () => {
    // EC2 resources are per account: an instance id of another account is
    // InvalidInstanceID.NotFound ("The instance ID '…' does not exist", EC2 API error codes).
    const run = await ada().ec2.send(
      new RunInstancesCommand({
        ImageId: 'ami-12c6146b',
        InstanceType: 't2.micro',
        MinCount: 1,
        MaxCount: 1,
      }),
    );
    const id = run.Instances![0].InstanceId!;
    await expect(
      bo().ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] })),
    ).rejects.toMatchObject({ name: 'InvalidInstanceID.NotFound' });
    await expect(
      bo().ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] })),
    ).rejects.toMatchObject({ name: 'InvalidInstanceID.NotFound' });
    const all = await bo().ec2.send(new DescribeInstancesCommand({}));
    expect(JSON.stringify(all.Reservations ?? [])).not.toContain(id);
    const mine = await ada().ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
    expect(mine.Reservations![0].Instances![0].State?.Name).not.toMatch(/shutting|terminated/);
  });

  it("LookupEvents shows Bo his own account's events only, whatever he filters by", async () => {
    type Key = 'ResourceName' | 'EventName';
    const events = async (c: CloudTrailClient, AttributeKey: Key, AttributeValue: string) =>
      (
        (
          await c.send(
            new LookupEventsCommand({ LookupAttributes: [{ AttributeKey, AttributeValue }] }),
          )
        ).Events ?? []
      ).map((e) => {
        const doc = JSON.parse(e.CloudTrailEvent ?? '{}');
        return { name: e.EventName, account: doc.recipientAccountId, error: doc.errorCode };
      });
    // Bo's history holds his own failed attempts on Ada's names (GetUser, AttachUserPolicy…),
    // in his account, and none of Ada's calls.
    for (const [k, v] of [
      ['ResourceName', 'ada-secret'],
      ['EventName', 'CreatePolicy'],
      ['EventName', 'RunInstances'],
      ['EventName', 'CreateUser'],
    ] as const) {
      for (const e of await events(bo().trail, k, v)) {
        expect(e.account, `${k}=${v}: ${e.name}`).toBe(acct.bo.id);
      }
    }
    expect(await events(bo().trail, 'EventName', 'RunInstances')).toEqual([]);
    const adaSees = await events(ada().trail, 'ResourceName', 'ada-secret');
    expect(adaSees.map((e) => e.name)).toContain('CreateUser');
    expect(new Set(adaSees.map((e) => e.account))).toEqual(new Set([acct.ada.id]));
  });
});
