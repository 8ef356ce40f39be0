// issue 21, "the server can verify", for every lab: in a class that hosts the sandbox the class
// server runs each lab's own step checks against the learner's account (runner/class/
// account-checks.ts) — not a second copy of day42's rules. Real processes: a class server with
// --sandbox (SQLite), the real engine and gateway, learners joining with the real `lab join`.
// Cy does iam-groups' first step with the real aws CLI (through her lab home's `aws`) and
// s3-basics' first step with the SDK v3, and `lab check` reports them: the server verifies both
// in her account. Dee did nothing and posts "passed" to the API for the same steps: the server
// contradicts each. A step whose evidence lives on the learner's machine (iam-roles'
// configure-profile: the CLI config) is self-reported, never contradicted; a mixed one
// (iam-groups' add-user: user, group and key in the account, the profile holding it local) is
// contradicted when its account part is missing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { readSandboxInfo, sandboxProcessEnv, stopSandbox, freePort } from '../../sandbox/index.ts';
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

let server: ServerProcess;
let serverHome: string;
let serverEnv: Record<string, string>;
let cls: { classId: string; joinCode: string; instructorToken: string };
const homes: Record<string, string> = {};
const accounts: Record<string, string> = {};

type Cell = { status: string; verification?: string; verifiedEvidence?: string };
type Report = {
  labs: { lab: string; learners: { name: string; cells: Record<string, Cell> }[] }[];
};

const api = (path: string) =>
  fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${cls.instructorToken}` } });

/** Every learner's cells of `lab`, by name. */
async function cells(labId: string): Promise<Record<string, Record<string, Cell>>> {
  const r = (await (
    await api(`/api/v1/classes/${cls.classId}/report?lab=${labId}`)
  ).json()) as Report;
  return Object.fromEntries((r.labs[0]?.learners ?? []).map((l) => [l.name, l.cells]));
}

/** The server verifies shortly after results arrive: wait until these cells have its word. */
async function verdicts(labId: string, want: [string, string][]) {
  // Bounded like every wait (a loaded machine verifies slower): 40 s quiet, scaled.
  const deadline = Date.now() + scaled(40_000);
  let c = await cells(labId);
  while (Date.now() < deadline && !want.every(([who, step]) => c[who]?.[step]?.verification)) {
    await new Promise((r) => setTimeout(r, 250));
    c = await cells(labId);
  }
  return c;
}

/** The learner's own `aws` (their lab home's wrapper: the real CLI, their class account). */
function learnerAws(who: string, args: string[]) {
  const env = labEnv(homes[who]);
  const i = readSandboxInfo(homes[who])!;
  return runProcess(join(homes[who], 'sandbox', 'bin', 'aws'), args, {
    env: { ...sandboxProcessEnv(i, env), LAB_HOME: homes[who] },
  });
}

/** `lab check <lab> --json` as `who`: the step statuses (the results also go to the class). */
async function check(who: string, labId: string) {
  const r = await lab(['check', labId, '--json'], labEnv(homes[who]));
  const steps = JSON.parse(r.stdout).steps as { id: string; status: string }[];
  return Object.fromEntries(steps.map((s) => [s.id, s.status]));
}

describe('a hosted class verifies every lab’s steps in the learner’s own account', () => {
  beforeAll(async () => {
    serverHome = tempHome('lab-hosted-verify-server-');
    serverEnv = labEnv(serverHome, { LAB_SANDBOX_PORT: String(await freePort()) });
    cls = JSON.parse(must(await lab(['class', 'create', 'Verify 1', '--json'], serverEnv)).stdout);
    server = await serveClass(['class', 'serve', '--port', '0', '--sandbox'], serverEnv);
    for (const who of ['Cy', 'Dee']) {
      homes[who] = tempHome('lab-hosted-verify-learner-');
      const r = must(
        await lab(
          ['join', server.url, '--code', cls.joinCode, '--name', who, '--json'],
          labEnv(homes[who]),
        ),
      );
      accounts[who] = JSON.parse(r.stdout).sandbox.accountId;
    }
  }, scaled(100_000));

  afterAll(async () => {
    await server?.stop();
    if (serverHome) await stopSandbox({ home: serverHome });
  });

  it('verifies real work in iam-groups and s3-basics, contradicts forged passes, and leaves local evidence self-reported', async () => {
    // Cy, iam-groups step 1 with the real aws CLI. Her lab home starts nothing locally.
    const started = must(await lab(['start', 'iam-groups'], labEnv(homes.Cy)));
    expect(started.stderr).toContain('Reaching your account in the class’s sandbox');
    expect(started.stderr).not.toContain('local sandbox');
    const made = await learnerAws('Cy', ['iam', 'create-group', '--group-name', 'lab-readers']);
    expect(made.code, made.stderr).toBe(0);
    // …and step 3, a mixed one: the user, its group and key in her account, the profile local.
    for (const args of [
      ['iam', 'create-user', '--user-name', 'lab-reader'],
      ['iam', 'add-user-to-group', '--group-name', 'lab-readers', '--user-name', 'lab-reader'],
    ]) {
      const r = await learnerAws('Cy', args);
      expect(r.code, r.stderr).toBe(0);
    }
    const keyOut = await learnerAws('Cy', [
      'iam',
      'create-access-key',
      '--user-name',
      'lab-reader',
      '--output',
      'json',
    ]);
    expect(keyOut.code, keyOut.stderr).toBe(0);
    const key = JSON.parse(keyOut.stdout).AccessKey;
    for (const [k, v] of [
      ['aws_access_key_id', key.AccessKeyId],
      ['aws_secret_access_key', key.SecretAccessKey],
    ]) {
      const r = await learnerAws('Cy', ['configure', 'set', k, v, '--profile', 'lab-reader']);
      expect(r.code, r.stderr).toBe(0);
    }
    const cyGroups = await check('Cy', 'iam-groups');
    expect(cyGroups['create-group']).toBe('passed');
    expect(cyGroups['add-user']).toBe('passed');
    // Cy, s3-basics step 1 with the SDK v3 and her class keys.
    must(await lab(['start', 's3-basics'], labEnv(homes.Cy)));
    const i = readSandboxInfo(homes.Cy)!;
    const bucket = `lab-s3-basics-${accounts.Cy}`;
    await new S3Client({
      region: 'ap-southeast-2',
      endpoint: i.endpoint,
      forcePathStyle: true,
      credentials: {
        accessKeyId: i.learner.accessKeyId,
        secretAccessKey: i.learner.secretAccessKey,
      },
    }).send(
      new CreateBucketCommand({
        Bucket: bucket,
        CreateBucketConfiguration: { LocationConstraint: 'ap-southeast-2' },
      }),
    );
    expect((await check('Cy', 's3-basics'))['create-bucket']).toBe('passed');

    // Dee did none of it, and posts "passed" with her own learner token.
    const token = JSON.parse(readFileSync(join(homes.Dee, 'class.json'), 'utf8')).token;
    const claims: [string, string][] = [
      ['iam-groups', 'create-group'],
      ['iam-groups', 'add-user'],
      ['s3-basics', 'create-bucket'],
      ['iam-roles', 'configure-profile'],
    ];
    const now = Date.now();
    const forged = await fetch(`${server.url}/api/v1/results`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({
        results: claims.map(([labId, step], n) => ({
          key: `forged-${n}`,
          lab: labId,
          step,
          status: 'passed',
          evidence: 'trust me',
          at: now,
        })),
      }),
    });
    expect(forged.status).toBe(200);

    const groups = await verdicts('iam-groups', [
      ['Cy', 'create-group'],
      ['Cy', 'add-user'],
      ['Dee', 'create-group'],
      ['Dee', 'add-user'],
    ]);
    expect(groups.Cy['create-group'], JSON.stringify(groups)).toMatchObject({
      status: 'passed',
      verification: 'verified',
    });
    // The evidence is the lab's own check's, read in Cy's account.
    expect(groups.Cy['create-group'].verifiedEvidence).toMatch(/^CreateGroup lab-readers at /);
    expect(groups.Dee['create-group']).toMatchObject({
      status: 'passed',
      verification: 'contradicted',
    });
    // Mixed: the user, its group and key are the account's part; none exist, so contradicted.
    expect(groups.Dee['add-user']).toMatchObject({ verification: 'contradicted' });
    expect(groups.Dee['add-user'].verifiedEvidence).toContain('the account shows');
    // Cy's mixed step: the account part is there, the profile only she can see.
    expect(groups.Cy['add-user']).toMatchObject({ verification: 'self-reported' });
    expect(groups.Cy['add-user'].verifiedEvidence).toContain('account part is in the account');
    // Cy reported nothing else: no verdict is made up for steps nobody claimed.
    expect(groups.Cy['attach-policy'].verification).toBeUndefined();

    const s3 = await verdicts('s3-basics', [
      ['Cy', 'create-bucket'],
      ['Dee', 'create-bucket'],
    ]);
    expect(s3.Cy['create-bucket'], JSON.stringify(s3)).toMatchObject({
      verification: 'verified',
    });
    expect(s3.Cy['create-bucket'].verifiedEvidence).toContain(bucket);
    expect(s3.Dee['create-bucket']).toMatchObject({ verification: 'contradicted' });

    // Local evidence (the learner's CLI config): self-reported, never contradicted.
    const roles = await verdicts('iam-roles', [['Dee', 'configure-profile']]);
    expect(roles.Dee['configure-profile'], JSON.stringify(roles)).toMatchObject({
      status: 'passed',
      verification: 'self-reported',
    });
    expect(roles.Dee['configure-profile'].verifiedEvidence).toContain("learner's machine");

    // Shown as such to the instructor: the dashboard marks and the CSV column.
    const html = await (await api(`/class/${cls.classId}/dashboard?lab=iam-groups`)).text();
    const row = (name: string) =>
      new RegExp(
        `<tr data-learner="[^"]+"><th scope="row">[\\s\\S]*?<bdi>${name}</bdi>[\\s\\S]*?</tr>`,
      ).exec(html)?.[0] ?? '';
    expect(row('Cy')).toContain('(verified)');
    expect(row('Dee')).toContain('(not verified)');
    const csv = await (await api(`/api/v1/classes/${cls.classId}/report?format=csv`)).text();
    const line = (who: string, labId: string, step: string) =>
      csv.split(/\r?\n/).find((l) => l.startsWith(`${labId},${who},`) && l.includes(`,${step},`)) ??
      '';
    expect(line('Cy', 's3-basics', 'create-bucket')).toContain(',verified,');
    expect(line('Dee', 's3-basics', 'create-bucket')).toContain(',contradicted,');
    expect(line('Dee', 'iam-roles', 'configure-profile')).toContain(',self-reported,');
    // The all-labs overview (three labs have results) names each learner's account.
    const overview = await (await api(`/class/${cls.classId}/dashboard`)).text();
    expect(overview).toContain('<h2 id="overview">Labs</h2>');
    for (const who of ['Cy', 'Dee'])
      expect(overview).toMatch(
        new RegExp(`<bdi>${who}</bdi></a></th><td class="account">${accounts[who]}</td>`),
      );
    // Each learner's account id, in the CSV (last column) and the terminal report.
    expect(csv.split(/\r?\n/)[0]).toMatch(/,account_id$/);
    expect(line('Cy', 's3-basics', 'create-bucket')).toMatch(new RegExp(`,${accounts.Cy}$`));
    expect(line('Dee', 'iam-groups', 'add-user')).toMatch(new RegExp(`,${accounts.Dee}$`));
    const table = must(
      await lab(['report', 'iam-groups', '--class', server.url], {
        ...labEnv(tempHome('lab-hosted-verify-instructor-')),
        LAB_CLASS_TOKEN: cls.instructorToken,
      }),
    );
    expect(table.stdout).toMatch(new RegExp(`Cy \\(account ${accounts.Cy}\\).*ok✓v`));
    expect(table.stdout).toMatch(new RegExp(`Dee \\(account ${accounts.Dee}\\).*ok!v`));
  });

  it('lifts the per-learner rate limit of the server’s home when the server stops, and when the class ends', async () => {
    const rateFile = join(serverHome, 'sandbox', 'gateway', 'learner-rate.json');
    expect(existsSync(rateFile)).toBe(true);
    await server.stop();
    expect(existsSync(rateFile)).toBe(false);
    // Served again (the sandbox still runs): the limit is back while the class is open…
    server = await serveClass(['class', 'serve', '--port', '0', '--sandbox'], serverEnv);
    expect(existsSync(rateFile)).toBe(true);
    // …and lifted when it ends, with the server still running.
    must(
      await lab(['class', 'end', '--yes'], {
        ...labEnv(tempHome('lab-hosted-verify-instructor-')),
        LAB_CLASS_URL: server.url,
        LAB_CLASS_TOKEN: cls.instructorToken,
      }),
    );
    expect(existsSync(rateFile)).toBe(false);
  });
});
