// issue 21, first slice: `lab class serve --sandbox` hosts one sandbox, and every learner who
// joins gets an AWS account of their own in it. Three learners join through the real CLI; each
// works in their account through the SDK v3 and the real aws CLI; none sees another's users,
// keys, buckets or event history; a forged `x-moto-account-id` changes nothing; and a learner
// whose PATH has no Python and no moto does day42's first steps and `lab check day42` passes them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CreateAccessKeyCommand,
  CreateUserCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListUsersCommand,
} from '@aws-sdk/client-iam';
import { CreateBucketCommand, ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { networkInterfaces } from 'node:os';
import { startClassServer } from '../../runner/class/server.ts';
import {
  createSandboxAccount,
  freePort,
  readSandboxInfo,
  sandboxProcessEnv,
  stopSandbox,
  type SandboxInfo,
} from '../../sandbox/index.ts';
import {
  lab,
  labEnv,
  must,
  serveClass,
  tempHome,
  type ServerProcess,
  runProcess,
} from './helpers.ts';
import { scaled } from '../helpers/timeouts.ts';

const NAMES = ['Ada', 'Bo', 'Cy'] as const;
type Name = (typeof NAMES)[number];

let server: ServerProcess;
let serverHome: string;
let joinCode: string;
let adaBucket = '';
const homes = {} as Record<Name, string>;
const joined = {} as Record<Name, { accountId: string; endpoint: string }>;
const info = {} as Record<Name, SandboxInfo>;

/** A PATH with the aws CLI and the few tools its wrapper uses, and no python, no moto. */
function bareBin(): string {
  const dir = join(tempHome('lab-bare-bin-'), 'bin');
  mkdirSync(dir);
  for (const tool of ['aws', 'sh', 'dirname', 'grep', 'sed', 'head', 'tr', 'cat'])
    symlinkSync(tool === 'aws' ? '/usr/bin/aws' : `/bin/${tool}`, join(dir, tool));
  return dir;
}

const sdk = (who: Name) => {
  const i = info[who];
  const o = { region: 'us-east-1', endpoint: i.endpoint, credentials: i.learner };
  return {
    iam: new IAMClient(o),
    s3: new S3Client({ ...o, forcePathStyle: true }),
    trail: new CloudTrailClient(o),
  };
};

beforeAll(async () => {
  serverHome = tempHome('lab-hosted-server-');
  const env = labEnv(serverHome, { LAB_SANDBOX_PORT: String(await freePort()) });
  const created = JSON.parse(
    must(await lab(['class', 'create', 'Hosted 1', '--json'], env)).stdout,
  );
  joinCode = created.joinCode;
  server = await serveClass(['class', 'serve', '--port', '0', '--sandbox'], env);
  await server.printed(/Class sandbox: gateway on/);
  for (const name of NAMES) {
    homes[name] = tempHome('lab-hosted-learner-');
    const r = must(
      await lab(
        ['join', server.url, '--code', created.joinCode, '--name', name, '--json'],
        labEnv(homes[name]),
      ),
    );
    joined[name] = JSON.parse(r.stdout).sandbox;
    info[name] = readSandboxInfo(homes[name])!;
  }
}, scaled(80_000));

afterAll(async () => {
  await server?.stop();
  if (serverHome) await stopSandbox({ home: serverHome });
});

describe('a class that hosts the sandbox', () => {
  it('gives each learner a 12-digit account of their own, keys only in their lab home', () => {
    const ids = NAMES.map((n) => joined[n].accountId);
    for (const id of ids) expect(id).toMatch(/^[1-9]\d{11}$/);
    expect(new Set(ids).size).toBe(3);
    for (const n of NAMES) {
      expect(joined[n]).not.toHaveProperty('learner'); // --json never prints a secret
      expect(info[n].accountId).toBe(joined[n].accountId);
      expect(info[n].learner.arn).toBe(`arn:aws:iam::${joined[n].accountId}:user/sandbox-admin`);
      // Nothing runs in the learner's home: no engine, no gateway.
      expect(existsSync(join(homes[n], 'sandbox', 'run.json'))).toBe(false);
    }
  });

  it('keeps IAM users, access keys, buckets and event history apart (SDK v3)', async () => {
    const [a, b] = [sdk('Ada'), sdk('Bo')];
    await a.iam.send(new CreateUserCommand({ UserName: 'ada-only' }));
    const key = await a.iam.send(new CreateAccessKeyCommand({ UserName: 'ada-only' }));
    await b.iam.send(new CreateUserCommand({ UserName: 'bo-only' }));

    const names = async (c: IAMClient) =>
      ((await c.send(new ListUsersCommand({}))).Users ?? []).map((u) => u.UserName);
    expect(await names(a.iam)).toEqual(expect.arrayContaining(['ada-only', 'sandbox-admin']));
    expect(await names(a.iam)).not.toContain('bo-only');
    expect(await names(a.iam)).not.toContain('labrunner'); // the runner's user, hidden as locally
    expect(await names(b.iam)).toContain('bo-only');
    expect(await names(b.iam)).not.toContain('ada-only');
    // Ada's user and key do not exist for Bo.
    await expect(
      b.iam.send(new ListAccessKeysCommand({ UserName: 'ada-only' })),
    ).rejects.toMatchObject({ name: 'NoSuchEntityException' });
    const adaKeys = await a.iam.send(new ListAccessKeysCommand({ UserName: 'ada-only' }));
    expect(adaKeys.AccessKeyMetadata?.map((k) => k.AccessKeyId)).toEqual([
      key.AccessKey!.AccessKeyId,
    ]);

    // S3 bucket names are global: Bo gets BucketAlreadyExists, and never sees Ada's bucket.
    const bucket = (adaBucket = `hosted-${Date.now()}`);
    await a.s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await expect(b.s3.send(new CreateBucketCommand({ Bucket: bucket }))).rejects.toMatchObject({
      name: 'BucketAlreadyExists',
    });
    const bucketsOf = async (c: S3Client) =>
      ((await c.send(new ListBucketsCommand({}))).Buckets ?? []).map((x) => x.Name);
    expect(await bucketsOf(a.s3)).toContain(bucket);
    expect(await bucketsOf(b.s3)).not.toContain(bucket);

    // Event history is per account: Bo's LookupEvents never shows Ada's CreateUser.
    const created = async (c: CloudTrailClient) =>
      (
        (
          await c.send(
            new LookupEventsCommand({
              LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'CreateUser' }],
            }),
          )
        ).Events ?? []
      ).map((e) => e.Resources?.map((r) => r.ResourceName).join(','));
    expect((await created(a.trail)).join(' ')).toContain('ada-only');
    expect((await created(b.trail)).join(' ')).not.toContain('ada-only');
    expect((await created(b.trail)).join(' ')).toContain('bo-only');
  });

  it('ignores a forged x-moto-account-id header', async () => {
    const b = sdk('Bo');
    // Added after signing (deserialize step), as any client can: the gateway drops it.
    b.iam.middlewareStack.add(
      (next) => async (args) => {
        const req = args.request as { headers: Record<string, string> };
        req.headers['x-moto-account-id'] = joined.Ada.accountId;
        return next(args);
      },
      { step: 'deserialize', name: 'forgeAccount' },
    );
    const users = ((await b.iam.send(new ListUsersCommand({}))).Users ?? []).map((u) => u.UserName);
    expect(users).toContain('bo-only');
    expect(users).not.toContain('ada-only');
    await expect(
      b.iam.send(new CreateUserCommand({ UserName: 'ada-only' })),
    ).resolves.toBeDefined(); // made in Bo's account: Ada's name is free there
    const adaSees = ((await sdk('Ada').iam.send(new ListUsersCommand({}))).Users ?? []).filter(
      (u) => u.UserName === 'ada-only',
    );
    expect(adaSees.map((u) => u.Arn)).toEqual([
      `arn:aws:iam::${joined.Ada.accountId}:user/ada-only`,
    ]);
  });

  it("lets a learner without python or moto do day42's first steps with the aws CLI, and lab check passes them", async () => {
    const home = homes.Cy;
    const bin = bareBin();
    const env = labEnv(home, { PATH: bin, LAB_SANDBOX_PORT: String(await freePort()) });
    const start = must(await lab(['start', 'day42'], env));
    expect(start.stdout).toContain(`account ${joined.Cy.accountId}`);
    const awsEnv = { ...sandboxProcessEnv(info.Cy, { ...env, PATH: bin }), LAB_HOME: home };
    const aws = (args: string[], input?: string) =>
      runProcess(join(home, 'sandbox', 'bin', 'aws'), args, { env: awsEnv, input });
    const made = await aws(['iam', 'create-access-key', '--user-name', 'iam-admin']);
    expect(made.code, made.stderr).toBe(0);
    const k = JSON.parse(made.stdout).AccessKey;
    const conf = await aws(
      ['configure', '--profile', 'iam-admin'],
      `${k.AccessKeyId}\n${k.SecretAccessKey}\nap-southeast-2\njson\n`,
    );
    expect(conf.code, conf.stderr).toBe(0);
    const listed = await aws(['iam', 'list-users', '--profile', 'iam-admin']);
    expect(listed.code, listed.stderr).toBe(0);
    const users = JSON.parse(listed.stdout).Users.map((u: { UserName: string }) => u.UserName);
    expect(users).toContain('iam-admin');
    expect(users).not.toContain('ada-only'); // Ada's user lives in Ada's account

    const check = await lab(['check', 'day42', '--json'], env);
    const steps = Object.fromEntries(
      JSON.parse(check.stdout).steps.map((s: { id: string; status: string }) => [s.id, s.status]),
    );
    expect(steps).toMatchObject({
      'create-key': 'passed',
      configure: 'passed',
      'list-users': 'passed',
    });
    expect(existsSync(join(home, 'sandbox', 'run.json'))).toBe(false);
    // `lab sandbox env` points aws at the class's gateway; reset refuses rather than wipe the keys.
    const sbEnv = must(await lab(['sandbox', 'env'], env)).stdout;
    expect(sbEnv).toContain(`AWS_ENDPOINT_URL='${joined.Cy.endpoint}'`);
    const reset = await lab(['sandbox', 'reset', '--yes'], env);
    expect(reset.code).toBe(2);
    expect(reset.stderr).toMatch(/hosted by your class/);
    expect(readSandboxInfo(home)?.accountId).toBe(joined.Cy.accountId);
    // The real CLI through the class gateway: Ada's bucket name is taken for Cy too.
    const taken = await aws(['s3api', 'create-bucket', '--bucket', adaBucket]);
    expect(taken.code).not.toBe(0);
    expect(taken.stderr).toMatch(/BucketAlreadyExists/);
    const mine = await aws(['s3api', 'list-buckets']);
    expect(mine.code, mine.stderr).toBe(0);
    expect(mine.stdout).not.toContain(adaBucket);
    // The key lives in Cy's account only: Ada's account has no iam-admin at all.
    await expect(
      sdk('Ada').iam.send(new ListAccessKeysCommand({ UserName: 'iam-admin' })),
    ).rejects.toMatchObject({ name: 'NoSuchEntityException' });
  });
});

describe('the keys of a hosted account travel only over TLS or loopback', () => {
  // This machine's own non-loopback address: a join from it is "another machine" to the server.
  const lan = Object.values(networkInterfaces())
    .flat()
    .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;

  it('refuses a plain-HTTP join from another address, unless --allow-plain-http', async () => {
    expect(lan, 'a non-loopback IPv4 address to connect from').toBeTruthy();
    const gatewayPort = Number(new URL(readSandboxInfo(serverHome)!.endpoint).port);
    let made = 0;
    const serveOn = (allowPlainHttp: boolean) =>
      startClassServer({
        home: serverHome,
        host: lan!,
        port: 0,
        api: {
          sandbox: {
            gatewayPort,
            allowPlainHttp,
            createAccount: () => (made++, createSandboxAccount(serverHome)),
          },
        },
      });
    const strict = await serveOn(false);
    try {
      const home = tempHome('lab-hosted-remote-');
      const r = await lab(
        ['join', strict.url, '--code', joinCode, '--name', 'Remote', '--json'],
        labEnv(home),
      );
      expect(r.code).not.toBe(0);
      expect(r.stdout + r.stderr).toMatch(/plain HTTP[\s\S]*TLS proxy[\s\S]*--allow-plain-http/);
      expect(made).toBe(0); // refused before any account was made
      expect(readSandboxInfo(home)).toBeUndefined();
    } finally {
      await strict.close();
    }
    const open = await serveOn(true);
    try {
      const home = tempHome('lab-hosted-remote-');
      const r = must(
        await lab(
          ['join', open.url, '--code', joinCode, '--name', 'Remote', '--json'],
          labEnv(home),
        ),
      );
      expect(made).toBe(1);
      // The gateway under the name the learner reached the class by.
      expect(JSON.parse(r.stdout).sandbox.endpoint).toBe(`http://${lan}:${gatewayPort}`);
    } finally {
      await open.close();
    }
  });
});

describe('lab serve --class --sandbox', () => {
  it('serves the lab site, the class and its sandbox; a joined learner works in their own account', async () => {
    const home = tempHome('lab-hosted-serve-');
    const env = labEnv(home, { LAB_SANDBOX_PORT: String(await freePort()) });
    const site = tempHome('lab-site-'); // prebuilt: no Astro build here
    writeFileSync(join(site, 'index.html'), '<!doctype html><title>Labs</title><h1>Labs</h1>');
    const cls = JSON.parse(must(await lab(['class', 'create', 'Served', '--json'], env)).stdout);
    const srv = await serveClass(
      ['serve', '--class', '--sandbox', '--port', '0', '--out', site],
      env,
    );
    try {
      const out = await srv.printed(/Class sandbox: gateway on 127\.0\.0\.1:(\d+)/);
      const gatewayPort = /Class sandbox: gateway on 127\.0\.0\.1:(\d+)/.exec(out)![1];
      expect(await (await fetch(`${srv.url}/`)).text()).toContain('<h1>Labs</h1>');
      const learner = tempHome('lab-hosted-learner-');
      const r = must(
        await lab(
          ['join', srv.url, '--code', cls.joinCode, '--name', 'Sam', '--json'],
          labEnv(learner),
        ),
      );
      const { sandbox } = JSON.parse(r.stdout);
      expect(sandbox.endpoint).toBe(`http://127.0.0.1:${gatewayPort}`);
      const i = readSandboxInfo(learner)!;
      const who = await new STSClient({
        region: 'us-east-1',
        endpoint: i.endpoint,
        credentials: i.learner,
      }).send(new GetCallerIdentityCommand({}));
      expect(who.Account).toBe(sandbox.accountId);
      expect(who.Account).not.toBe(readSandboxInfo(home)!.accountId); // not the server's own
    } finally {
      await srv.stop();
      await stopSandbox({ home });
    }
  }, 180_000);
});
