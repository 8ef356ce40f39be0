// Request validation from botocore's models (sandbox/gateway/validate/), through the real SDK v3
// clients: for every operation the labs' solve scripts and the fidelity rows use, inputs generated
// from the model with one member broken (./validate-cases.ts) get the protocol's validation error,
// and the generated valid input is not refused by validation. A sample runs through both CLIs.
import * as cloudtrailSdk from '@aws-sdk/client-cloudtrail';
import * as ec2Sdk from '@aws-sdk/client-ec2';
import * as iamSdk from '@aws-sdk/client-iam';
import * as s3Sdk from '@aws-sdk/client-s3';
import * as stsSdk from '@aws-sdk/client-sts';
import {
  CreateAccessKeyCommand,
  CreateUserCommand,
  ListAccessKeysCommand,
} from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aws, CLIS, failure, sdk } from './clients.ts';
import {
  REGION,
  startGatewayFixture,
  testModelsDir,
  type GatewayFixture,
} from './gateway-fixture.ts';
import { casesFor, type Case } from './validate-cases.ts';
import { modelStore } from '../../sandbox/gateway/validate/models.ts';
import { scaled } from '../helpers/timeouts.ts';

let fx: GatewayFixture;
beforeAll(async () => {
  fx = await startGatewayFixture();
}, scaled(60_000));
afterAll(async () => {
  await fx?.stop();
});

// LookupEvents is answered by the gateway itself with CloudTrail's own exceptions
// (InvalidMaxResultsException…: sandbox/gateway/cloudtrail/lookup-events.ts, covered by
// gateway-cloudtrail.test.ts), not by the generic validation.
const OWN = new Set(['cloudtrail.LookupEvents']);
const { ops, cases } = casesFor(testModelsDir());
// Operations sent as HTTP HEAD, from the models themselves.
const HEADS = new Set(
  ops
    .filter(([svc, op]) => modelStore(testModelsDir())(svc)?.operations[op].http?.method === 'HEAD')
    .map(([svc, op]) => `${svc}.${op}`),
);
const PACKAGES: Record<string, Record<string, unknown>> = {
  iam: iamSdk,
  sts: stsSdk,
  ec2: ec2Sdk,
  s3: s3Sdk,
  cloudtrail: cloudtrailSdk,
};
type Client = { send(c: unknown): Promise<unknown> };

function client(service: string): Client {
  const creds = fx.admin;
  if (service === 's3') {
    return new s3Sdk.S3Client({
      endpoint: fx.url,
      region: 'us-east-1',
      credentials: creds,
      forcePathStyle: true,
      maxAttempts: 1,
    }) as Client;
  }
  return (sdk(fx.url, creds) as Record<string, Client>)[service];
}

function send(service: string, operation: string, input: Record<string, unknown>) {
  const Command = PACKAGES[service][`${operation}Command`] as new (i: unknown) => unknown;
  if (!Command) throw new Error(`@aws-sdk/client-${service} has no ${operation}Command`);
  return client(service).send(new Command(input));
}

const lowerCamel = (s: string) => s[0].toLowerCase() + s.slice(1);
const IAM_NAMES = /^(UserName|GroupName|RoleName)$/;

/** The error each protocol answers for the case, as sandbox/gateway/validate/answer.ts cites. */
function expected(c: Case): { name: string; message?: RegExp } {
  const path = lowerCamel(c.member);
  if (c.service === 'iam' || c.service === 'sts') {
    // An empty name breaks IAM's name pattern too, and IAM's own name message wins.
    const nameRule = c.kind === 'pattern' || (c.kind === 'minLength' && c.input[c.member] === '');
    if (c.service === 'iam' && nameRule && IAM_NAMES.test(c.member)) {
      return {
        name: 'ValidationError',
        message: new RegExp(
          `^The specified value for ${path} is invalid\\. It must contain only alphanumeric characters and/or the following: \\+=,\\.@_-$`,
        ),
      };
    }
    return {
      name: 'ValidationError',
      message:
        c.kind === 'required'
          ? new RegExp(
              `^1 validation error detected: Value null at '${path}' failed to satisfy constraint: Member must not be null$`,
            )
          : new RegExp(
              `^\\d+ validation errors? detected: Value .*at '${path}' failed to satisfy constraint: Member must `,
            ),
    };
  }
  if (c.service === 'ec2') {
    if (c.kind === 'required') {
      return { name: 'MissingParameter', message: /^The request must contain the parameter \w+$/ };
    }
    if (c.kind === 'filter')
      return { name: 'InvalidParameterValue', message: /^The filter 'nonsense' is invalid$/ };
    return { name: 'InvalidParameterValue' };
  }
  if (c.service === 's3') {
    if (c.location === 'payload') {
      return { name: c.kind === 'required' ? 'MissingRequestBodyError' : 'MalformedXML' };
    }
    return { name: 'InvalidArgument' };
  }
  return { name: 'ValidationException', message: /^\d+ validation errors? detected: / };
}

describe('generated invalid inputs, every operation the labs use (SDK v3)', () => {
  it('the operations come from the solve scripts and the fidelity rows, and each gets cases', () => {
    const names = ops.map(([s, o]) => `${s}.${o}`);
    // The labs' own calls, as a reader of labs/*/solve.mjs would list them.
    for (const must of [
      'iam.UpdateAccessKey',
      'iam.CreateUser',
      'ec2.RunInstances',
      'ec2.DescribeInstances',
      's3.CreateBucket',
      's3.PutBucketPolicy',
      'sts.GetCallerIdentity',
    ]) {
      expect(names).toContain(must);
    }
    // An operation without cases has nothing in its model to break: no required member outside
    // the URI, no enum, no bound, no pattern on its top-level members (checked here on the model).
    const models = modelStore(testModelsDir());
    for (const [s, o] of ops) {
      if (cases.some((c) => c.service === s && c.operation === o)) continue;
      const model = models(s)!;
      const input = model.operations[o].input;
      const top = input ? model.shapes[input.shape] : undefined;
      for (const [name, m] of Object.entries(top?.members ?? {})) {
        const shape = model.shapes[m.shape];
        const breakable =
          (top!.required?.includes(name) && m.location !== 'uri') ||
          (shape.type !== 'list' &&
            (shape.enum || shape.pattern || shape.min || shape.max !== undefined));
        expect.soft(breakable, `${s}.${o}.${name}`).toBeFalsy();
      }
    }
    expect(cases.length).toBeGreaterThan(100);
  });

  // S3's ChecksumAlgorithm: SDK v3 computes the checksum itself and refuses an unknown algorithm
  // before sending anything, so no such request can reach the gateway from it.
  const run = cases.filter(
    (c) => !OWN.has(`${c.service}.${c.operation}`) && c.member !== 'ChecksumAlgorithm',
  );
  it.each(run.map((c) => [`${c.service} ${c.operation} ${c.member}: ${c.kind}`, c] as const))(
    '%s',
    async (_, c) => {
      const err = await failure(send(c.service, c.operation, c.input));
      const want = expected(c);
      if (HEADS.has(`${c.service}.${c.operation}`)) {
        // A HEAD answer has no body (RFC 9110 §9.3.2), so S3 can send only the status: "the HEAD
        // request does not return a response body" (minio/minio#17283, on S3's HeadObject and
        // HeadBucket). The SDK cannot read a code from it; the 400 is what the learner sees.
        expect(err.status).toBe(400);
        return;
      }
      expect({ name: err.name, status: err.status }).toEqual({ name: want.name, status: 400 });
      if (want.message) expect(err.message).toMatch(want.message);
    },
  );
});

describe('the generated valid inputs are not refused by validation', () => {
  // What the engine then answers (NoSuchEntity, a missing bucket…) is its business; only the
  // validation errors must not appear.
  const OURS =
    /^(ValidationError|ValidationException|MissingParameter|MalformedXML|InvalidArgument|MissingRequestBodyError)$/;
  const bases = new Map<string, Case>();
  for (const c of cases) {
    const key = `${c.service}.${c.operation}`;
    if (!bases.has(key) && !OWN.has(key)) bases.set(key, c);
  }
  it.each([...bases.keys()])('%s', async (key) => {
    const c = bases.get(key)!;
    const input = c.base;
    try {
      await send(c.service, c.operation, input);
    } catch (e) {
      const err = e as Error;
      expect(err.name).not.toMatch(OURS);
      expect(err.message).not.toMatch(/validation errors? detected|The filter '.*' is invalid/);
    }
  });
});

describe('update-access-key --status inactive (issue 18, item 3)', () => {
  it('is a ValidationError through the SDK and both CLIs, and the key keeps working', async () => {
    const { iam } = sdk(fx.url, fx.admin);
    await iam.send(new CreateUserCommand({ UserName: 'val-sarah' }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'val-sarah' }))).AccessKey!;
    const message =
      "1 validation error detected: Value 'inactive' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Active, Inactive]";
    const err = await failure(
      iam.send(
        new iamSdk.UpdateAccessKeyCommand({
          UserName: 'val-sarah',
          AccessKeyId: key.AccessKeyId,
          Status: 'inactive' as iamSdk.StatusType,
        }),
      ),
    );
    expect(err).toMatchObject({ name: 'ValidationError', status: 400, message });
    for (const bin of CLIS) {
      const r = await aws(
        bin,
        [
          '--endpoint-url',
          fx.url,
          'iam',
          'update-access-key',
          '--user-name',
          'val-sarah',
          '--access-key-id',
          key.AccessKeyId!,
          '--status',
          'inactive',
        ],
        fx.cliEnv(),
      );
      expect(r.code, bin).toBe(bin === 'aws' ? 255 : 254);
      expect(r.stderr).toContain(
        `An error occurred (ValidationError) when calling the UpdateAccessKey operation: ${message}`,
      );
    }
    const keys = await iam.send(new ListAccessKeysCommand({ UserName: 'val-sarah' }));
    expect(keys.AccessKeyMetadata![0].Status).toBe('Active');
    // …and the key still signs requests.
    const own = sdk(fx.url, {
      accessKeyId: key.AccessKeyId!,
      secretAccessKey: key.SecretAccessKey!,
    });
    await expect(own.sts.send(new stsSdk.GetCallerIdentityCommand({}))).resolves.toMatchObject({
      Arn: expect.stringContaining('user/val-sarah'),
    });
  });
});

describe('EC2 and engine gaps through both CLIs', () => {
  const cli = (bin: string, args: string[]) =>
    aws(bin, ['--endpoint-url', fx.url, '--region', REGION, ...args], fx.cliEnv());

  it.each(CLIS)('%s: describe-instances --max-results 2 and an unknown filter', async (bin) => {
    const small = await cli(bin, ['ec2', 'describe-instances', '--max-results', '2']);
    expect(small.stderr).toContain(
      'An error occurred (InvalidParameterValue) when calling the DescribeInstances operation: Value ( 2 ) for parameter maxResults is invalid. Expecting a value greater than 5.',
    );
    const filter = await cli(bin, [
      'ec2',
      'describe-instances',
      '--filters',
      'Name=nonsense,Values=x',
    ]);
    expect(filter.stderr).toContain(
      "An error occurred (InvalidParameterValue) when calling the DescribeInstances operation: The filter 'nonsense' is invalid",
    );
    // A documented filter still works.
    const ok = await cli(bin, [
      'ec2',
      'describe-instances',
      '--filters',
      'Name=instance-state-name,Values=running',
    ]);
    expect(ok.code, ok.stderr).toBe(0);
  });

  it.each(CLIS)(
    '%s: simulate-principal-policy answers InvalidAction in one request, no retries',
    async (bin) => {
      const r = await cli(bin, [
        'iam',
        'simulate-principal-policy',
        '--policy-source-arn',
        fx.admin.arn,
        '--action-names',
        's3:GetObject',
        '--debug',
      ]);
      expect(r.code).toBe(bin === 'aws' ? 255 : 254);
      expect(r.stderr).toMatch(
        /An error occurred \(InvalidAction\) when calling the SimulatePrincipalPolicy operation: Operation \(SimulatePrincipalPolicy\) is not supported in this sandbox\. .*does not implement it/,
      );
      // One HTTP request: a 500 would have been retried (v1: up to 5 attempts, v2: 3).
      expect(r.stderr.match(/Sending http request/g)?.length ?? 0).toBe(1);
    },
  );

  it.each(CLIS)('%s: s3api create-bucket --acl privatee is InvalidArgument', async (bin) => {
    const r = await cli(bin, [
      's3api',
      'create-bucket',
      '--bucket',
      'val-acl',
      '--acl',
      'privatee',
    ]);
    expect(r.code).toBe(bin === 'aws' ? 255 : 254);
    expect(r.stderr).toContain(
      'An error occurred (InvalidArgument) when calling the CreateBucket operation',
    );
  });
});
