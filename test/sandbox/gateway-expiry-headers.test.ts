// d. Request expiry and e. x-amzn-RequestId + Date on every response.
import {
  GetUserCommand,
  ListUsersCommand,
  SimulatePrincipalPolicyCommand,
} from '@aws-sdk/client-iam';
import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aws, CLIS, failure, sdk } from './clients.ts';
import { startGatewayFixture, type GatewayFixture } from './gateway-fixture.ts';
import { signedFetch } from './sign.ts';

let fx: GatewayFixture;
let skew = 0;
const amz = (ms: number) =>
  new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');

beforeAll(async () => {
  // The gateway's clock is injected: a test moves it, the clients keep the real time.
  fx = await startGatewayFixture({ clock: () => Date.now() + skew });
});
afterAll(() => fx?.stop());

describe('d. request expiry', () => {
  it('refuses a request signed more than 5 minutes ago with AWS wording (SDK)', async () => {
    const c = sdk(fx.url, fx.admin, { systemClockOffset: -10 * 60_000 });
    const err = await failure(c.iam.send(new ListUsersCommand({})));
    expect(err).toMatchObject({ name: 'SignatureDoesNotMatch', status: 403 });
    expect(err.message).toMatch(
      /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 5 min\.\)$/,
    );
  });

  it('EC2 answers a stale date with 400 RequestExpired in its own envelope (EC2 CommonErrors)', async () => {
    const now = Date.UTC(2026, 0, 2, 3, 4, 5);
    const signedAt = now - 6 * 60_000;
    const res = await signedFetch(
      fx.url,
      fx.admin,
      'ec2',
      'Action=DescribeInstances&Version=2016-11-15',
      {},
      new Date(signedAt),
    );
    // Judged against the real clock here (skew 0): a 2026-01-02 date is long expired.
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(text).toContain(
      '<Response><Errors><Error><Code>RequestExpired</Code><Message>Request has expired.</Message>',
    );
    // IAM keeps the SignatureDoesNotMatch wording with the exact dates.
    const iam = await signedFetch(
      fx.url,
      fx.admin,
      'iam',
      'Action=ListUsers&Version=2010-05-08',
      {},
      new Date(signedAt),
    );
    expect(iam.status).toBe(403);
    expect(await iam.text()).toContain(`Signature expired: ${amz(signedAt)} is now earlier than`);
  });

  it('STS allows 15 minutes: 10 minutes off passes, 20 minutes ahead is "not yet current"', async () => {
    skew = -10 * 60_000;
    try {
      const ok = sdk(fx.url, fx.admin);
      expect((await ok.sts.send(new GetCallerIdentityCommand({}))).Account).toBe('123456789012');
      // EC2 too (15 minutes); IAM keeps 5.
      expect((await ok.ec2.send(new DescribeInstancesCommand({}))).$metadata.httpStatusCode).toBe(
        200,
      );
      expect(await failure(ok.iam.send(new ListUsersCommand({})))).toMatchObject({
        name: 'SignatureDoesNotMatch',
      });
    } finally {
      skew = 0;
    }
  });

  it('a date in the future is "not yet current"; the CLIs print it', async () => {
    skew = -20 * 60_000; // the gateway is 20 minutes behind the client
    try {
      for (const bin of CLIS) {
        const r = await aws(
          bin,
          ['--endpoint-url', fx.url, 'sts', 'get-caller-identity'],
          fx.cliEnv(),
        );
        expect(r.stderr).toMatch(
          /An error occurred \(SignatureDoesNotMatch\) when calling the GetCallerIdentity operation: Signature not yet current: \d{8}T\d{6}Z is still later than \d{8}T\d{6}Z \(\d{8}T\d{6}Z \+ 15 min\.\)/,
        );
      }
    } finally {
      skew = 0;
    }
  });

  it('within 5 minutes is accepted, and the SDK recovers from real skew using the Date header', async () => {
    const near = sdk(fx.url, fx.admin, { systemClockOffset: -4 * 60_000 });
    expect((await near.sts.send(new GetCallerIdentityCommand({}))).Account).toBe('123456789012');
    // SDK v3 reads the gateway's Date header on the refusal and corrects its clock offset:
    // the same client's next call succeeds (as against AWS).
    const far = sdk(fx.url, fx.admin, { systemClockOffset: -30 * 60_000 });
    expect(await failure(far.sts.send(new GetCallerIdentityCommand({})))).toMatchObject({
      name: 'SignatureDoesNotMatch',
    });
    expect((await far.sts.send(new GetCallerIdentityCommand({}))).Account).toBe('123456789012');
  });
});

describe('e. x-amzn-RequestId and Date on every response', () => {
  it('the SDK sees a request id on successes and on every kind of error', async () => {
    const c = sdk(fx.url, fx.admin);
    const outputs = [
      await c.iam.send(new ListUsersCommand({})),
      await c.sts.send(new GetCallerIdentityCommand({})),
      await c.ec2.send(new DescribeInstancesCommand({})),
      await c.cloudtrail.send(new LookupEventsCommand({ MaxResults: 1 })),
    ];
    for (const o of outputs) expect(o.$metadata.requestId).toMatch(/\S{10,}/);
    const errors = [
      await failure(c.iam.send(new GetUserCommand({ UserName: 'nobody' }))),
      // moto crashes on this one: its HTML 500 page has no request id.
      await failure(
        c.iam.send(
          new SimulatePrincipalPolicyCommand({
            PolicySourceArn: fx.admin.arn,
            ActionNames: ['s3:ListBucket'],
          }),
        ),
      ),
      await failure(
        sdk(fx.url, {
          accessKeyId: 'AKIAAAAAAAAAAAAAAAAA',
          secretAccessKey: 'x'.repeat(40),
        }).ec2.send(new DescribeInstancesCommand({})),
      ),
    ];
    expect(errors.map((e) => e.name)).toEqual([
      'NoSuchEntityException',
      'InvalidAction',
      'AuthFailure',
    ]);
    for (const e of errors) expect(e.requestId).toMatch(/\S{10,}/);
  });

  it('raw responses carry both headers, and the request id matches the body', async () => {
    const cases = [
      await signedFetch(fx.url, fx.admin, 'iam', 'Action=ListUsers&Version=2010-05-08'),
      await signedFetch(fx.url, fx.admin, 'iam', 'Action=Nope&Version=2010-05-08'),
      await fetch(fx.url, { method: 'POST', body: 'Action=ListUsers' }),
    ];
    for (const res of cases) {
      const id = res.headers.get('x-amzn-requestid');
      expect(id).toBeTruthy();
      expect(Date.parse(res.headers.get('date') ?? '')).toBeGreaterThan(Date.now() - 60_000);
      expect(await res.text()).toContain(id!);
    }
  });
});
