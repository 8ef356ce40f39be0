// What a careful learner notices, fixed (issue 13): health probes in event history, identifiers,
// the runner's own user in list-users, whole-second dates, the CreateAccessKey record, regional
// event history, request ids and engine headers. One full sandbox (engine + gateway, as
// `lab sandbox start` runs it), real SDK v3 clients and both AWS CLIs.
import { LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import {
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateUserCommand,
  GetAccessKeyLastUsedCommand,
  GetUserCommand,
  ListUsersCommand,
} from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxStatus, ensureSandbox } from '../../sandbox/index.ts';
import { aws, CLIS, sdk, type Creds } from './clients.ts';
import { startGatewayFixture, type GatewayFixture } from './gateway-fixture.ts';
import { signedFetch } from './sign.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const USER_ID = /^AIDA[A-Z2-7]{17}$/;
let fx: GatewayFixture;
let bob: Creds;

beforeAll(async () => {
  fx = await startGatewayFixture();
  const sb = fx.sandbox!;
  // What `lab sandbox start/status` and `lab shell` do: probe both processes, several times.
  await sandboxStatus({ home: sb.home });
  await ensureSandbox({ home: sb.home, port: Number(new URL(sb.endpoint).port) });
  await sandboxStatus({ home: sb.home });
  const { iam } = sdk(fx.url, fx.admin, { region: 'us-east-1' });
  await iam.send(new CreateUserCommand({ UserName: 'bob' }));
  await iam.send(
    new AttachUserPolicyCommand({
      UserName: 'bob',
      PolicyArn: 'arn:aws:iam::aws:policy/IAMFullAccess',
    }),
  );
  const k = (await iam.send(new CreateAccessKeyCommand({ UserName: 'bob' }))).AccessKey!;
  bob = { accessKeyId: k.AccessKeyId!, secretAccessKey: k.SecretAccessKey! };
});
afterAll(() => fx?.stop());

const lookup = (region: string) =>
  sdk(fx.url, fx.admin, { region }).cloudtrail.send(new LookupEventsCommand({ MaxResults: 50 }));

describe('event history holds API calls only', () => {
  it('health probes of start/status never become events', async () => {
    const events = (await lookup('us-east-1')).Events!;
    expect(events.length).toBeGreaterThan(0); // the CreateUser… calls above
    expect(events.filter((e) => !e.EventName || e.EventSource === 'unknown.amazonaws.com')).toEqual(
      [],
    );
  });

  it("the runner's reads (lab check) are not events; its writes (setup, cleanup) are", async () => {
    const runner = sdk(fx.url, fx.sandbox!.runner, { region: 'us-east-1' });
    await runner.iam.send(new ListUsersCommand({}));
    await runner.iam.send(new CreateUserCommand({ UserName: 'made-by-setup' }));
    const mine = (await lookup('us-east-1')).Events!.filter((e) => e.Username === 'labrunner');
    expect(mine.map((e) => e.EventName)).toEqual(['CreateUser']);
  });

  it("the runner's reads with a learner's key (day42 checks the profile) are not events either", async () => {
    // What `lab check day42` does for the configure step: GetCallerIdentity with the profile's key.
    const asRunner = sdk(fx.url, bob, { region: 'us-east-1', customUserAgent: 'labrunner/0.1.0' });
    await asRunner.sts.send(new GetCallerIdentityCommand({}));
    await asRunner.iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: bob.accessKeyId }));
    // The learner's own call, the same one, is an event.
    await sdk(fx.url, bob, { region: 'us-east-1' }).sts.send(new GetCallerIdentityCommand({}));
    const bobs = (await lookup('us-east-1')).Events!.filter((e) => e.Username === 'bob');
    expect(bobs.map((e) => e.EventName)).toEqual(['GetCallerIdentity']);
    expect(JSON.parse(bobs[0].CloudTrailEvent!).userAgent).not.toContain('labrunner/');
  });

  it('IAM events are in us-east-1 only; lookup-events is regional', async () => {
    const east = (await lookup('us-east-1')).Events!.map((e) => e.EventName);
    expect(east).toContain('CreateAccessKey');
    const west = (await lookup('eu-west-1')).Events!.map((e) => e.EventName);
    expect(west).not.toContain('CreateAccessKey');
    expect(west).not.toContain('CreateUser');
  });

  it('CreateAccessKey is recorded like AWS: principalId the UserId, createDate "Mon D, YYYY h:mm:ss AM"', async () => {
    const ev = (await lookup('us-east-1')).Events!.find((e) => e.EventName === 'CreateAccessKey')!;
    expect(ev.EventTime!.getMilliseconds()).toBe(0);
    const doc = JSON.parse(ev.CloudTrailEvent!);
    const me = await sdk(fx.url, fx.admin).sts.send(new GetCallerIdentityCommand({}));
    expect(doc.userIdentity.principalId).toBe(me.UserId);
    expect(doc.eventTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(doc.responseElements.accessKey).toEqual({
      accessKeyId: bob.accessKeyId,
      userName: 'bob',
      status: 'Active',
      createDate: expect.stringMatching(
        /^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{1,2}, \d{4} \d{1,2}:\d\d:\d\d (AM|PM)$/,
      ),
    });
  });
});

describe('identities', () => {
  it('UserId is AIDA + 17 characters, for the sandbox admin and a new user', async () => {
    const me = await sdk(fx.url, fx.admin).sts.send(new GetCallerIdentityCommand({}));
    expect(me.UserId).toMatch(USER_ID);
    const b = await sdk(fx.url, bob).iam.send(new GetUserCommand({}));
    expect(b.User!.UserId).toMatch(USER_ID);
    expect(b.User!.UserId).not.toBe(me.UserId);
  });

  it.each(CLIS)(
    '%s iam list-users: no labrunner, AIDA ids, CreateDate in whole seconds',
    async (bin) => {
      const r = await aws(bin, ['--endpoint-url', fx.url, 'iam', 'list-users'], fx.cliEnv(bob));
      expect(r.code).toBe(0);
      const users = JSON.parse(r.stdout).Users as {
        UserName: string;
        UserId: string;
        CreateDate: string;
      }[];
      expect(users.map((u) => u.UserName).sort()).toEqual([
        'bob',
        'made-by-setup',
        'sandbox-admin',
      ]);
      for (const u of users) {
        expect(u.UserId).toMatch(USER_ID);
        // v1 prints `2026-11-29T11:41:06Z`, v2 `2026-11-29T11:41:06+00:00` (aws-cli list-users.rst).
        expect(u.CreateDate).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|\+00:00)$/);
      }
    },
  );

  it('LastUsedDate has whole seconds (aws-cli get-access-key-last-used.rst)', async () => {
    const out = await sdk(fx.url, bob).iam.send(
      new GetAccessKeyLastUsedCommand({ AccessKeyId: bob.accessKeyId }),
    );
    expect(out.AccessKeyLastUsed!.LastUsedDate).toBeInstanceOf(Date);
    expect(out.AccessKeyLastUsed!.LastUsedDate!.getMilliseconds()).toBe(0);
  });

  it('the runner user is hidden from list-users, not gone (get-user answers; the runner lists it)', async () => {
    const seen = await sdk(fx.url, bob).iam.send(new GetUserCommand({ UserName: 'labrunner' }));
    expect(seen.User!.UserName).toBe('labrunner');
    const runner = fx.sandbox!.runner;
    const r = await aws(
      CLIS[0],
      ['--endpoint-url', fx.url, 'iam', 'list-users'],
      fx.cliEnv(runner),
    );
    expect(JSON.parse(r.stdout).Users.map((u: { UserName: string }) => u.UserName)).toContain(
      'labrunner',
    );
  });
});

describe('request ids and headers', () => {
  it('forwarded answers carry a UUID request id and no engine headers', async () => {
    const cases = [
      await signedFetch(fx.url, fx.admin, 'iam', 'Action=ListUsers&Version=2010-05-08'),
      await signedFetch(fx.url, fx.admin, 'sts', 'Action=GetCallerIdentity&Version=2011-06-15'),
      await signedFetch(
        fx.url,
        fx.admin,
        'iam',
        'Action=GetUser&UserName=nobody&Version=2010-05-08',
      ),
    ];
    for (const res of cases) {
      const id = res.headers.get('x-amzn-requestid')!;
      expect(id).toMatch(UUID);
      expect(await res.text()).toContain(`<RequestId>${id}</RequestId>`);
      expect(res.headers.get('server')).toBeNull();
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
    }
  });
});
