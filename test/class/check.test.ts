// The whole chain with the real runner: learners do day42 in their own sandbox
// with the real `aws` CLI, the real `lab check` sends each result to the class
// (both stores at once: the membership is switched between two classes), and
// the reports show Ada finished, Bo stuck on step 4, Cy never cleaned up.
// Then `lab report --verify` in a shared class account, against the sandbox.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.ts';
import { startTestPostgres, type TestPostgres } from '../helpers/postgres.ts';
import { startClassServer, type RunningClassServer } from '../../runner/class/server.ts';
import { publishResults } from '../../runner/class/outbox.ts';
import type { ClassReport } from '../../runner/class/report.ts';
import { lab, labEnv, must, tempHome } from './helpers.ts';
import { scaled } from '../helpers/timeouts.ts';

const SLOW = scaled(150_000); // 300 s at the default factor

const STEPS = ['create-key', 'configure', 'list-users', 'denied-ec2', 'cleanup'];

/** The real `aws` CLI in the sandbox; `env` overrides (undefined removes a variable). */
function aws(
  sb: TestSandbox,
  args: string[],
  env: Record<string, string | undefined> = {},
): string {
  const merged: Record<string, string | undefined> = { ...sb.env, ...env };
  for (const k of Object.keys(merged)) if (merged[k] === undefined) delete merged[k];
  const r = spawnSync('aws', args, { env: merged as Record<string, string>, encoding: 'utf8' });
  if (r.status !== 0 && !args.includes('describe-instances')) {
    throw new Error(`aws ${args.join(' ')} failed: ${r.stderr}`);
  }
  return r.stdout + r.stderr;
}

describe('real `lab check` results reach the class (SQLite and PostgreSQL)', () => {
  let pg: TestPostgres;
  const servers: RunningClassServer[] = [];
  const sandboxes: Record<string, TestSandbox> = {};
  const classes: { classId: string; joinCode: string; instructorToken: string }[] = [];
  const serverHomes: string[] = [];

  beforeAll(async () => {
    pg = await startTestPostgres();
    for (const databaseUrl of [undefined, await pg.createDatabase()]) {
      const home = tempHome();
      serverHomes.push(home);
      const srv = await startClassServer({ home, databaseUrl });
      servers.push(srv);
      classes.push(await srv.store.createClass('Cohort 7'));
    }
    const names = ['Ada', 'Bo', 'Cy'];
    const started = await Promise.all(names.map(() => startTestSandbox()));
    names.forEach((n, i) => (sandboxes[n] = started[i]));
    for (const n of names) {
      const sb = sandboxes[n];
      must(await lab(['start', 'day42'], { ...sb.env, NO_COLOR: '1' }));
      // Join both classes; keep each membership to switch between them.
      for (const [i, srv] of servers.entries()) {
        must(
          await lab(['join', srv.url, '--code', classes[i].joinCode, '--name', n], {
            ...sb.env,
            NO_COLOR: '1',
          }),
        );
        copyFileSync(join(sb.home, 'class.json'), join(sb.home, `class-${i}.json`));
      }
    }
  }, SLOW);

  afterAll(async () => {
    await Promise.all(Object.values(sandboxes).map((s) => s.stop()));
    for (const s of servers) await s.close();
    await pg?.stop();
    for (const h of serverHomes) rmSync(h, { recursive: true, force: true });
  });

  /** `lab check day42` once per class (the membership switched in between). */
  async function check(name: string) {
    const sb = sandboxes[name];
    const codes: number[] = [];
    for (const i of servers.keys()) {
      copyFileSync(join(sb.home, `class-${i}.json`), join(sb.home, 'class.json'));
      const r = await lab(['check', 'day42', '--no-cleanup'], { ...sb.env, NO_COLOR: '1' });
      expect(r.code, r.stderr).toBeLessThan(2);
      expect(r.stderr).not.toContain('queued, not sent');
      codes.push(r.code);
    }
    return codes;
  }

  const secrets: string[] = [];
  function createAndConfigure(sb: TestSandbox) {
    const key = JSON.parse(
      aws(sb, ['iam', 'create-access-key', '--user-name', 'iam-admin']),
    ).AccessKey;
    secrets.push(key.SecretAccessKey);
    aws(sb, ['configure', 'set', 'aws_access_key_id', key.AccessKeyId, '--profile', 'work']);
    aws(sb, [
      'configure',
      'set',
      'aws_secret_access_key',
      key.SecretAccessKey,
      '--profile',
      'work',
    ]);
    aws(sb, ['configure', 'set', 'region', 'ap-southeast-2', '--profile', 'work']);
    return key.AccessKeyId as string;
  }

  it('Ada finishes, Bo is stuck on step 4, Cy never cleans up — in both reports', async () => {
    const { Ada, Bo, Cy } = sandboxes;
    expect(await check('Ada')).toEqual([1, 1]);
    const adaKey = createAndConfigure(Ada);
    aws(Ada, ['iam', 'list-users', '--profile', 'work']);
    expect(aws(Ada, ['ec2', 'describe-instances', '--profile', 'work'])).toMatch(
      /UnauthorizedOperation/,
    );
    await check('Ada');
    aws(Ada, [
      'iam',
      'update-access-key',
      '--user-name',
      'iam-admin',
      '--access-key-id',
      adaKey,
      '--status',
      'Inactive',
    ]);
    aws(Ada, ['iam', 'delete-access-key', '--user-name', 'iam-admin', '--access-key-id', adaKey]);
    expect(await check('Ada')).toEqual([0, 0]);

    createAndConfigure(Bo);
    aws(Bo, ['iam', 'list-users', '--profile', 'work']);
    // Bo "fixes" the denial by granting iam-admin EC2 rights: the check must not pass.
    aws(Bo, [
      'iam',
      'put-user-policy',
      '--user-name',
      'iam-admin',
      '--policy-name',
      'ec2-read',
      '--policy-document',
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'ec2:Describe*', Resource: '*' }],
      }),
    ]);
    aws(Bo, ['ec2', 'describe-instances', '--profile', 'work']);
    expect(await check('Bo')).toEqual([1, 1]);

    createAndConfigure(Cy);
    aws(Cy, ['iam', 'list-users', '--profile', 'work']);
    aws(Cy, ['ec2', 'describe-instances', '--profile', 'work']);
    expect(await check('Cy')).toEqual([1, 1]);

    for (const [i, srv] of servers.entries()) {
      const r = must(
        await lab(['report', 'day42', '--class', srv.url, '--format', 'json'], {
          ...labEnv(tempHome()),
          LAB_CLASS_TOKEN: classes[i].instructorToken,
        }),
      );
      const day42 = (JSON.parse(r.stdout) as ClassReport).labs[0];
      const by = Object.fromEntries(day42.learners.map((l) => [l.name, l]));
      expect(by.Ada.state, srv.store.kind).toBe('finished');
      expect(by.Bo).toMatchObject({ state: 'stuck', currentStep: 'denied-ec2', keysAtRisk: true });
      // Cy has not tried the clean-up step: in progress there (not stuck: nothing failed), and
      // the key is still live.
      expect(by.Cy).toMatchObject({
        state: 'in-progress',
        currentStep: 'cleanup',
        keysAtRisk: true,
      });
      expect(STEPS.map((s) => by.Cy.cells[s].status)).toEqual([
        ...Array(4).fill('passed'),
        'not-tried',
      ]);
      expect(day42.keysAtRisk.map((k) => k.name).sort()).toEqual(['Bo', 'Cy']);
      expect(day42.completion).toMatchObject({ completed: 1, learners: 3 });
      const ec2 = day42.stuck.find((s) => s.step === 'denied-ec2')!;
      expect(ec2.learnersStuck).toBe(1);
      expect(ec2.reasons.map((x) => x.reason).join('\n')).toContain(
        'iam-admin now has EC2 permissions',
      );
    }
    // Two dozen real checks and aws calls: allow for a loaded CI machine.
  }, 300_000);

  it('no secret access key reached a class store or a learner outbox', async () => {
    expect(secrets).toHaveLength(3);
    const files = [
      join(serverHomes[0], 'class', 'class.db'),
      ...Object.values(sandboxes).map((sb) => join(sb.home, 'class-outbox.db')),
    ];
    const rows = await servers[1].store.sql.all<Record<string, unknown>>(
      'SELECT evidence, hint FROM results UNION ALL SELECT last_evidence, NULL FROM progress',
    );
    expect(rows.length).toBeGreaterThan(0);
    for (const secret of secrets) {
      for (const f of files) expect(readFileSync(f).includes(Buffer.from(secret)), f).toBe(false);
      expect(JSON.stringify(rows)).not.toContain(secret);
    }
  });
});

describe('lab report --verify in a shared class account (the sandbox)', () => {
  let sb: TestSandbox;
  let srv: RunningClassServer;
  let home: string;
  beforeAll(async () => {
    home = tempHome();
    [sb, srv] = await Promise.all([startTestSandbox(), startClassServer({ home })]);
  });
  afterAll(async () => {
    await sb?.stop();
    await srv?.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('marks what the account proves as verified, and a false claim as contradicted', async () => {
    const cls = await srv.store.createClass('Shared account');
    const keys: Record<string, { id: string; secret: string }> = {};
    for (const user of ['learner-ann', 'learner-ben', 'learner-cal']) {
      aws(sb, ['iam', 'create-user', '--user-name', user]);
      aws(sb, [
        'iam',
        'attach-user-policy',
        '--user-name',
        user,
        '--policy-arn',
        'arn:aws:iam::aws:policy/IAMFullAccess',
      ]);
      const k = JSON.parse(aws(sb, ['iam', 'create-access-key', '--user-name', user])).AccessKey;
      keys[user] = { id: k.AccessKeyId, secret: k.SecretAccessKey };
      const as = {
        AWS_ACCESS_KEY_ID: k.AccessKeyId,
        AWS_SECRET_ACCESS_KEY: k.SecretAccessKey,
        AWS_PROFILE: undefined,
      };
      aws(sb, ['iam', 'list-users'], as);
      aws(sb, ['ec2', 'describe-instances'], as);
    }
    // Ann cleans up the way the lab teaches; Ben says he did, but his key is still there.
    aws(sb, [
      'iam',
      'update-access-key',
      '--user-name',
      'learner-ann',
      '--access-key-id',
      keys['learner-ann'].id,
      '--status',
      'Inactive',
    ]);
    aws(sb, [
      'iam',
      'delete-access-key',
      '--user-name',
      'learner-ann',
      '--access-key-id',
      keys['learner-ann'].id,
    ]);

    for (const [name, user] of [
      ['Ann', 'learner-ann'],
      ['Ben', 'learner-ben'],
      ['Cal', 'learner-cal'],
    ]) {
      const lh = tempHome();
      must(
        await lab(
          ['join', srv.url, '--code', cls.joinCode, '--name', name, '--iam-user', user],
          labEnv(lh),
        ),
      );
      if (name === 'Cal') continue; // joins, never checks
      await publishResults(
        lh,
        'day42',
        STEPS.map((id) => ({ id, status: 'passed', evidence: 'done' })),
      );
    }
    const selfReported = JSON.parse(
      must(
        // --json: the same document as --format json (the convention every command keeps).
        await lab(['report', 'day42', '--class', srv.url, '--json'], {
          ...labEnv(tempHome()),
          LAB_CLASS_TOKEN: cls.instructorToken,
        }),
      ).stdout,
    ) as ClassReport;
    expect(selfReported.labs[0].keysAtRisk).toEqual([]);

    const r = await lab(
      [
        'report',
        'day42',
        '--class',
        srv.url,
        '--format',
        'json',
        '--verify',
        '--profile',
        'sandbox-admin',
      ],
      { ...sb.env, NO_COLOR: '1', LAB_HOME: tempHome(), LAB_CLASS_TOKEN: cls.instructorToken },
    );
    expect(r.code, r.stderr).toBe(0);
    const day42 = (JSON.parse(r.stdout) as ClassReport).labs[0];
    const by = Object.fromEntries(day42.learners.map((l) => [l.name, l]));
    for (const s of STEPS) expect(by.Ann.cells[s].verification, `Ann ${s}`).toBe('verified');
    expect(by.Ann.keysAtRisk).toBe(false);
    expect(by.Ben.cells['list-users'].verification).toBe('verified');
    expect(by.Ben.cells['denied-ec2'].verification).toBe('verified');
    expect(by.Ben.cells.cleanup.verification).toBe('contradicted');
    expect(by.Ben.keysAtRisk).toBe(true);
    // Cal never ran a check: the account alone proves the key, and says when it was made.
    expect(by.Cal.cells['create-key'].verification).toBe('verified');
    expect(by.Cal.cells['create-key'].passedAt).toEqual(expect.any(Number));
    expect(day42.keysAtRisk.map((k) => k.name).sort()).toEqual(['Ben', 'Cal']);
    for (const k of day42.keysAtRisk) expect(k.since, k.name).toEqual(expect.any(Number));
    // The instructor's own calls (runner user agent) were not taken for the learners'.
    expect(r.stdout).not.toContain(keys['learner-ben'].secret);

    // The terminal table: each live key with its date, and a legend for the marks.
    const table = await lab(
      ['report', 'day42', '--class', srv.url, '--verify', '--profile', 'sandbox-admin'],
      { ...sb.env, NO_COLOR: '1', LAB_HOME: tempHome(), LAB_CLASS_TOKEN: cls.instructorToken },
    );
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/- Cal: key created \d{4}-\d\d-\d\d \d\d:\d\d UTC \(verified\)/);
    expect(table.stdout).not.toMatch(/key created\s+UTC/);
    expect(table.stdout).toMatch(/Marks: ok passed, FAIL failed.*✓v confirmed by the account/);
  });

  it('a learner who joins mid-lab shows the steps done before, at the times they were done', async () => {
    const cls = await srv.store.createClass('Late joiners');
    // The sandbox's own lab home: its state (and so the sandbox) lives there.
    const env = { ...sb.env, NO_COLOR: '1' };
    must(await lab(['start', 'day42'], env));
    const key = JSON.parse(
      aws(sb, ['iam', 'create-access-key', '--user-name', 'iam-admin'], env),
    ).AccessKey;
    aws(sb, ['configure', 'set', 'aws_access_key_id', key.AccessKeyId, '--profile', 'work'], env);
    aws(
      sb,
      ['configure', 'set', 'aws_secret_access_key', key.SecretAccessKey, '--profile', 'work'],
      env,
    );
    aws(sb, ['configure', 'set', 'region', 'ap-southeast-2', '--profile', 'work'], env);
    const before = await lab(['check', 'day42', '--json'], env);
    expect(before.code, before.stderr).toBe(1);
    const localAt = Date.now();
    // The class server's clock moves on: the join happens later than the checks.
    while (Date.now() < localAt + 20) await new Promise((r) => setImmediate(r));
    const joined = await lab(
      ['join', srv.url, '--code', cls.joinCode, '--name', 'Dee', '--json'],
      env,
    );
    expect(joined.code, joined.stderr).toBe(0);
    expect(JSON.parse(joined.stdout).earlierResults).toBe(STEPS.length);

    const report = async () => {
      const r = await lab(['report', 'day42', '--class', srv.url, '--json'], {
        ...labEnv(tempHome()),
        LAB_CLASS_TOKEN: cls.instructorToken,
      });
      expect(r.code, r.stderr).toBe(0);
      return (JSON.parse(r.stdout) as ClassReport).labs[0].learners[0];
    };
    const dee = await report();
    expect(dee.cells['create-key'].status).toBe('passed');
    expect(dee.cells.configure.status).toBe('passed');
    expect(dee.cells['create-key'].passedAt!).toBeLessThanOrEqual(localAt);
    expect(dee.state).not.toBe('not-started');

    // The next check, after the join, re-sends the early passes: they keep their first time.
    aws(sb, ['iam', 'list-users', '--profile', 'work'], env);
    const after = await lab(['check', 'day42'], env);
    expect(after.stderr).not.toContain('queued, not sent');
    const later = await report();
    expect(later.cells['create-key'].passedAt).toBe(dee.cells['create-key'].passedAt);
    expect(later.cells['list-users'].status).toBe('passed');
    expect(later.cells['list-users'].passedAt!).toBeGreaterThan(localAt);
  });
});
