// CloudTrail LookupEvents served from the activity log: what a learner did with the CLI, seen
// through @aws-sdk/client-cloudtrail and `aws cloudtrail lookup-events`, filtered and paginated.
import { LookupEventsCommand, type LookupEventsCommandInput } from '@aws-sdk/client-cloudtrail';
import {
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateUserCommand,
} from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aws, CLIS, failure, sdk, type Creds } from './clients.ts';
import { startGatewayFixture, type GatewayFixture } from './gateway-fixture.ts';
import { nextSecond } from '../helpers/clock.ts';

let fx: GatewayFixture;
let alice: Creds;
let before: Date;
/** After the learner's calls (+1 s, as the CLI sends whole seconds): later lookups are excluded. */
let after: Date;
const ARN = 'arn:aws:iam::123456789012:user/alice';
// Event history is regional and IAM/STS events live in us-east-1's (cloudtrail/global-region.ts):
// the learner works in us-east-1 here so one history holds all three calls.
const HOME_REGION = 'us-east-1';
const cliEnv = (creds?: Creds) => ({ ...fx.cliEnv(creds), AWS_DEFAULT_REGION: HOME_REGION });

beforeAll(async () => {
  fx = await startGatewayFixture();
  const { iam } = sdk(fx.url, fx.admin);
  await iam.send(new CreateUserCommand({ UserName: 'alice' }));
  await iam.send(
    new AttachUserPolicyCommand({
      UserName: 'alice',
      PolicyArn: 'arn:aws:iam::aws:policy/IAMFullAccess',
    }),
  );
  const k = (await iam.send(new CreateAccessKeyCommand({ UserName: 'alice' }))).AccessKey!;
  alice = { accessKeyId: k.AccessKeyId!, secretAccessKey: k.SecretAccessKey! };
  before = new Date(Date.now() - 1000);
  // What the learner does, with the real CLI.
  const env = cliEnv(alice);
  expect((await aws('aws', ['--endpoint-url', fx.url, 'iam', 'list-users'], env)).code).toBe(0);
  expect(
    (await aws('aws', ['--endpoint-url', fx.url, 'ec2', 'describe-instances'], env)).code,
  ).toBeGreaterThan(0);
  expect(
    (await aws('aws', ['--endpoint-url', fx.url, 'sts', 'get-caller-identity'], env)).code,
  ).toBe(0);
  await nextSecond(); // event times have whole seconds: `after` is a later one
  after = new Date();
});
afterAll(() => fx?.stop());

const lookup = (input: LookupEventsCommandInput) =>
  sdk(fx.url, fx.admin, { region: HOME_REGION }).cloudtrail.send(new LookupEventsCommand(input));
const byUser = {
  LookupAttributes: [{ AttributeKey: 'Username' as const, AttributeValue: 'alice' }],
};

describe('LookupEvents through the SDK', () => {
  it("shows the learner's calls newest first, in AWS's shapes", async () => {
    const out = await lookup(byUser);
    expect(out.Events!.map((e) => e.EventName)).toEqual([
      'GetCallerIdentity',
      'DescribeInstances',
      'ListUsers',
    ]);
    expect(out.NextToken).toBeUndefined();
    const [sts, ec2, iam] = out.Events!;
    expect(ec2).toMatchObject({
      EventSource: 'ec2.amazonaws.com',
      ReadOnly: 'true',
      AccessKeyId: alice.accessKeyId,
      Username: 'alice',
    });
    expect(ec2.EventTime).toBeInstanceOf(Date);
    expect(ec2.EventTime!.getTime()).toBeGreaterThanOrEqual(before.getTime());
    expect(iam.EventSource).toBe('iam.amazonaws.com');
    expect(sts.EventSource).toBe('sts.amazonaws.com');
    const doc = JSON.parse(ec2.CloudTrailEvent!);
    expect(doc).toMatchObject({
      eventVersion: expect.any(String),
      userIdentity: {
        type: 'IAMUser',
        arn: ARN,
        accountId: '123456789012',
        accessKeyId: alice.accessKeyId,
        userName: 'alice',
      },
      eventSource: 'ec2.amazonaws.com',
      eventName: 'DescribeInstances',
      awsRegion: HOME_REGION,
      sourceIPAddress: '127.0.0.1',
      errorCode: 'Client.UnauthorizedOperation',
      readOnly: true,
      eventType: 'AwsApiCall',
      recipientAccountId: '123456789012',
      eventID: ec2.EventId,
    });
    expect(doc.errorMessage).toContain(
      'because no identity-based policy allows the ec2:DescribeInstances action',
    );
    expect(doc.userAgent).toMatch(/^aws-cli\/1\./);
    // AWS's record of this denial (a captured one: bluemountaincyber/building-detections-aws):
    // the user's unique id as principalId, and both request sets, empty.
    expect(doc.userIdentity.principalId).toMatch(/^AIDA[A-Z2-7]{17}$/);
    expect(doc.requestParameters).toEqual({ instancesSet: {}, filterSet: {} });
    expect(ec2.EventTime!.getMilliseconds()).toBe(0);
    expect(doc.requestID).toMatch(/\S{10,}/);
    expect(doc.eventTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(JSON.parse(iam.CloudTrailEvent!).errorCode).toBeUndefined();
    const [created] = (
      await lookup({
        LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'CreateAccessKey' }],
      })
    ).Events!;
    const createDoc = JSON.parse(created.CloudTrailEvent!);
    expect(createDoc.requestParameters).toEqual({ userName: 'alice' });
    expect(createDoc.responseElements.accessKey).toMatchObject({
      accessKeyId: alice.accessKeyId,
      userName: 'alice',
      status: 'Active',
    });
    expect(created.CloudTrailEvent).not.toContain(alice.secretAccessKey);
  });

  it('filters by each lookup attribute', async () => {
    const names = async (AttributeKey: string, AttributeValue: string) =>
      (
        await lookup({
          LookupAttributes: [{ AttributeKey: AttributeKey as 'EventName', AttributeValue }],
        })
      ).Events!.map((e) => `${e.EventName}:${e.Username}`);
    expect(await names('EventName', 'CreateUser')).toEqual(['CreateUser:sandbox-admin']);
    expect(await names('AccessKeyId', alice.accessKeyId)).toEqual([
      'GetCallerIdentity:alice',
      'DescribeInstances:alice',
      'ListUsers:alice',
    ]);
    expect(await names('EventSource', 'ec2.amazonaws.com')).toEqual(['DescribeInstances:alice']);
    expect(await names('ResourceName', 'alice')).toEqual([
      'CreateAccessKey:sandbox-admin',
      'AttachUserPolicy:sandbox-admin',
      'CreateUser:sandbox-admin',
    ]);
    expect(await names('ResourceType', 'AWS::IAM::Policy')).toEqual([
      'AttachUserPolicy:sandbox-admin',
    ]);
    const writes = await names('ReadOnly', 'false');
    expect(writes).toEqual([
      'CreateAccessKey:sandbox-admin',
      'AttachUserPolicy:sandbox-admin',
      'CreateUser:sandbox-admin',
    ]);
    const one = (await lookup(byUser)).Events![1];
    expect(await names('EventId', one.EventId!)).toEqual(['DescribeInstances:alice']);
    const res = (
      await lookup({
        LookupAttributes: [{ AttributeKey: 'ResourceName', AttributeValue: 'alice' }],
      })
    ).Events![2];
    expect(res.Resources).toEqual([{ ResourceType: 'AWS::IAM::User', ResourceName: 'alice' }]);
  });

  it('paginates with MaxResults and NextToken, and honours StartTime/EndTime', async () => {
    const seen: string[] = [];
    let NextToken: string | undefined;
    let pages = 0;
    do {
      const page = await lookup({ ...byUser, MaxResults: 1, NextToken });
      seen.push(...page.Events!.map((e) => e.EventId!));
      NextToken = page.NextToken;
      pages++;
    } while (NextToken);
    expect(seen).toHaveLength(3);
    expect(new Set(seen).size).toBe(3);
    expect(pages).toBeGreaterThanOrEqual(3);
    const all = (await lookup(byUser)).Events!;
    const middle = all[1].EventTime!;
    const upToMiddle = await lookup({ ...byUser, EndTime: middle });
    expect(upToMiddle.Events!.every((e) => e.EventTime!.getTime() <= middle.getTime())).toBe(true);
    expect(upToMiddle.Events!.map((e) => e.EventName)).toContain('ListUsers');
    const future = await lookup({
      ...byUser,
      StartTime: new Date(Date.now() - 1),
      EndTime: new Date(Date.now()),
    });
    expect(future.Events).toEqual([]);
    const old = await lookup({ StartTime: new Date(0), EndTime: before });
    expect(old.Events!.map((e) => e.EventName)).not.toContain('GetCallerIdentity');
  });

  it('rejects bad input the way CloudTrail does', async () => {
    expect(await failure(lookup({ MaxResults: 51 }))).toMatchObject({
      name: 'InvalidMaxResultsException',
      status: 400,
    });
    expect(await failure(lookup({ NextToken: 'bogus' }))).toMatchObject({
      name: 'InvalidNextTokenException',
    });
    expect(
      await failure(
        lookup({
          LookupAttributes: [
            { AttributeKey: 'Username', AttributeValue: 'a' },
            { AttributeKey: 'EventName', AttributeValue: 'b' },
          ],
        }),
      ),
    ).toMatchObject({ name: 'InvalidLookupAttributesException' });
    expect(
      await failure(lookup({ StartTime: new Date(2000), EndTime: new Date(1000) })),
    ).toMatchObject({
      name: 'InvalidTimeRangeException',
    });
  });
});

describe('LookupEvents is authenticated and authorised', () => {
  it('a user without cloudtrail:LookupEvents is denied with AWS wording', async () => {
    const err = await failure(sdk(fx.url, alice).cloudtrail.send(new LookupEventsCommand({})));
    expect(err).toMatchObject({
      name: 'AccessDeniedException',
      status: 403,
      message: `User: ${ARN} is not authorized to perform: cloudtrail:LookupEvents because no identity-based policy allows the cloudtrail:LookupEvents action`,
    });
  });

  it('a forged signature (right key id, wrong secret) sees no events', async () => {
    const forged = { accessKeyId: fx.admin.accessKeyId, secretAccessKey: 'A'.repeat(40) };
    const err = await failure(sdk(fx.url, forged).cloudtrail.send(new LookupEventsCommand({})));
    expect(err).toMatchObject({ name: 'InvalidSignatureException', status: 403 });
    expect(err.message).toContain('The request signature we calculated does not match');
    const unknown = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'A'.repeat(40) };
    expect(
      await failure(sdk(fx.url, unknown).cloudtrail.send(new LookupEventsCommand({}))),
    ).toMatchObject({
      name: 'UnrecognizedClientException',
      message: 'The security token included in the request is invalid.',
    });
  });
});

describe.each(CLIS)('aws cloudtrail lookup-events (%s)', (bin) => {
  it('filters and paginates', async () => {
    const base = [
      '--endpoint-url',
      fx.url,
      'cloudtrail',
      'lookup-events',
      '--lookup-attributes',
      'AttributeKey=Username,AttributeValue=alice',
      '--end-time',
      after.toISOString(),
    ];
    // --page-size 1 makes the CLI follow NextToken page by page and merge the results.
    const all = await aws(bin, [...base, '--page-size', '1'], cliEnv());
    expect(all.stderr).toBe('');
    const events = JSON.parse(all.stdout).Events as {
      EventName: string;
      CloudTrailEvent: string;
    }[];
    expect(events.map((e) => e.EventName)).toEqual([
      'GetCallerIdentity',
      'DescribeInstances',
      'ListUsers',
    ]);
    expect(JSON.parse(events[1].CloudTrailEvent).errorCode).toBe('Client.UnauthorizedOperation');
    const two = JSON.parse((await aws(bin, [...base, '--max-items', '2'], cliEnv())).stdout);
    expect(two.Events).toHaveLength(2);
    expect(two.NextToken).toBeTruthy();
    const rest = JSON.parse(
      (await aws(bin, [...base, '--starting-token', two.NextToken], cliEnv())).stdout,
    );
    expect(rest.Events.map((e: { EventName: string }) => e.EventName)).toEqual(['ListUsers']);
  });

  it('prints the denial line for a user who may not look events up', async () => {
    const r = await aws(
      bin,
      ['--endpoint-url', fx.url, 'cloudtrail', 'lookup-events'],
      fx.cliEnv(alice),
    );
    expect(r.stderr).toContain(
      `An error occurred (AccessDeniedException) when calling the LookupEvents operation: User: ${ARN} is not authorized to perform: cloudtrail:LookupEvents`,
    );
  });
});
