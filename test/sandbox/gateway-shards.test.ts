// issue 21, beyond one engine: a class's accounts spread over two engine processes behind one
// gateway (sandbox/gateway/shards.ts). Engine k of 2 makes account ids equal to k modulo 2; the
// gateway routes each signed request by the account encoded in its key id. Proven here: every
// key (long-term and STS session) routes to the engine that holds its account and to no other,
// a learner's account exists in one engine only, and isolation holds across engines as within
// one — bucket names stay global, event history stays per account, forged headers change nothing.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateRoleCommand,
  CreateUserCommand,
  GetUserCommand,
  IAMClient,
  ListUsersCommand,
} from '@aws-sdk/client-iam';
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListBucketsCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { createGateway, type Gateway } from '../../sandbox/gateway/server.ts';
import { accountOfKey, shardOf } from '../../sandbox/gateway/shards.ts';
import type { Credentials } from '../../sandbox/index.ts';
import {
  startEngine,
  testModelsDir,
  withEngineSecret,
  type EngineProcess,
} from './gateway-fixture.ts';
import { scaled } from '../helpers/timeouts.ts';

const SECRET = 'shards-test-secret-0123456789abcdef';
const REGION = 'us-east-1';
type Who = 'ada' | 'bo' | 'cy';
const SHARD: Record<Who, number> = { ada: 0, bo: 1, cy: 0 };

let engines: EngineProcess[] = [];
let gateway: Gateway;
const acct = {} as Record<Who, { id: string; keys: Credentials }>;

async function makeAccount(shard: number) {
  const res = await fetch(`${engines[shard].url}/_labrunner/accounts?shard=${shard}&of=2`, {
    method: 'POST',
    headers: { 'x-labrunner-secret': SECRET },
  });
  expect(res.status).toBe(201);
  const made = (await res.json()) as { accountId: string; learner: Credentials };
  return { id: made.accountId, keys: made.learner };
}

function via(keys: Credentials & { sessionToken?: string }, endpoint = gateway.url) {
  const o = { region: REGION, endpoint, credentials: keys };
  return {
    iam: new IAMClient(o),
    sts: new STSClient(o),
    s3: new S3Client({ ...o, forcePathStyle: true }),
    trail: new CloudTrailClient(o),
  };
}

beforeAll(async () => {
  engines = await Promise.all(
    [0, 1].map(() =>
      startEngine(mkdtempSync(join(tmpdir(), 'lab-shard-')), { port: 0, secret: SECRET }),
    ),
  );
  gateway = await createGateway({
    engineUrl: engines[0].url,
    shardUrls: engines.map((e) => e.url),
    stateDir: mkdtempSync(join(tmpdir(), 'lab-shard-gw-')),
    engineSecret: SECRET,
    modelsDir: testModelsDir(),
  });
  for (const who of ['ada', 'bo', 'cy'] as const) acct[who] = await makeAccount(SHARD[who]);
}, scaled(40_000));

afterAll(async () => {
  await gateway?.close();
  for (const e of engines) e.proc.kill('SIGTERM');
});

describe('accounts spread over two engines by account id', () => {
  it('each engine draws ids of its own shard, and every key names its account', () => {
    for (const who of ['ada', 'bo', 'cy'] as const) {
      expect(acct[who].id).toMatch(/^[1-9]\d{11}$/);
      expect(shardOf(acct[who].id, 2)).toBe(SHARD[who]);
      expect(accountOfKey(acct[who].keys.accessKeyId)).toBe(acct[who].id);
    }
    expect(accountOfKey('not-a-key')).toBeUndefined();
  });

  it('routes each signed request to the engine that holds its account, and only there', async () => {
    for (const who of ['ada', 'bo'] as const) {
      const id = await via(acct[who].keys).sts.send(new GetCallerIdentityCommand({}));
      expect(id.Account).toBe(acct[who].id);
      await via(acct[who].keys).iam.send(new CreateUserCommand({ UserName: `${who}-user` }));
      // Straight to each engine (as the gateway would, with its secret): the account is in its
      // own engine, and the other engine has never heard of its key.
      const direct = (shard: number) =>
        withEngineSecret(via(acct[who].keys, engines[shard].url).iam, SECRET).send(
          new ListUsersCommand({}),
        );
      const own = await direct(SHARD[who]);
      expect(own.Users?.map((u) => u.UserName)).toContain(`${who}-user`);
      await expect(direct(1 - SHARD[who])).rejects.toMatchObject({
        name: 'InvalidClientTokenId',
      });
    }
  });

  it('routes STS session keys (ASIA…) by the account that issued them', async () => {
    const ada = via(acct.ada.keys);
    await ada.iam.send(
      new CreateRoleCommand({
        RoleName: 'ada-self',
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { AWS: `arn:aws:iam::${acct.ada.id}:root` },
              Action: 'sts:AssumeRole',
            },
          ],
        }),
      }),
    );
    const s = await ada.sts.send(
      new AssumeRoleCommand({
        RoleArn: `arn:aws:iam::${acct.ada.id}:role/ada-self`,
        RoleSessionName: 'me',
      }),
    );
    expect(accountOfKey(s.Credentials!.AccessKeyId!)).toBe(acct.ada.id);
    const session = via({
      accessKeyId: s.Credentials!.AccessKeyId!,
      secretAccessKey: s.Credentials!.SecretAccessKey!,
      sessionToken: s.Credentials!.SessionToken!,
    });
    expect((await session.sts.send(new GetCallerIdentityCommand({}))).Arn).toBe(
      `arn:aws:sts::${acct.ada.id}:assumed-role/ada-self/me`,
    );
  });

  it('keeps users, buckets and event history apart across engines; bucket names stay global', async () => {
    const [ada, bo, cy] = [via(acct.ada.keys), via(acct.bo.keys), via(acct.cy.keys)];
    await expect(bo.iam.send(new GetUserCommand({ UserName: 'ada-user' }))).rejects.toMatchObject({
      name: 'NoSuchEntityException',
    });
    const bucket = `shared-name-${acct.ada.id}`;
    await ada.s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await ada.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: 'ada' }));
    // Bo's engine has no such bucket, yet S3's namespace is global: the gateway answers as S3.
    await expect(bo.s3.send(new CreateBucketCommand({ Bucket: bucket }))).rejects.toMatchObject({
      name: 'BucketAlreadyExists',
      $metadata: { httpStatusCode: 409 },
    });
    // Cy shares Ada's engine: moto answers the same.
    await expect(cy.s3.send(new CreateBucketCommand({ Bucket: bucket }))).rejects.toMatchObject({
      name: 'BucketAlreadyExists',
    });
    expect(
      ((await bo.s3.send(new ListBucketsCommand({}))).Buckets ?? []).map((b) => b.Name),
    ).not.toContain(bucket);
    // Ada's presigned URL (its key is in the query) reaches her engine.
    const url = await getSignedUrl(ada.s3, new GetObjectCommand({ Bucket: bucket, Key: 'k' }));
    const got = await fetch(url);
    expect(got.status, await got.clone().text()).toBe(200);
    expect(await got.text()).toBe('ada');
    // A forged account header does not move Bo to Ada's engine or account.
    const forged = via(acct.bo.keys).iam;
    forged.middlewareStack.add(
      (next) => async (args) => {
        (args.request as { headers: Record<string, string> }).headers['x-moto-account-id'] =
          acct.ada.id;
        return next(args);
      },
      { step: 'deserialize', name: 'forge' },
    );
    const users = ((await forged.send(new ListUsersCommand({}))).Users ?? []).map(
      (u) => u.UserName,
    );
    expect(users).toContain('bo-user');
    expect(users).not.toContain('ada-user');
    // One gateway, one activity log, each account's own history.
    const created = async (c: CloudTrailClient) =>
      (
        (
          await c.send(
            new LookupEventsCommand({
              LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'CreateUser' }],
            }),
          )
        ).Events ?? []
      ).flatMap((e) => e.Resources?.map((r) => r.ResourceName) ?? []);
    expect(await created(ada.trail)).toEqual(['ada-user']);
    expect(await created(bo.trail)).toEqual(['bo-user']);
  });
});
