// The gateway's surface is exactly the AWS API, and the engine trusts only the gateway
// (docs/security.md). Every attack here worked on the sandbox before: reading every secret key
// through `/%6Doto-api/data.json`, wiping the account through `/%6Doto-api/reset`, reading
// answers from any web page (moto echoed the Origin), DNS rebinding, and skipping the gateway's
// checks by calling the engine's own port.
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { CreateUserCommand, GetUserCommand, ListUsersCommand } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { layout } from '../../sandbox/lifecycle/layout.ts';
import { readRun } from '../../sandbox/lifecycle/state.ts';
import { adminClients, startTestSandbox, type TestSandbox } from '../helpers/sandbox.ts';
import { rawRequest, type RawAnswer } from './raw-http.ts';

let sb: TestSandbox;
let gw: URL;
let engineUrl: string;

beforeAll(async () => {
  sb = await startTestSandbox();
  gw = new URL(sb.endpoint);
  engineUrl = `http://127.0.0.1:${readRun(layout(sb.home)).engine!.port}`;
  await adminClients(sb).iam.send(new CreateUserCommand({ UserName: 'canary' }));
});
afterAll(() => sb?.stop());

/** Nothing any answer may ever contain: the secret access keys of the sandbox's identities. */
function expectNoSecret(a: RawAnswer) {
  const text = JSON.stringify(a.headers) + a.body;
  expect(text).not.toContain(sb.learner.secretAccessKey);
  expect(text).not.toContain(sb.runner.secretAccessKey);
}

/** The account is as it was: the canary user and the admin's key still work. */
async function expectAccountIntact() {
  const iam = adminClients(sb).iam;
  const user = await iam.send(new GetUserCommand({ UserName: 'canary' }));
  expect(user.User!.UserName).toBe('canary');
}

/** A presigned query string made of a made-up key id and a zero signature. */
function fakePresign(service: string): string {
  const now = new Date()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  return new URLSearchParams({
    'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
    'X-Amz-Credential': `AKIAFAKEFAKEFAKE0000/${now.slice(0, 8)}/us-east-1/${service}/aws4_request`,
    'X-Amz-Date': now,
    'X-Amz-Expires': '300',
    'X-Amz-SignedHeaders': 'host',
    'X-Amz-Signature': '0'.repeat(64),
  }).toString();
}

async function signedHeaders(
  opts: { host: string; service?: string; body?: string; date?: Date; path?: string },
  creds = sb.learner,
) {
  const signer = new SignatureV4({
    credentials: creds,
    region: 'us-east-1',
    service: opts.service ?? 'sts',
    sha256: Sha256,
  });
  const signed = await signer.sign(
    {
      method: 'POST',
      protocol: 'http:',
      hostname: opts.host.split(':')[0],
      path: opts.path ?? '/',
      headers: {
        host: opts.host,
        'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
      },
      body: opts.body ?? 'Action=GetCallerIdentity&Version=2011-06-15',
    },
    { signingDate: opts.date },
  );
  const { host: _, ...headers } = signed.headers;
  return headers;
}

// Spellings of the engine's control paths that the engine or moto's dispatcher would
// route to them: percent-encoding (once, twice, thrice), case, repeated slashes, dot
// segments (plain and encoded), backslashes, an encoded slash, and moto's prefix match.
const SMUGGLED = [
  '/moto-api/data.json',
  '/%6Doto-api/data.json',
  '/%6doto-api/data.json',
  '//%6doto-api/data.json',
  '/%256Doto-api/data.json',
  '/%25256Doto-api/data.json',
  '/MOTO-API/data.json',
  '/Moto-Api/data.json',
  '/x/../moto-api/data.json',
  '/./moto-api/data.json',
  '/%2e%2e/moto-api/data.json',
  '/a/%2E%2E/moto-api/data.json',
  '\\moto-api/data.json',
  '/%5Cmoto-api/data.json',
  '/moto-api%2Fdata.json',
  '/moto-apix',
  '/%2F%2Fmoto-api/data.json',
  '/_labrunner/whois?accessKeyId=AKIA',
  '/%5Flabrunner/whois',
  '/%5flabrunner/health',
  '//_labrunner/health',
  '/latest/meta-data/iam/security-credentials/',
  '/%6Catest/api/token',
  '/favicon.ico',
];

describe('through the gateway', () => {
  it('no spelling of the control paths reads state or wipes the account', async () => {
    for (const service of ['foo', 's3', 'iam', 'sts']) {
      for (const path of SMUGGLED) {
        const sep = path.includes('?') ? '&' : '?';
        for (const [method, tail] of [
          ['GET', ''],
          ['POST', '/reset'],
        ]) {
          const target = path.replace(/data\.json$/, '') + tail + sep + fakePresign(service);
          const a = await rawRequest(sb.endpoint, { method, target });
          expect([400, 403, 404], `${method} ${target} → ${a.status} ${a.body}`).toContain(
            a.status,
          );
          expectNoSecret(a);
          expect(a.body).not.toMatch(/"iam"|moto|Traceback/i);
        }
      }
    }
    // Signed with the admin's real key, as a learner's own script (or a leaked key) would.
    for (const path of SMUGGLED.slice(0, 12)) {
      const a = await rawRequest(sb.endpoint, {
        method: 'POST',
        target: path.replace('data.json', 'reset'),
        headers: await signedHeaders({ host: gw.host, service: 'iam', body: '' }),
      });
      expect([400, 403, 404], `${path} → ${a.status}`).toContain(a.status);
      expectNoSecret(a);
    }
    // The absolute form names another authority for the engine: refused.
    const abs = await rawRequest(sb.endpoint, {
      target: `http://127.0.0.1:${gw.port}/moto-api/data.json?${fakePresign('foo')}`,
    });
    expect(abs.status).toBe(400);
    await expectAccountIntact();
  });

  it('forwards only signed requests for the services it serves', async () => {
    const lambda = await rawRequest(sb.endpoint, {
      method: 'POST',
      target: '/',
      headers: await signedHeaders({ host: gw.host, service: 'lambda' }),
      body: 'Action=GetCallerIdentity&Version=2011-06-15',
    });
    expect(lambda.status).toBe(400);
    expect(lambda.body).toContain('UnsupportedService');
    // IAM/STS/EC2 live at `/`; another path is not their API.
    const other = await rawRequest(sb.endpoint, {
      method: 'POST',
      target: '/iam/',
      headers: await signedHeaders({
        host: gw.host,
        service: 'iam',
        path: '/iam/',
        body: 'Action=ListUsers&Version=2010-05-08',
      }),
      body: 'Action=ListUsers&Version=2010-05-08',
    });
    expect(other.status).toBe(404);
    // An unsigned or anonymous request is refused before the engine is asked.
    const unsigned = await rawRequest(sb.endpoint, {
      method: 'POST',
      target: '/',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=CreateUser&UserName=intruder&Version=2010-05-08',
    });
    expect(unsigned.status).toBe(403);
    const users = await adminClients(sb).iam.send(new ListUsersCommand({}));
    expect(users.Users!.map((u) => u.UserName)).not.toContain('intruder');
  });

  it('refuses forged, tampered and old signatures', async () => {
    const good = await signedHeaders({ host: gw.host });
    const ok = await rawRequest(sb.endpoint, {
      method: 'POST',
      target: '/',
      headers: good,
      body: 'Action=GetCallerIdentity&Version=2011-06-15',
    });
    expect(ok.status).toBe(200);
    // Replayed with another body (the signature covers the body's hash).
    const tampered = await rawRequest(sb.endpoint, {
      method: 'POST',
      target: '/',
      headers: await signedHeaders({
        host: gw.host,
        service: 'iam',
        body: 'Action=ListUsers&Version=2010-05-08',
      }),
      body: 'Action=CreateUser&UserName=replayed&Version=2010-05-08',
    });
    expect(tampered.status).toBe(403);
    expect(tampered.body).toContain('SignatureDoesNotMatch');
    // A real key id with a made-up signature.
    const forged = await rawRequest(sb.endpoint, {
      method: 'POST',
      target: '/',
      headers: {
        ...good,
        authorization: good.authorization.replace(/Signature=\w+/, `Signature=${'f'.repeat(64)}`),
      },
      body: 'Action=GetCallerIdentity&Version=2011-06-15',
    });
    expect(forged.status).toBe(403);
    expect(forged.body).toContain('SignatureDoesNotMatch');
    // Captured 20 minutes ago and replayed now.
    const old = await rawRequest(sb.endpoint, {
      method: 'POST',
      target: '/',
      headers: await signedHeaders({ host: gw.host, date: new Date(Date.now() - 20 * 60_000) }),
      body: 'Action=GetCallerIdentity&Version=2011-06-15',
    });
    expect(old.status).toBe(403);
    expect(old.body).toContain('Signature expired');
    for (const a of [tampered, forged, old]) expectNoSecret(a);
    const users = await adminClients(sb).iam.send(new ListUsersCommand({}));
    expect(users.Users!.map((u) => u.UserName)).not.toContain('replayed');
  });

  it('a chunked S3 upload without its decoded length is refused as S3 does, not a 500', async () => {
    const now = new Date()
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d{3}/, '');
    const headers = {
      'x-amz-date': now,
      'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
      authorization: `AWS4-HMAC-SHA256 Credential=${sb.learner.accessKeyId}/${now.slice(0, 8)}/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'0'.repeat(64)}`,
    };
    const bare = await rawRequest(sb.endpoint, {
      method: 'PUT',
      target: '/any-bucket/key',
      headers,
      body: 'garbage',
    });
    expect(bare.status, bare.body).toBe(403);
    expect(bare.body).toContain('<Code>SignatureDoesNotMatch</Code>');
    // With the length stated, a malformed body is the signature check's to refuse, still no 5xx.
    const stated = await rawRequest(sb.endpoint, {
      method: 'PUT',
      target: '/any-bucket/key',
      headers: { ...headers, 'x-amz-decoded-content-length': '5' },
      body: 'zz;chunk-signature=abc',
    });
    expect(stated.status, stated.body).toBeGreaterThanOrEqual(400);
    expect(stated.status, stated.body).toBeLessThan(500);
  });

  it('approves no cross-origin read: no Access-Control-* header, not even on success', async () => {
    const evil = 'http://evil.example';
    const preflight = await rawRequest(sb.endpoint, {
      method: 'OPTIONS',
      target: '/',
      headers: {
        origin: evil,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,x-amz-date',
      },
    });
    expect(preflight.status).toBeGreaterThanOrEqual(400);
    const ok = await rawRequest(sb.endpoint, {
      method: 'POST',
      target: '/',
      headers: { ...(await signedHeaders({ host: gw.host })), origin: evil },
      body: 'Action=GetCallerIdentity&Version=2011-06-15',
    });
    expect(ok.status).toBe(200);
    for (const a of [preflight, ok]) {
      expect(Object.keys(a.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
      expect(JSON.stringify(a.headers)).not.toContain('evil.example');
    }
  });

  it('answers only to its own address (DNS rebinding)', async () => {
    for (const host of [
      `evil.example:${gw.port}`,
      `127.0.0.1.nip.io:${gw.port}`,
      `localhost.evil.example:${gw.port}`,
      `0x7f.1:${gw.port}`,
    ]) {
      const a = await rawRequest(sb.endpoint, {
        method: 'POST',
        target: '/',
        host,
        headers: await signedHeaders({ host }),
        body: 'Action=GetCallerIdentity&Version=2011-06-15',
      });
      expect(a.status, host).toBe(421);
      expect(a.body).not.toContain(sb.accountId);
    }
    const none = await rawRequest(sb.endpoint, { target: '/', host: '' });
    expect([400, 421]).toContain(none.status); // Node itself refuses HTTP/1.1 without Host
    for (const host of [`localhost:${gw.port}`, `127.0.0.1:${gw.port}`]) {
      const a = await rawRequest(sb.endpoint, {
        method: 'POST',
        target: '/',
        host,
        headers: await signedHeaders({ host }),
        body: 'Action=GetCallerIdentity&Version=2011-06-15',
      });
      expect(a.status, host).toBe(200);
    }
  });

  it('real clients still work end to end', async () => {
    const id = await adminClients(sb).sts.send(new GetCallerIdentityCommand({}));
    expect(id.Account).toBe(sb.accountId);
  });
});

describe("the engine's own port", () => {
  it('refuses everything but its health probe without the per-start secret', async () => {
    const probes: { method: string; target: string; headers?: Record<string, string> }[] = [
      { method: 'GET', target: '/moto-api/data.json' },
      { method: 'POST', target: '/moto-api/reset' },
      { method: 'GET', target: '/_labrunner/whois?accessKeyId=' + sb.learner.accessKeyId },
      { method: 'GET', target: '/latest/meta-data/iam/security-credentials/' },
      { method: 'POST', target: '/', headers: await signedHeaders({ host: gw.host }) },
      // A 20-minute-old signature, which the gateway refuses: the engine must not accept it.
      {
        method: 'POST',
        target: '/',
        headers: await signedHeaders({
          host: new URL(engineUrl).host,
          date: new Date(Date.now() - 20 * 60_000),
        }),
      },
      // A wrong secret, and a header name that differs only in case.
      { method: 'GET', target: '/moto-api/data.json', headers: { 'X-Labrunner-Secret': 'x' } },
    ];
    for (const p of probes) {
      const a = await rawRequest(engineUrl, {
        ...p,
        host: new URL(engineUrl).host,
        body: p.method === 'POST' ? 'Action=GetCallerIdentity&Version=2011-06-15' : '',
      });
      expect(a.status, `${p.method} ${p.target}`).toBe(403);
      expectNoSecret(a);
    }
    const health = await rawRequest(engineUrl, { target: '/_labrunner/health' });
    expect(health.status).toBe(200);
    // Not even the probe under a rebound name: it would tell a page the account id and pid.
    const rebound = await rawRequest(engineUrl, {
      target: '/_labrunner/health',
      host: `rebind.evil.test:${new URL(engineUrl).port}`,
    });
    expect(rebound.status).toBe(403);
    expect(rebound.body).not.toContain('accountId');
    await expectAccountIntact();
  });

  it("never serves moto's control API, even to the gateway's secret", async () => {
    const secret = readFileSync(layout(sb.home).secretFile, 'utf8').trim();
    for (const target of ['/moto-api/data.json', '/moto-api/reset', '/latest/meta-data/']) {
      const a = await rawRequest(engineUrl, {
        method: target.endsWith('reset') ? 'POST' : 'GET',
        target,
        headers: { 'x-labrunner-secret': secret },
      });
      expect(a.status, target).toBe(404);
      expectNoSecret(a);
    }
    await expectAccountIntact();
  });
});

describe('fuzz', () => {
  it('no request the gateway can be sent gets a 5xx, a secret, or changes the account', async () => {
    const users = async () =>
      (await adminClients(sb).iam.send(new ListUsersCommand({})))
        .Users!.map((u) => u.UserName)
        .sort();
    const s3 = new S3Client({
      endpoint: sb.endpoint,
      region: 'us-east-1',
      credentials: sb.learner,
      forcePathStyle: true,
    });
    const buckets = async () =>
      ((await s3.send(new ListBucketsCommand({}))).Buckets ?? []).map((b) => b.Name).sort();
    const before = await users();
    const bucketsBefore = await buckets();
    const seg = fc.constantFrom(
      'moto-api',
      'MOTO-API',
      '%6Doto-api',
      '%256doto-api',
      '_labrunner',
      '%5Flabrunner',
      'whois',
      'health',
      'data.json',
      'reset',
      'latest',
      'meta-data',
      'favicon.ico',
      '..',
      '.',
      '%2e%2e',
      '%2E',
      '',
      '%2F',
      '%5C',
      '\\',
      '%00',
      '%',
      '%%',
      '%zz',
      'é',
      '%C3%A9',
      'bucket',
      'key',
    );
    const target = fc
      .tuple(
        fc.array(seg, { maxLength: 6 }),
        fc.constantFrom(
          '',
          '?',
          `?${fakePresign('foo')}`,
          `?${fakePresign('s3')}`,
          '?Action=ListUsers&Version=2010-05-08',
          '?X-Amz-Credential=%00',
        ),
        fc.boolean(),
      )
      .map(([segs, q, dbl]) => (dbl ? '//' : '/') + segs.join('/') + q);
    const header = fc.record(
      {
        authorization: fc.oneof(
          fc.string({ maxLength: 80 }).map((s) => s.replace(/[\r\n]/g, '')),
          fc
            .tuple(
              fc.constantFrom('iam', 'sts', 'ec2', 's3', 'cloudtrail', 'moto_api', 'foo', ''),
              fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), maxLength: 64 }),
            )
            .map(
              ([svc, sig]) =>
                `AWS4-HMAC-SHA256 Credential=${sb.learner.accessKeyId}/20261129/us-east-1/${svc}/aws4_request, SignedHeaders=host;x-amz-date, Signature=${sig}`,
            ),
        ),
        'x-amz-date': fc.constantFrom(
          new Date()
            .toISOString()
            .replace(/[-:]/g, '')
            .replace(/\.\d{3}/, ''),
          '20000101T000000Z',
          'garbage',
        ),
        'x-amz-target': fc.constantFrom('CloudTrail_20131101.LookupEvents', 'x.y', '.', ''),
        'content-type': fc.constantFrom(
          'application/x-www-form-urlencoded',
          'application/x-amz-json-1.1',
          'text/plain',
        ),
        'x-amz-content-sha256': fc.constantFrom(
          'UNSIGNED-PAYLOAD',
          'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
          '0'.repeat(64),
        ),
        'x-moto-account-id': fc.constant('000000000000'),
        'x-labrunner-secret': fc.string({ maxLength: 40 }).map((s) => s.replace(/[\r\n]/g, '')),
        origin: fc.constant('http://evil.example'),
      },
      { requiredKeys: [] },
    );
    const host = fc.constantFrom(
      gw.host,
      `localhost:${gw.port}`,
      `evil.example:${gw.port}`,
      `b.localhost:${gw.port}`,
      '127.0.0.1',
    );
    const method = fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH');
    const body = fc.oneof(
      fc.constant(''),
      fc.constant('Action=CreateUser&UserName=fuzzed&Version=2010-05-08'),
      fc.constant('{"EventCategory":"insight"}'),
      fc.string({ maxLength: 200 }),
    );
    await fc.assert(
      fc.asyncProperty(method, target, header, host, body, async (m, t, h, hst, b) => {
        const a = await rawRequest(sb.endpoint, {
          method: m,
          target: t,
          headers: h,
          host: hst,
          body: b,
        });
        const what = `${m} ${t} ${JSON.stringify(h)} Host ${hst} → ${a.status} ${a.body.slice(0, 200)}`;
        expect(a.status, what).toBeGreaterThanOrEqual(200);
        expect(a.status, what).toBeLessThan(500);
        expectNoSecret(a);
        expect(
          Object.keys(a.headers).filter((k) => k.startsWith('access-control-')),
          what,
        ).toEqual([]);
      }),
      { seed: 9, numRuns: 300, endOnFailure: true },
    );
    expect(await users()).toEqual(before);
    expect(await buckets()).toEqual(bucketsBefore);
    await expectAccountIntact();
  });
});
