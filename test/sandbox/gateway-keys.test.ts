// c. Inactive access keys are refused as AWS refuses them, and work again once reactivated;
// the activity log never holds a secret, even the one CreateAccessKey returns through it.
import {
  CreateAccessKeyCommand,
  CreateUserCommand,
  AttachUserPolicyCommand,
  ListUsersCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aws, CLIS, failure, sdk, type Creds } from './clients.ts';
import { startGatewayFixture, type ActivityLine, type GatewayFixture } from './gateway-fixture.ts';

let fx: GatewayFixture;
let key: Creds;

beforeAll(async () => {
  fx = await startGatewayFixture();
  const { iam } = sdk(fx.url, fx.admin);
  await iam.send(new CreateUserCommand({ UserName: 'ops' }));
  await iam.send(
    new AttachUserPolicyCommand({
      UserName: 'ops',
      PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess',
    }),
  );
  const k = (await iam.send(new CreateAccessKeyCommand({ UserName: 'ops' }))).AccessKey!;
  key = { accessKeyId: k.AccessKeyId!, secretAccessKey: k.SecretAccessKey! };
});
afterAll(() => fx?.stop());

const setStatus = (Status: 'Active' | 'Inactive') =>
  sdk(fx.url, fx.admin).iam.send(
    new UpdateAccessKeyCommand({ UserName: 'ops', AccessKeyId: key.accessKeyId, Status }),
  );

describe('c. an Inactive access key', () => {
  it('works, is refused once deactivated, and works again once reactivated', async () => {
    const c = sdk(fx.url, key);
    // Warm the gateway's identity cache: deactivation must still apply at once.
    expect((await c.iam.send(new ListUsersCommand({}))).Users!.length).toBeGreaterThan(0);
    await c.ec2.send(new DescribeInstancesCommand({}));

    await setStatus('Inactive');
    const token = 'The security token included in the request is invalid.';
    expect(await failure(c.iam.send(new ListUsersCommand({})))).toMatchObject({
      name: 'InvalidClientTokenId',
      status: 403,
      message: token,
    });
    expect(await failure(c.sts.send(new GetCallerIdentityCommand({})))).toMatchObject({
      name: 'InvalidClientTokenId',
      status: 403,
      message: token,
    });
    expect(await failure(c.ec2.send(new DescribeInstancesCommand({})))).toMatchObject({
      name: 'AuthFailure',
      status: 401,
      message: 'AWS was not able to validate the provided access credentials',
    });
    for (const bin of CLIS) {
      const r = await aws(bin, ['--endpoint-url', fx.url, 'iam', 'list-users'], fx.cliEnv(key));
      expect(r.stderr).toContain(
        `An error occurred (InvalidClientTokenId) when calling the ListUsers operation: ${token}`,
      );
      const e = await aws(
        bin,
        ['--endpoint-url', fx.url, 'ec2', 'describe-instances'],
        fx.cliEnv(key),
      );
      expect(e.stderr).toContain(
        'An error occurred (AuthFailure) when calling the DescribeInstances operation: AWS was not able to validate the provided access credentials',
      );
    }

    await setStatus('Active');
    expect((await c.sts.send(new GetCallerIdentityCommand({}))).Arn).toBe(
      'arn:aws:iam::123456789012:user/ops',
    );
    const r = await aws('aws', ['--endpoint-url', fx.url, 'iam', 'list-users'], fx.cliEnv(key));
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).Users.map((u: { UserName: string }) => u.UserName)).toContain(
      'ops',
    );
  });

  it('is refused when deactivated with the CLI by another user', async () => {
    const c = sdk(fx.url, key);
    await c.iam.send(new ListUsersCommand({}));
    const off = await aws(
      'aws',
      [
        '--endpoint-url',
        fx.url,
        'iam',
        'update-access-key',
        '--user-name',
        'ops',
        '--access-key-id',
        key.accessKeyId,
        '--status',
        'Inactive',
      ],
      fx.cliEnv(),
    );
    expect(off.code).toBe(0);
    expect(await failure(c.iam.send(new ListUsersCommand({})))).toMatchObject({
      name: 'InvalidClientTokenId',
    });
    await setStatus('Active');
  });
});

describe('the activity log', () => {
  it('records the calls but never a secret, even one created through the gateway', async () => {
    const { iam } = sdk(fx.url, fx.admin);
    await iam.send(new CreateUserCommand({ UserName: 'temp' }));
    const created = (await iam.send(new CreateAccessKeyCommand({ UserName: 'temp' }))).AccessKey!;
    // The client got its secret (it passes through once, as on AWS) ...
    expect(created.SecretAccessKey).toMatch(/^[A-Za-z0-9+/]{40}$/);
    const cli = await aws(
      'aws',
      ['--endpoint-url', fx.url, 'iam', 'create-access-key', '--user-name', 'temp'],
      fx.cliEnv(),
    );
    const cliSecret = JSON.parse(cli.stdout).AccessKey.SecretAccessKey as string;
    expect(cliSecret).toMatch(/^[A-Za-z0-9+/]{40}$/);

    const isTempKey = (l: ActivityLine) =>
      l.eventName === 'CreateAccessKey' && l.resources.some((r) => r.name === 'temp');
    const { text, lines } = await fx.readActivity((ls) => ls.filter(isTempKey).length === 2);
    expect(fs.statSync(fx.activityFile).mode & 0o777).toBe(0o600);
    // ... but no secret reached the log: not the new ones, not the signers'.
    for (const secret of [
      created.SecretAccessKey!,
      cliSecret,
      key.secretAccessKey,
      fx.admin.secretAccessKey,
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(text).not.toMatch(/Signature=|AWS4-HMAC-SHA256/);
    const create = lines.filter(isTempKey);
    expect(create).toHaveLength(2);
    expect(create[0]).toMatchObject({
      service: 'iam',
      accessKeyId: fx.admin.accessKeyId,
      principal: { arn: 'arn:aws:iam::123456789012:user/sandbox-admin', userName: 'sandbox-admin' },
      readOnly: false,
      sourceIp: '127.0.0.1',
    });
    expect(create[1].userAgent).toMatch(/aws-cli\/1\./);
    // As CloudTrail records them: identifiers only, the new key's id but never its secret.
    expect(create[0].requestParameters).toEqual({ userName: 'temp' });
    expect(create[0].responseElements).toMatchObject({
      accessKey: { accessKeyId: created.AccessKeyId, userName: 'temp', status: 'Active' },
    });
    expect(JSON.stringify(create[0].responseElements)).not.toMatch(/secret/i);
    const update = lines.find((l) => l.eventName === 'UpdateAccessKey');
    expect(update?.requestParameters).toEqual({
      userName: 'ops',
      accessKeyId: key.accessKeyId,
      status: 'Inactive',
    });
    const refused = lines.find(
      (l) => l.errorCode === 'InvalidClientTokenId' && l.accessKeyId === key.accessKeyId,
    );
    expect(refused).toMatchObject({
      eventName: 'ListUsers',
      errorMessage: 'The security token included in the request is invalid.',
    });
  });
});
