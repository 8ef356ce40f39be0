// Fixes a, b, f and the AWS-shaped answers to unknown actions, malformed bodies and engine
// crashes, as the real SDK v3 and the real `aws` CLIs see them. Bare moto fails each of these.
import {
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateUserCommand,
  ListUsersCommand,
  SimulatePrincipalPolicyCommand,
} from '@aws-sdk/client-iam';
import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aws, CLIS, failure, sdk, type Creds } from './clients.ts';
import { startGatewayFixture, type GatewayFixture } from './gateway-fixture.ts';
import { signedFetch } from './sign.ts';

let fx: GatewayFixture;
let dev: Creds & { arn: string };

beforeAll(async () => {
  fx = await startGatewayFixture();
  const { iam } = sdk(fx.url, fx.admin);
  const user = await iam.send(new CreateUserCommand({ UserName: 'dev' }));
  await iam.send(
    new AttachUserPolicyCommand({
      UserName: 'dev',
      PolicyArn: 'arn:aws:iam::aws:policy/IAMFullAccess',
    }),
  );
  const key = await iam.send(new CreateAccessKeyCommand({ UserName: 'dev' }));
  dev = {
    accessKeyId: key.AccessKey!.AccessKeyId!,
    secretAccessKey: key.AccessKey!.SecretAccessKey!,
    arn: user.User!.Arn!,
  };
});
afterAll(() => fx?.stop());

const EC2_DENIED = (arn: string) =>
  `You are not authorized to perform this operation. User: ${arn} is not authorized to perform: ec2:DescribeInstances because no identity-based policy allows the ec2:DescribeInstances action`;

describe('a. EC2 denial', () => {
  it('is UnauthorizedOperation 403 with AWS wording through the SDK', async () => {
    const err = await failure(sdk(fx.url, dev).ec2.send(new DescribeInstancesCommand({})));
    expect(err).toMatchObject({
      name: 'UnauthorizedOperation',
      status: 403,
      message: EC2_DENIED(dev.arn),
    });
    expect(err.requestId).toMatch(/\S{10,}/);
  });

  it.each(CLIS)('prints the line AWS prints (%s)', async (bin) => {
    const r = await aws(
      bin,
      ['--endpoint-url', fx.url, 'ec2', 'describe-instances'],
      fx.cliEnv(dev),
    );
    expect(r.code).toBeGreaterThan(0);
    expect(r.stderr).toContain(
      `An error occurred (UnauthorizedOperation) when calling the DescribeInstances operation: ${EC2_DENIED(dev.arn)}`,
    );
  });

  it('uses the EC2 error envelope on the wire', async () => {
    const res = await signedFetch(
      fx.url,
      dev,
      'ec2',
      'Action=DescribeInstances&Version=2016-11-15',
    );
    expect(res.status).toBe(403);
    expect(await res.text()).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\s*<Response><Errors><Error><Code>UnauthorizedOperation<\/Code><Message>You are not authorized[^<]*<\/Message><\/Error><\/Errors><RequestID>[^<]+<\/RequestID><\/Response>$/,
    );
  });
});

describe('b. IAM denial', () => {
  it('names the resource and the reason, SDK and CLI', async () => {
    const { iam } = sdk(fx.url, fx.admin);
    await iam.send(new CreateUserCommand({ UserName: 'nopolicy' }));
    const k = (await iam.send(new CreateAccessKeyCommand({ UserName: 'nopolicy' }))).AccessKey!;
    const creds = { accessKeyId: k.AccessKeyId!, secretAccessKey: k.SecretAccessKey! };
    const arn = 'arn:aws:iam::123456789012:user/nopolicy';
    const expected = `User: ${arn} is not authorized to perform: iam:ListUsers on resource: arn:aws:iam::123456789012:user/ because no identity-based policy allows the iam:ListUsers action`;
    const err = await failure(sdk(fx.url, creds).iam.send(new ListUsersCommand({})));
    expect(err).toMatchObject({ name: 'AccessDenied', status: 403, message: expected });
    for (const bin of CLIS) {
      const r = await aws(bin, ['--endpoint-url', fx.url, 'iam', 'list-users'], fx.cliEnv(creds));
      expect(r.stderr).toContain(
        `An error occurred (AccessDenied) when calling the ListUsers operation: ${expected}`,
      );
    }
    const r = await aws(
      'aws',
      ['--endpoint-url', fx.url, 'iam', 'get-user', '--user-name', 'dev'],
      fx.cliEnv(creds),
    );
    expect(r.stderr).toContain(
      `not authorized to perform: iam:GetUser on resource: arn:aws:iam::123456789012:user/dev because no identity-based policy allows the iam:GetUser action`,
    );
  });
});

describe('f. no credentials', () => {
  it('is a clean 403 MissingAuthenticationToken (raw HTTP)', async () => {
    const res = await fetch(fx.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=ListUsers&Version=2010-05-08',
    });
    const text = await res.text();
    expect(res.status).toBe(403);
    expect(text).toContain('<Code>MissingAuthenticationToken</Code>');
    expect(text).toContain('<Message>Request is missing Authentication Token</Message>');
    expect(text).not.toMatch(/Traceback|<html/i);
    expect(res.headers.get('x-amzn-requestid')).toBeTruthy();
  });

  it('an Authorization header without a credential scope is 400 IncompleteSignature', async () => {
    const res = await fetch(fx.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: 'AWS4-HMAC-SHA256 garbage',
      },
      body: 'Action=ListUsers&Version=2010-05-08',
    });
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(text).toContain('<Code>IncompleteSignature</Code>');
    expect(text).not.toMatch(/Traceback|<html/i);
  });

  it.each(CLIS)('is what `aws --no-sign-request` prints (%s)', async (bin) => {
    const r = await aws(
      bin,
      ['--endpoint-url', fx.url, '--no-sign-request', 'iam', 'list-users'],
      fx.cliEnv(),
    );
    expect(r.stderr).toContain(
      'An error occurred (MissingAuthenticationToken) when calling the ListUsers operation: Request is missing Authentication Token',
    );
  });
});

describe('moto control headers', () => {
  it('x-moto-account-id never reaches the engine: the caller stays in the sandbox account', async () => {
    const u = new URL(fx.url);
    const body = 'Action=GetCallerIdentity&Version=2011-06-15';
    const signer = new SignatureV4({
      credentials: fx.admin,
      region: 'us-east-1',
      service: 'sts',
      sha256: Sha256,
    });
    const signed = await signer.sign(
      {
        method: 'POST',
        protocol: u.protocol,
        hostname: u.hostname,
        port: Number(u.port),
        path: '/',
        headers: {
          host: u.host,
          'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
          'x-moto-account-id': '111111111111',
        },
        body,
      },
      // Unsigned, as a header added on the way would be: moto would honour it all the same.
      { unsignableHeaders: new Set(['x-moto-account-id']) },
    );
    const res = await fetch(fx.url, { method: 'POST', headers: signed.headers, body });
    const text = await res.text();
    expect(res.status).toBe(200);
    expect(text).toContain(`<Arn>${fx.admin.arn}</Arn>`);
    expect(text).not.toContain('111111111111');
  });
});

describe('unknown action, malformed body, engine crash', () => {
  it('an unknown Action is 400 InvalidAction with AWS wording', async () => {
    const res = await signedFetch(
      fx.url,
      fx.admin,
      'iam',
      'Action=ListUnicorns&Version=2010-05-08',
    );
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(text).toContain('<Code>InvalidAction</Code>');
    expect(text).toContain(
      '<Message>Could not find operation ListUnicorns for version 2010-05-08</Message>',
    );
  });

  it('a malformed body (no Action) is 400 MissingAction, not a 500', async () => {
    const res = await signedFetch(fx.url, fx.admin, 'iam', '%%%garbage=&&==');
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('<Code>MissingAction</Code>');
  });

  it('a malformed JSON body to CloudTrail is 400 SerializationException', async () => {
    const res = await signedFetch(fx.url, fx.admin, 'cloudtrail', '{not json', {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ __type: 'SerializationException' });
  });

  it('an unknown CloudTrail operation is 400 UnknownOperationException', async () => {
    const res = await signedFetch(fx.url, fx.admin, 'cloudtrail', '{}', {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupUnicorns',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ __type: 'UnknownOperationException' });
  });

  it('an operation the engine does not implement is 400 InvalidAction at once, never a retried 500', async () => {
    // maxAttempts 3: a 500 would be sent three times; InvalidAction (a 4xx) is not retried.
    const { iam } = sdk(fx.url, fx.admin, { maxAttempts: 3 });
    const err = await failure(
      iam.send(
        new SimulatePrincipalPolicyCommand({
          PolicySourceArn: dev.arn,
          ActionNames: ['iam:ListUsers'],
        }),
      ),
    );
    expect(err.status).toBe(400);
    expect(err.name).toBe('InvalidAction');
    expect(err.attempts).toBe(1);
    expect(err.message).toMatch(
      /^Operation \(SimulatePrincipalPolicy\) is not supported in this sandbox\. .*does not implement it/,
    );
    expect(err.message).not.toMatch(/Traceback|<html|File "/);
    expect(err.requestId).toBeTruthy();
  });

  it("never exposes the engine's private endpoints", async () => {
    for (const p of ['/_labrunner/health', '/moto-api/reset', '//moto-api/']) {
      const res = await fetch(fx.url + p, { method: 'POST' });
      expect(res.status).toBe(404);
      expect(await res.text()).not.toContain('accountId');
    }
    const res = await signedFetch(fx.url + '/moto-api/reset', fx.admin, 'iam', '');
    expect(res.status).toBe(404);
    const users = await sdk(fx.url, fx.admin).iam.send(new ListUsersCommand({}));
    expect(users.Users!.map((u) => u.UserName)).toContain('dev');
  });
});
