// issue 21, the instructor's side of a class that hosts the sandbox, through real processes: a
// class server (`lab class serve --sandbox`, its store on PostgreSQL, then SQLite), the real engine and
// gateway, learners joining with the real `lab join`, working with the SDK v3 and the real aws
// CLI. It proves: joining again gives the same account with fresh keys (the old ones revoked,
// no secret stored or logged); the instructor sees each learner's account and activity; one
// learner's burst is throttled as AWS throttles while another's calls answer promptly; a forged
// "passed" is shown as not verified while real work is verified; a reset (dashboard form) empties
// one account; ending the class empties every account, and the keys then get InvalidClientTokenId.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import {
  CreateUserCommand,
  GetUserCommand,
  IAMClient,
  ListUsersCommand,
} from '@aws-sdk/client-iam';
import { CreateBucketCommand, ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import {
  freePort,
  readSandboxInfo,
  sandboxProcessEnv,
  stopSandbox,
  type SandboxInfo,
} from '../../sandbox/index.ts';
import { startTestPostgres, type TestPostgres } from '../helpers/postgres.ts';
import { scaled } from '../helpers/timeouts.ts';
import {
  lab,
  labEnv,
  must,
  serveClass,
  tempHome,
  type ServerProcess,
  runProcess,
} from './helpers.ts';

let pgServer: TestPostgres;
let databaseUrl: string;
let server: ServerProcess;
let serverHome: string;
let serverEnv: Record<string, string>;
let cls: { classId: string; joinCode: string; instructorToken: string; name: string };
const homes: Record<string, string> = {};
const accounts: Record<string, string> = {};
const secretsSeen: string[] = [];

const info = (who: string): SandboxInfo => readSandboxInfo(homes[who])!;
const creds = (i: SandboxInfo) => ({
  accessKeyId: i.learner.accessKeyId,
  secretAccessKey: i.learner.secretAccessKey,
});
const opts = (i: SandboxInfo, region = 'us-east-1') => ({
  region,
  endpoint: i.endpoint,
  credentials: creds(i),
  maxAttempts: 1,
});
const iam = (i: SandboxInfo) => new IAMClient(opts(i));
const sts = (i: SandboxInfo) => new STSClient(opts(i));

async function joinAs(who: string) {
  const r = must(
    await lab(
      ['join', server.url, '--code', cls.joinCode, '--name', who, '--json'],
      labEnv(homes[who]),
    ),
  );
  const out = JSON.parse(r.stdout);
  const i = info(who);
  secretsSeen.push(i.learner.secretAccessKey, i.runner.secretAccessKey);
  return out;
}

/** The real aws CLI v2 with a learner's keys, against the class gateway. */
function awsCli(args: string[], i: SandboxInfo, extra: Record<string, string> = {}) {
  // aws CLI v2.9 predates AWS_ENDPOINT_URL: the endpoint goes on the command line.
  return runProcess('/usr/bin/aws', [...args, '--endpoint-url', i.endpoint], {
    env: {
      PATH: process.env.PATH,
      HOME: tempHome('lab-hosted-cli-'),
      AWS_ACCESS_KEY_ID: i.learner.accessKeyId,
      AWS_SECRET_ACCESS_KEY: i.learner.secretAccessKey,
      AWS_DEFAULT_REGION: 'us-east-1',
      ...extra,
    },
  });
}

/** `lab class <sub>` as the instructor. */
const instructor = (args: string[]) =>
  lab(['class', ...args], {
    ...labEnv(tempHome('lab-instructor-')),
    LAB_CLASS_URL: server.url,
    LAB_CLASS_TOKEN: cls.instructorToken,
  });

const api = (path: string) =>
  fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${cls.instructorToken}` } });

describe.each(['postgres', 'sqlite'] as const)(
  'a hosted class (store: %s), from the instructor’s side',
  (store) => {
    beforeAll(async () => {
      for (const m of [homes, accounts]) for (const k of Object.keys(m)) delete m[k];
      secretsSeen.length = 0;
      if (store === 'postgres') {
        pgServer = await startTestPostgres();
        databaseUrl = await pgServer.createDatabase();
      }
      serverHome = tempHome('lab-hosted-ops-server-');
      serverEnv = labEnv(serverHome, {
        LAB_SANDBOX_PORT: String(await freePort()),
        DATABASE_URL: store === 'postgres' ? databaseUrl : undefined,
      });
      cls = JSON.parse(must(await lab(['class', 'create', 'Ops 1', '--json'], serverEnv)).stdout);
      // A low per-learner rate so a burst is cheap to make on a shared machine.
      server = await serveClass(
        ['class', 'serve', '--port', '0', '--sandbox', '--learner-rate', '4/8'],
        serverEnv,
      );
      await server.printed(/limited to 4\/s \(bursts of 8\)/);
      for (const who of ['Ada', 'Bo']) {
        homes[who] = tempHome('lab-hosted-ops-learner-');
        accounts[who] = (await joinAs(who)).sandbox.accountId;
      }
    }, scaled(100_000));

    afterAll(async () => {
      await server?.stop();
      if (serverHome) await stopSandbox({ home: serverHome });
      if (store === 'postgres') await pgServer?.stop();
    });

    it('gives a learner who joins again the same account, with fresh keys; the old ones stop working', async () => {
      const before = info('Ada');
      const again = await joinAs('Ada');
      expect(again.name).toBe('Ada'); // the same learner, not "Ada (2)"
      expect(again.sandbox.accountId).toBe(accounts.Ada);
      const after = info('Ada');
      expect(after.learner.accessKeyId).not.toBe(before.learner.accessKeyId);
      const who = await sts(after).send(new GetCallerIdentityCommand({}));
      expect(who.Account).toBe(accounts.Ada);
      await expect(sts(before).send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({
        name: 'InvalidClientTokenId',
      });
      // The instructor's views name each learner's account: the CLI and the dashboard.
      const listed = JSON.parse(must(await instructor(['learners', '--json'])).stdout);
      expect(
        Object.fromEntries(
          listed.learners.map((l: { name: string; accountId: string }) => [l.name, l.accountId]),
        ),
      ).toEqual({ Ada: accounts.Ada, Bo: accounts.Bo });
    });

    it('shows one learner’s account activity: time, call, region, result — and only theirs', async () => {
      const a = info('Ada');
      await iam(a).send(new CreateUserCommand({ UserName: 'ada-helper' }));
      await expect(iam(a).send(new GetUserCommand({ UserName: 'no-such-user' }))).rejects.toThrow();
      await new EC2Client(opts(a, 'eu-west-1')).send(new DescribeInstancesCommand({}));
      await iam(info('Bo')).send(new CreateUserCommand({ UserName: 'bo-helper' }));
      const r = must(await instructor(['activity', 'ada', '--json', '--limit', '20']));
      const events = JSON.parse(r.stdout).events as {
        time: string;
        call: string;
        region: string;
        result: string;
      }[];
      const seen = events.map((e) => `${e.call} ${e.region} ${e.result}`);
      expect(seen).toEqual(
        expect.arrayContaining([
          'CreateUser us-east-1 ok',
          'GetUser us-east-1 NoSuchEntityException',
          'DescribeInstances eu-west-1 ok',
        ]),
      );
      expect(Date.parse(events[0].time)).toBeGreaterThan(Date.now() - 600_000);
      expect(r.stdout).not.toContain('bo-helper');
      const text = must(await instructor(['activity', 'Ada'])).stdout;
      expect(text).toMatch(/iam:GetUser\s+us-east-1\s+sandbox-admin\s+NoSuchEntityException/);
      expect((await instructor(['activity', 'Nobody'])).code).toBe(2);
    });

    it('throttles a bursting learner as AWS does, while another learner’s calls answer promptly', async () => {
      const a = info('Ada');
      const b = info('Bo');
      // Ada floods her account, as a runaway script would. Twenty-four loops of ListUsers keep
      // far more than her rate (4/s) in flight even when a loaded machine makes each call slow:
      // with six, a call of 1.5 s let her bucket refill and nothing was throttled (a PostgreSQL
      // run under load).
      let stop = false;
      const outcomes: string[] = [];
      const flooder = iam(a);
      const flood = Array.from({ length: 24 }, async () => {
        while (!stop) {
          outcomes.push(
            await flooder.send(new ListUsersCommand({})).then(
              () => 'ok',
              (e: { name?: string }) => e.name ?? 'error',
            ),
          );
        }
      });
      // A burst sent at once: her bucket (burst 8) cannot hold a dozen, whatever the machine's pace.
      const burst = <T>(send: () => Promise<T>) =>
        Promise.all(
          Array.from({ length: 12 }, () =>
            send().then(
              () => 'ok',
              (e: { name?: string }) => e.name ?? 'error',
            ),
          ),
        );
      try {
        await expect
          .poll(() => outcomes.filter((o) => o === 'Throttling').length, {
            timeout: scaled(10_000),
            interval: 25,
          })
          .toBeGreaterThanOrEqual(10);
        // Bo's calls while Ada's flood goes on: each answers, none throttled, promptly.
        const times: number[] = [];
        for (let i = 0; i < 4; i++) {
          const t0 = performance.now();
          await sts(b).send(new GetCallerIdentityCommand({}));
          times.push(performance.now() - t0);
        }
        expect(Math.max(...times)).toBeLessThan(scaled(1000));
        // Her own lab's runner (lab check, setup) has a bucket of its own: still answered.
        const runnerKey = {
          accessKeyId: a.runner.accessKeyId,
          secretAccessKey: a.runner.secretAccessKey,
        };
        const asRunner = await new STSClient({ ...opts(a), credentials: runnerKey }).send(
          new GetCallerIdentityCommand({}),
        );
        expect(asRunner.Arn).toBe(`arn:aws:iam::${accounts.Ada}:user/labrunner`);
        // Every protocol answers in its own words (botocore's throttling codes), and nothing else.
        const s3 = new S3Client({ ...opts(a), forcePathStyle: true, maxAttempts: 1 });
        const ec2 = new EC2Client({ ...opts(a), maxAttempts: 1 });
        const trail = new CloudTrailClient({ ...opts(a), maxAttempts: 1 });
        const answers = {
          s3: await burst(() => s3.send(new ListBucketsCommand({}))),
          ec2: await burst(() => ec2.send(new DescribeInstancesCommand({}))),
          cloudtrail: await burst(() => trail.send(new LookupEventsCommand({}))),
        };
        const expected = {
          s3: 'SlowDown',
          ec2: 'RequestLimitExceeded',
          cloudtrail: 'ThrottlingException',
        };
        for (const [service, code] of Object.entries(expected)) {
          const got = answers[service as keyof typeof answers];
          expect(got, service).toContain(code);
          expect(
            got.filter((o) => o !== 'ok' && o !== code),
            service,
          ).toEqual([]);
        }
        // The real aws CLI (v2), told not to retry, prints the same code. One process start can
        // take long enough on a busy machine for a token to come back: a few tries, bounded.
        let cli = { code: 0, stdout: '', stderr: '' };
        for (let i = 0; i < 5 && !cli.stderr.includes('(Throttling)'); i++) {
          cli = await awsCli(['iam', 'list-users'], a, { AWS_MAX_ATTEMPTS: '1' });
        }
        expect(cli.code).not.toBe(0);
        expect(cli.stderr).toContain('(Throttling)');
      } finally {
        stop = true;
        await Promise.all(flood);
      }
      expect(outcomes.filter((o) => o !== 'ok' && o !== 'Throttling')).toEqual([]);
      // The bucket refills at the set pace: once the flood stops, Ada is answered again.
      await expect
        .poll(
          () =>
            sts(a)
              .send(new GetCallerIdentityCommand({}))
              .then(
                () => 'ok',
                (e: { name?: string }) => e.name,
              ),
          { timeout: scaled(10_000), interval: 250 },
        )
        .toBe('ok');
    });

    it('verifies in the account what a learner reports: real work is verified, a forged pass is not', async () => {
      // Bo does day42's first step for real, with the real aws CLI; `lab check` reports it.
      const env = labEnv(homes.Bo);
      must(await lab(['start', 'day42'], env));
      const b = info('Bo');
      const made = await new Promise<{ code: number; stderr: string }>((resolve, reject) => {
        const c = spawn(
          join(homes.Bo, 'sandbox', 'bin', 'aws'),
          ['iam', 'create-access-key', '--user-name', 'iam-admin'],
          {
            env: { ...sandboxProcessEnv(b, env), LAB_HOME: homes.Bo },
          },
        );
        let stderr = '';
        c.stderr.on('data', (d) => (stderr += d));
        c.on('error', reject);
        c.on('close', (code) => resolve({ code: code ?? -1, stderr }));
      });
      expect(made.code, made.stderr).toBe(0);
      const checked = await lab(['check', 'day42', '--json'], env);
      const stepsOf = (out: string) =>
        Object.fromEntries(
          JSON.parse(out).steps.map((x: { id: string; status: string }) => [x.id, x.status]),
        );
      expect(stepsOf(checked.stdout)['create-key'], checked.stderr).toBe('passed');
      // Ada never made a key, and sends "passed" straight to the API with her own token.
      const token = JSON.parse(readFileSync(join(homes.Ada, 'class.json'), 'utf8')).token;
      const now = Date.now();
      const forged = await fetch(`${server.url}/api/v1/results`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({
          results: ['create-key', 'configure', 'list-users'].map((step, i) => ({
            key: `forged-${i}`,
            lab: 'day42',
            step,
            status: 'passed',
            evidence: 'trust me',
            at: now,
          })),
        }),
      });
      expect(forged.status).toBe(200);
      type Cell = { status: string; verification?: string };
      type R = { labs: { learners: { name: string; cells: Record<string, Cell> }[] }[] };
      const cells = async () => {
        const r = (await (
          await api(`/api/v1/classes/${cls.classId}/report?lab=day42`)
        ).json()) as R;
        return Object.fromEntries(r.labs[0].learners.map((l) => [l.name, l.cells]));
      };
      // The server verifies shortly after results arrive: wait for its verdicts (bounded).
      // 30 s on a quiet machine, scaled: under 8 busy loops the fixed 120 polls ran out.
      const deadline = Date.now() + scaled(30_000);
      let c = await cells();
      while (
        Date.now() < deadline &&
        !(c.Ada['create-key'].verification && c.Bo['create-key'].verification)
      ) {
        await new Promise((r) => setTimeout(r, 250));
        c = await cells();
      }
      expect(c.Ada['create-key'], JSON.stringify(c)).toMatchObject({
        status: 'passed',
        verification: 'contradicted',
      });
      expect(c.Ada['list-users']).toMatchObject({ verification: 'contradicted' });
      expect(c.Bo['create-key'], checked.stdout + checked.stderr).toMatchObject({
        status: 'passed',
        verification: 'verified',
      });
      const html = await (await api(`/class/${cls.classId}/dashboard?lab=day42`)).text();
      const row = (name: string) =>
        new RegExp(
          `<tr data-learner="[^"]+"><th scope="row"><a [^>]*><bdi>${name}</bdi>[\\s\\S]*?</tr>`,
        ).exec(html)?.[0] ?? '';
      expect(row('Ada')).toContain('(not verified)');
      expect(row('Ada')).not.toContain('(verified)');
      expect(row('Bo')).toContain('(verified)');
      expect(row('Bo')).toContain(`account ${accounts.Bo}`);
    });

    it('resets one learner’s account from the dashboard (signed in, CSRF, confirmation)', async () => {
      const a = info('Ada');
      const bucket = `ada-ops-${Date.now()}`;
      await new S3Client({ ...opts(a), forcePathStyle: true }).send(
        new CreateBucketCommand({ Bucket: bucket }),
      );
      const login = await fetch(`${server.url}/class/${cls.classId}/login`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.url },
        body: new URLSearchParams({ token: cls.instructorToken }),
      });
      const cookie = login.headers.get('set-cookie')!.split(';')[0];
      const learners = JSON.parse(must(await instructor(['learners', '--json'])).stdout).learners;
      const adaId = learners.find((l: { name: string }) => l.name === 'Ada').learnerId;
      // The dashboard leads to the learners' accounts, and from there to each learner's page.
      const dash = await (
        await fetch(`${server.url}/class/${cls.classId}/dashboard`, { headers: { cookie } })
      ).text();
      expect(dash).toContain(`href="/class/${cls.classId}/learners"`);
      const list = await (
        await fetch(`${server.url}/class/${cls.classId}/learners`, { headers: { cookie } })
      ).text();
      expect(list).toContain(`href="/class/${cls.classId}/learners/${adaId}"`);
      expect(list).toContain(accounts.Ada);
      expect(list).toContain(accounts.Bo);
      const pageUrl = `${server.url}/class/${cls.classId}/learners/${adaId}`;
      // Her page shows her latest calls: the bucket just made (the page keeps the newest 200
      // events, and the throttling test's flood before this one, longer on a busy machine, can
      // push older ones out). The activity log is appended asynchronously: poll, bounded.
      let page = '';
      await expect
        .poll(async () => (page = await (await fetch(pageUrl, { headers: { cookie } })).text()), {
          timeout: scaled(10_000),
        })
        .toMatch(/s3:CreateBucket/);
      expect(page).toContain(`account <span class="account">${accounts.Ada}</span>`);
      const csrf = /name="csrf" value="([^"]+)"/.exec(page)![1];
      const post = (form: Record<string, string>) =>
        fetch(`${pageUrl}/reset`, {
          method: 'POST',
          headers: {
            cookie,
            origin: server.url,
            'content-type': 'application/x-www-form-urlencoded',
          },
          body: new URLSearchParams(form),
        });
      expect((await post({ confirm: 'Ada' })).status).toBe(403); // no CSRF field
      // A page elsewhere cannot post the form, even with the cookie and a CSRF value.
      const foreign = await fetch(`${pageUrl}/reset`, {
        method: 'POST',
        headers: {
          cookie,
          origin: 'http://evil.example',
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ csrf, confirm: 'Ada' }),
      });
      expect(foreign.status).toBe(403);
      // A learner's token is not the instructor's.
      const adaToken = JSON.parse(readFileSync(join(homes.Ada, 'class.json'), 'utf8')).token;
      const asLearner = await fetch(
        `${server.url}/api/v1/classes/${cls.classId}/learners/${adaId}/reset`,
        {
          method: 'POST',
          headers: { authorization: `Bearer ${adaToken}`, 'content-type': 'application/json' },
          body: '{}',
        },
      );
      expect(asLearner.status).toBe(403);
      expect((await post({ csrf, confirm: 'Bo' })).status).toBe(400); // the wrong name
      await expect(sts(a).send(new GetCallerIdentityCommand({}))).resolves.toBeDefined();
      const done = await post({ csrf, confirm: 'Ada' });
      expect(done.status).toBe(200);
      expect(await done.text()).toContain('nothing remains');
      // Her keys are revoked at once; Bo's account is untouched.
      await expect(sts(a).send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({
        name: 'InvalidClientTokenId',
      });
      const boUsers = (await iam(info('Bo')).send(new ListUsersCommand({}))).Users!.map(
        (u) => u.UserName,
      );
      expect(boUsers).toContain('bo-helper');
      // Her lab says what to do about it (not "lab sandbox start": nothing runs on her machine).
      const stale = await lab(['start', 'day42'], labEnv(homes.Ada));
      expect(stale.code).toBe(2);
      expect(stale.stderr).toContain('security token included in the request is invalid');
      expect(stale.stderr).toContain('lab class sync');
      // Her next sync: the same account id, a fresh admin and keys, nothing of before.
      const synced = JSON.parse(
        must(await lab(['class', 'sync', '--json'], labEnv(homes.Ada))).stdout,
      );
      expect(synced.sandbox.accountId).toBe(accounts.Ada);
      const fresh = info('Ada');
      secretsSeen.push(fresh.learner.secretAccessKey, fresh.runner.secretAccessKey);
      expect(fresh.learner.accessKeyId).not.toBe(a.learner.accessKeyId);
      // Once: a second sync hands out nothing (the keys she has are current).
      const again = JSON.parse(
        must(await lab(['class', 'sync', '--json'], labEnv(homes.Ada))).stdout,
      );
      expect(again.sandbox).toBeUndefined();
      expect(info('Ada').learner.accessKeyId).toBe(fresh.learner.accessKeyId);
      const users = (await iam(fresh).send(new ListUsersCommand({}))).Users!.map((u) => u.UserName);
      expect(users).toEqual(['sandbox-admin']);
      const buckets = await new S3Client({ ...opts(fresh), forcePathStyle: true }).send(
        new ListBucketsCommand({}),
      );
      expect(buckets.Buckets ?? []).toEqual([]);
      // The bucket's global name is free again: Bo can take it.
      await new S3Client({ ...opts(info('Bo')), forcePathStyle: true }).send(
        new CreateBucketCommand({ Bucket: bucket }),
      );
      // The CLI asks before it empties an account.
      const unconfirmed = await instructor(['reset', 'Bo']);
      expect(unconfirmed.code).toBe(2);
      expect(unconfirmed.stderr).toContain('--yes');
    });

    it('ends the class: every account empty (listed), every key refused with InvalidClientTokenId', async () => {
      const keys = ['Ada', 'Bo'].map((w) => info(w));
      const r = await instructor(['end', '--yes', '--json']);
      expect(r.code, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout);
      expect(out.clean).toBe(true);
      expect(out.accounts.map((a: { accountId: string }) => a.accountId).sort()).toEqual(
        [accounts.Ada, accounts.Bo].sort(),
      );
      for (const a of out.accounts) expect(a.remains).toEqual({});
      for (const k of keys) {
        await expect(sts(k).send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({
          name: 'InvalidClientTokenId',
        });
        const cli = await awsCli(['sts', 'get-caller-identity'], k);
        expect(cli.stderr).toContain('InvalidClientTokenId');
        // The runner's key too.
        await expect(
          new STSClient({
            ...opts(k),
            credentials: {
              accessKeyId: k.runner.accessKeyId,
              secretAccessKey: k.runner.secretAccessKey,
            },
          }).send(new GetCallerIdentityCommand({})),
        ).rejects.toMatchObject({ name: 'InvalidClientTokenId' });
      }
      // Written to disk before the answer: an engine killed now (kill -9) and started again
      // still knows none of those keys.
      const run = JSON.parse(readFileSync(join(serverHome, 'sandbox', 'run.json'), 'utf8'));
      process.kill(run.engine.pid, 'SIGKILL');
      must(await lab(['sandbox', 'start'], serverEnv));
      for (const k of keys) {
        await expect(sts(k).send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({
          name: 'InvalidClientTokenId',
        });
      }
      // No one joins an ended class; the CLI's text says it.
      const late = await lab(
        ['join', server.url, '--code', cls.joinCode, '--name', 'Late'],
        labEnv(tempHome()),
      );
      expect(late.code).not.toBe(0);
      expect(late.stderr).toContain('has ended');
      const text = must(await instructor(['end', '--yes'])).stdout;
      expect(text).toContain(`Ada (${accounts.Ada}): nothing remains`);
    });

    it('never stores or logs a secret access key (server output, the class store)', async () => {
      let all: string;
      if (store === 'postgres') {
        const c = new pg.Client({ connectionString: databaseUrl });
        await c.connect();
        try {
          const tables = (
            await c.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
          ).rows.map((r) => r.tablename as string);
          const dump = [];
          for (const t of tables)
            dump.push(JSON.stringify((await c.query(`SELECT * FROM "${t}"`)).rows));
          all = dump.join('\n');
        } finally {
          await c.end();
        }
      } else {
        // The SQLite file and its write-ahead log, byte for byte.
        const db = join(serverHome, 'class', 'class.db');
        all = [db, `${db}-wal`]
          .filter((f) => existsSync(f))
          .map((f) => readFileSync(f).toString('latin1'))
          .join('\n');
      }
      expect(all).toContain(accounts.Ada); // the account is recorded…
      for (const s of secretsSeen) expect(all).not.toContain(s); // …its keys never
      const printed = await server.printed(/./);
      for (const s of secretsSeen) expect(printed).not.toContain(s);
      const logs = ['engine.log', 'gateway.log'].map((f) =>
        readFileSync(join(serverHome, 'sandbox', 'logs', f), 'utf8'),
      );
      for (const s of secretsSeen) for (const l of logs) expect(l).not.toContain(s);
    });
  },
);

describe('the instructor commands’ usage', () => {
  it('refuses a bad --learner-rate, and says what reset and end need, before touching anything', async () => {
    const home = tempHome('lab-hosted-usage-');
    const bad = await lab(
      ['class', 'serve', '--port', '0', '--sandbox', '--learner-rate', 'fast'],
      labEnv(home),
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--learner-rate fast is not a rate');
    expect(readSandboxInfo(home)).toBeUndefined(); // no sandbox was started
    for (const sub of ['learners', 'activity', 'reset', 'end']) {
      const help = await lab(['class', sub, '--help'], labEnv(home));
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(/--json\b/);
    }
    expect((await lab(['class', 'reset', '--help'], labEnv(home))).stdout).toMatch(/--yes\b/);
    const noToken = await lab(
      ['class', 'end', '--yes', '--class', 'http://127.0.0.1:9'],
      labEnv(home),
    );
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toContain('LAB_CLASS_TOKEN');
  });
});
