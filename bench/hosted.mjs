#!/usr/bin/env node
// A class that hosts the sandbox (issue 21), at class size: one `lab class serve --sandbox`, its
// one engine holding every learner's account. N learners join through the class API and do
// day42 at once, with the AWS SDK v3 making the calls labs/day42/solve.mjs makes with the CLI
// (plus the lab's setup, a `lab check` read of event history after each step, and its cleanup).
// The same calls by one learner alone on the same server are the baseline.
//   npm run bench:hosted -- [--learners 100] [--solo-rounds 5] [--json]
// Prints per-call p50/p95 alone vs. all at once, the wall time of the class's day42, join time,
// and the engine's RSS over accounts (memory per account). Results go in bench/README.md.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { loadavg, tmpdir, cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateUserCommand,
  DeleteAccessKeyCommand,
  DeleteUserCommand,
  DetachUserPolicyCommand,
  GetUserCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListUsersCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';

const ROOT = resolve(import.meta.dirname, '..');
const LAB = join(ROOT, 'bin', 'lab.mjs');
const { values } = parseArgs({
  options: {
    learners: { type: 'string', default: '100' },
    'solo-rounds': { type: 'string', default: '5' },
    json: { type: 'boolean', default: false },
    // The class's per-learner limit (default 20/s, bursts of 60) throttles a solve script's
    // back-to-back calls; the bench measures the engine, so it lifts the limit unless told.
    'learner-rate': { type: 'string', default: '1000/1000' },
    // Engine processes the accounts are spread over (lab class serve --sandbox --engines).
    engines: { type: 'string', default: '1' },
  },
});
const N = Number(values.learners);
const SOLO_ROUNDS = Number(values['solo-rounds']);
const POLICY = 'arn:aws:iam::aws:policy/IAMFullAccess';
const load = () =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');

function labEnv(home, extra = {}) {
  const env = {};
  for (const [k, v] of Object.entries(process.env))
    if (!/^(LAB_|AWS_|DATABASE_URL$)/.test(k)) env[k] = v;
  return { ...env, LAB_HOME: home, NO_COLOR: '1', ...extra };
}

function labJson(args, env) {
  return new Promise((ok, fail) => {
    const c = spawn(process.execPath, [LAB, ...args], { env });
    let out = '';
    c.stdout.on('data', (d) => (out += d));
    c.on('close', (code) => (code === 0 ? ok(JSON.parse(out)) : fail(new Error(out))));
  });
}

/** `lab class serve --sandbox` until it prints its URL and its sandbox line. */
function serve(env) {
  return new Promise((ok, fail) => {
    const args = ['class', 'serve', '--port', '0', '--sandbox'];
    const child = spawn(
      process.execPath,
      [LAB, ...args, '--learner-rate', values['learner-rate'], '--engines', values.engines],
      {
        env,
      },
    );
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const url = /(http:\/\/[\d.]+:\d+)/.exec(out)?.[1];
      if (url && /Class sandbox: gateway on/.test(out)) ok({ child, url });
    });
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) => fail(new Error(`class serve exited ${code}: ${out}`)));
  });
}

const rssMiB = (pid) =>
  Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;

function pct(xs, q) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
}

/** One learner's day42 through the SDK, each call timed into `samples[call]`. */
async function day42(endpoint, account, samples, errors) {
  const base = { region: 'us-east-1', endpoint, maxAttempts: 1 };
  const admin = { ...base, credentials: account.learner };
  const runner = { ...base, credentials: account.runner };
  const iam = new IAMClient(admin);
  const runnerIam = new IAMClient(runner);
  const trail = new CloudTrailClient(runner);
  const timed = async (name, p, expectError) => {
    const t0 = performance.now();
    try {
      const r = await p;
      if (expectError) errors.push(`${name}: succeeded, expected ${expectError}`);
      return r;
    } catch (e) {
      if (e.name !== expectError) errors.push(`${name}: ${e.name} ${e.message}`);
    } finally {
      (samples[name] ??= []).push(performance.now() - t0);
    }
  };
  // `lab check day42`'s read of the account after a step: event history and the user's keys.
  const check = async () => {
    await timed('LookupEvents (check)', trail.send(new LookupEventsCommand({ MaxResults: 50 })));
    await timed(
      'ListAccessKeys (check)',
      runnerIam.send(new ListAccessKeysCommand({ UserName: 'iam-admin' })),
    );
  };
  // lab start day42: the setup makes iam-admin with IAMFullAccess.
  await timed(
    'GetUser (setup)',
    runnerIam.send(new GetUserCommand({ UserName: 'iam-admin' })),
    'NoSuchEntityException',
  );
  await timed('CreateUser', runnerIam.send(new CreateUserCommand({ UserName: 'iam-admin' })));
  await timed(
    'AttachUserPolicy',
    runnerIam.send(new AttachUserPolicyCommand({ UserName: 'iam-admin', PolicyArn: POLICY })),
  );
  // create-key, configure (local: no call), list-users, denied-ec2 (solve.mjs).
  const made = await timed(
    'CreateAccessKey',
    iam.send(new CreateAccessKeyCommand({ UserName: 'iam-admin' })),
  );
  await check();
  const key = made?.AccessKey;
  if (!key) return;
  const as = {
    ...base,
    credentials: { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey },
  };
  await timed('ListUsers', new IAMClient(as).send(new ListUsersCommand({})));
  await check();
  await timed(
    'DescribeInstances (denied)',
    new EC2Client({ ...as, region: 'ap-southeast-2' }).send(new DescribeInstancesCommand({})),
    'UnauthorizedOperation',
  );
  await check();
  // cleanup step, then the lab's automatic cleanup of what setup made.
  await timed(
    'UpdateAccessKey',
    iam.send(
      new UpdateAccessKeyCommand({
        UserName: 'iam-admin',
        AccessKeyId: key.AccessKeyId,
        Status: 'Inactive',
      }),
    ),
  );
  await timed(
    'DeleteAccessKey',
    iam.send(new DeleteAccessKeyCommand({ UserName: 'iam-admin', AccessKeyId: key.AccessKeyId })),
  );
  await check();
  await timed(
    'DetachUserPolicy',
    runnerIam.send(new DetachUserPolicyCommand({ UserName: 'iam-admin', PolicyArn: POLICY })),
  );
  await timed('DeleteUser', runnerIam.send(new DeleteUserCommand({ UserName: 'iam-admin' })));
}

async function main() {
  const home = mkdtempSync(join(tmpdir(), 'lab-bench-hosted-'));
  const port = 40000 + Math.floor(Math.random() * 20000);
  const env = labEnv(home, { LAB_SANDBOX_PORT: String(port) });
  const cls = await labJson(['class', 'create', 'Bench', '--json'], env);
  const loadBefore = load();
  const server = await serve(env);
  const run = JSON.parse(readFileSync(join(home, 'sandbox', 'run.json'), 'utf8'));
  const enginePid = run.engine.pid;
  // Every engine of the class: the sandbox's own and, with --engines, the extra ones.
  const shardPids = () => {
    try {
      return JSON.parse(readFileSync(join(home, 'sandbox', 'shards-run.json'), 'utf8')).map(
        (r) => r.pid,
      );
    } catch {
      return [];
    }
  };
  const rssAll = () => [enginePid, ...shardPids()].reduce((sum, pid) => sum + rssMiB(pid), 0);
  const rss0 = rssAll();

  const join1 = async (name) => {
    const t0 = performance.now();
    const res = await fetch(`${server.url}/api/v1/join`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: cls.joinCode, name }),
    });
    if (res.status !== 201) throw new Error(`join ${name}: ${res.status} ${await res.text()}`);
    return { ms: performance.now() - t0, ...(await res.json()).sandbox };
  };
  const solo = await join1('Solo');
  const joins = [];
  const learners = [];
  for (let i = 0; i < N; i++) {
    const j = await join1(`Learner ${i + 1}`);
    joins.push(j.ms);
    learners.push(j);
  }
  const rssAccounts = rssAll();

  // One learner alone: the baseline (after one warm-up round, which pays the lazy loads).
  const soloSamples = {};
  const errors = [];
  await day42(solo.endpoint, solo, {}, errors);
  for (let r = 0; r < SOLO_ROUNDS; r++) await day42(solo.endpoint, solo, soloSamples, errors);
  const loadSolo = load();

  // All at once.
  const classSamples = {};
  const t0 = performance.now();
  const perLearner = await Promise.all(
    learners.map(async (l) => {
      const s = performance.now();
      await day42(l.endpoint, l, classSamples, errors);
      return performance.now() - s;
    }),
  );
  const wall = performance.now() - t0;
  const loadClass = load();
  const rssAfter = rssAll();
  server.child.kill('SIGTERM');
  await new Promise((r) => server.child.once('close', r));
  await new Promise((r) =>
    spawn(process.execPath, [LAB, 'sandbox', 'stop'], { env, stdio: 'ignore' }).on('close', r),
  );

  const rows = Object.keys(soloSamples).map((name) => ({
    call: name,
    alone: { p50: pct(soloSamples[name], 0.5), p95: pct(soloSamples[name], 0.95) },
    class: { p50: pct(classSamples[name] ?? [0], 0.5), p95: pct(classSamples[name] ?? [0], 0.95) },
    n: (classSamples[name] ?? []).length,
  }));
  const all = (o) => Object.values(o).flat();
  const result = {
    learners: N,
    machine: `${cpus().length} cores; --engines ${values.engines}; --learner-rate ${values['learner-rate']}; load ${loadBefore} before, ${loadSolo} after the solo rounds, ${loadClass} after the class`,
    joinMs: { p50: pct(joins, 0.5), p95: pct(joins, 0.95) },
    rssMiB: { start: rss0, withAccounts: rssAccounts, after: rssAfter },
    perAccountMiB: (rssAccounts - rss0) / (N + 1),
    perAccountAfterDay42MiB: (rssAfter - rss0) / (N + 1),
    classWallS: wall / 1000,
    learnerDay42S: { p50: pct(perLearner, 0.5) / 1000, p95: pct(perLearner, 0.95) / 1000 },
    allCalls: {
      alone: { p50: pct(all(soloSamples), 0.5), p95: pct(all(soloSamples), 0.95) },
      class: { p50: pct(all(classSamples), 0.5), p95: pct(all(classSamples), 0.95) },
    },
    rows,
    errors: errors.slice(0, 20),
    errorCount: errors.length,
  };
  if (values.json) return console.log(JSON.stringify(result, null, 2));
  const f = (x) => x.toFixed(0).padStart(6);
  console.log(
    `## Hosted class: ${N} learners doing day42 at once on ${values.engines} engine process(es)`,
  );
  console.log(result.machine);
  console.log(
    `join (account made): p50 ${f(result.joinMs.p50)} ms, p95 ${f(result.joinMs.p95)} ms`,
  );
  console.log(
    `engine RSS: ${rss0.toFixed(0)} MiB at start, ${rssAccounts.toFixed(0)} MiB with ${N + 1} accounts ` +
      `(${result.perAccountMiB.toFixed(2)} MiB/account), ${rssAfter.toFixed(0)} MiB after the class's day42 ` +
      `(${result.perAccountAfterDay42MiB.toFixed(2)} MiB/account)`,
  );
  console.log(
    `class day42: wall ${result.classWallS.toFixed(1)} s; one learner's day42 p50 ${result.learnerDay42S.p50.toFixed(1)} s, p95 ${result.learnerDay42S.p95.toFixed(1)} s; errors ${errors.length}`,
  );
  console.log('\n| call | alone p50 | alone p95 | class p50 | class p95 | calls |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const r of rows)
    console.log(
      `| ${r.call} | ${f(r.alone.p50)} | ${f(r.alone.p95)} | ${f(r.class.p50)} | ${f(r.class.p95)} | ${r.n} |`,
    );
  const a = result.allCalls;
  console.log(
    `| **all calls** | ${f(a.alone.p50)} | ${f(a.alone.p95)} | ${f(a.class.p50)} | ${f(a.class.p95)} | ${all(classSamples).length} |`,
  );
  if (errors.length) console.log('\nerrors (first 20):\n' + result.errors.join('\n'));
}

await main();
