// The "Done when": an instructor creates a class, three learners join
// and work through day42 — Ada finishes, Bo is stuck on step 4, Cy never
// cleans up — and the report shows exactly that, from SQLite and PostgreSQL.
// Everything goes through the real CLI and a real server on loopback; the
// learners' check results travel the real path (outbox → HTTP → store).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { publishResults } from '../../runner/class/outbox.ts';
import type { StepResult } from '../../runner/lab/define.ts';
import type { ClassReport } from '../../runner/class/report.ts';
import { startTestPostgres, type TestPostgres } from '../helpers/postgres.ts';
import { lab, labEnv, must, serveClass, tempHome, type ServerProcess } from './helpers.ts';

let pg: TestPostgres;
beforeAll(async () => {
  pg = await startTestPostgres();
});
afterAll(async () => {
  await pg?.stop();
});

const STEPS = ['create-key', 'configure', 'list-users', 'denied-ec2', 'cleanup'];
const T0 = Date.parse('2026-11-23T09:00:00Z');
const min = (n: number) => T0 + n * 60_000;

/** One `lab check` pass: the given steps passed, the rest failed with day42-like evidence. */
function pass(passed: string[], failed: Record<string, string> = {}): StepResult[] {
  return STEPS.map((id) =>
    passed.includes(id)
      ? { id, status: 'passed', evidence: `${id} ok` }
      : {
          id,
          status: 'failed',
          evidence: failed[id] ?? 'no such call recorded since the lab started',
          hint: 'do the step',
        },
  );
}

describe.each(['sqlite', 'postgres'])('day42 class scenario on %s', (store) => {
  let server: ServerProcess;
  let instructorEnv: Record<string, string>;
  let created: { classId: string; joinCode: string; instructorToken: string };
  const homes: Record<string, string> = {};

  beforeAll(async () => {
    const home = tempHome();
    const databaseUrl = store === 'postgres' ? await pg.createDatabase() : undefined;
    instructorEnv = labEnv(home, { DATABASE_URL: databaseUrl });
    created = JSON.parse(
      must(await lab(['class', 'create', 'Cohort 7', '--json'], instructorEnv)).stdout,
    );
    server = await serveClass(['class', 'serve', '--port', '0'], instructorEnv);
    const health = await (await fetch(`${server.url}/api/v1/health`)).json();
    expect(health.store).toBe(store);

    for (const name of ['Ada', 'Bo', 'Cy']) {
      homes[name] = tempHome();
      const r = must(
        await lab(
          ['join', server.url, '--code', created.joinCode, '--name', name],
          labEnv(homes[name]),
        ),
      );
      expect(r.stdout).toContain('Joined Cohort 7');
    }
    const check = async (who: string, at: number, results: StepResult[]) => {
      const out = await publishResults(homes[who], 'day42', results, { now: () => at, runId: 1 });
      expect(out).toMatchObject({ joined: true, sent: results.length, pending: 0 });
    };
    const still = { cleanup: 'AKIAIOSFODNN7EXAMPLE still exists (Active)' };
    // Ada: works through every step and cleans up.
    await check('Ada', min(0), pass(['create-key'], still));
    await check('Ada', min(6), pass(['create-key', 'configure', 'list-users'], still));
    await check(
      'Ada',
      min(12),
      pass(['create-key', 'configure', 'list-users', 'denied-ec2'], still),
    );
    await check('Ada', min(20), pass(STEPS));
    // Bo: "fixes" the EC2 denial by granting EC2 rights, twice; stuck on step 4.
    const granted = {
      'denied-ec2': 'iam-admin now has EC2 permissions: AmazonEC2ReadOnlyAccess',
      cleanup: 'AKIAI44QH8DHBEXAMPLE still exists (Active)',
    };
    await check('Bo', min(2), pass(['create-key', 'configure', 'list-users'], granted));
    await check('Bo', min(9), pass(['create-key', 'configure', 'list-users'], granted));
    // Cy: does steps 1–4 and never cleans up.
    await check(
      'Cy',
      min(3),
      pass(['create-key', 'configure', 'list-users', 'denied-ec2'], {
        cleanup: 'AKIAJJJJQH8DHBEXAMPL still exists (Active)',
      }),
    );
  });

  afterAll(async () => {
    await server?.stop();
    for (const h of Object.values(homes)) rmSync(h, { recursive: true, force: true });
  });

  const report = async (...extra: string[]) =>
    must(
      await lab(['report', 'day42', '--class', server.url, ...extra], {
        ...instructorEnv,
        LAB_CLASS_TOKEN: created.instructorToken,
      }),
    ).stdout;

  it('JSON: Ada finished, Bo stuck on denied-ec2, Cy never cleaned up; live keys listed first', async () => {
    const r: ClassReport = JSON.parse(await report('--format', 'json'));
    expect(r.labs).toHaveLength(1);
    const day42 = r.labs[0];
    expect(day42.steps).toEqual(STEPS);
    const by = Object.fromEntries(day42.learners.map((l) => [l.name, l]));
    expect(by.Ada).toMatchObject({
      state: 'finished',
      currentStep: null,
      keysAtRisk: false,
      completedAt: min(20),
    });
    expect(by.Bo).toMatchObject({ state: 'stuck', currentStep: 'denied-ec2', keysAtRisk: true });
    expect(by.Cy).toMatchObject({ state: 'stuck', currentStep: 'cleanup', keysAtRisk: true });
    expect(STEPS.slice(0, 4).every((s) => by.Cy.cells[s].status === 'passed')).toBe(true);
    expect(by.Cy.cells.cleanup.status).toBe('failed');
    // Security risk first: learners whose lab key still exists.
    expect(day42.keysAtRisk.map((k) => k.name).sort()).toEqual(['Bo', 'Cy']);
    expect(
      day42.learners
        .slice(0, 2)
        .map((l) => l.name)
        .sort(),
    ).toEqual(['Bo', 'Cy']);
    expect(day42.completion).toEqual({ completed: 1, learners: 3, rate: 1 / 3 });
    expect(day42.completions).toEqual([min(20)]);
    // Stuck points: where learners are stuck, and why.
    const stuck = Object.fromEntries(day42.stuck.map((s) => [s.step, s]));
    expect(stuck['denied-ec2']).toMatchObject({ learnersStuck: 1 });
    expect(stuck['denied-ec2'].reasons[0]).toEqual({
      reason: 'iam-admin now has EC2 permissions: AmazonEC2ReadOnlyAccess',
      count: 2,
    });
    expect(stuck.cleanup.learnersStuck).toBe(1);
    // Different key ids, one reason: evidence is normalized before grouping.
    expect(stuck.cleanup.reasons[0]).toEqual({
      reason: '<key id> still exists (Active)',
      count: 6,
    });
    // Median time per step: Ada took 6 min to configure (0 → 6). Bo and Cy passed it in the
    // same check as create-key, so it has no time of its own: left out, not counted as 0 s.
    expect(day42.medianStepMs.configure).toBe(6 * 60_000);
    expect(day42.medianStepMs.cleanup).toBe(8 * 60_000);
    // Everyone passed create-key with their first check: no time is known (it read 0 s).
    expect(day42.medianStepMs['create-key']).toBeNull();
  });

  it('table, CSV and HTML formats say the same', async () => {
    const table = await report();
    const lines = table.split('\n');
    const riskLine = lines.findIndex((l) => l.includes('Lab access keys still live: 2'));
    const gridLine = lines.findIndex((l) => l.startsWith('learner'));
    expect(riskLine).toBeGreaterThan(0);
    expect(riskLine).toBeLessThan(gridLine);
    expect(table).toContain('Completion: 1/3 learners (33%)');
    expect(table).toMatch(/Bo \[key live\]\s+stuck at denied-ec2/);
    expect(table).toMatch(/Cy \[key live\]\s+stuck at cleanup/);
    expect(table).toMatch(/Ada\s+finished/);

    const csv = await report('--format', 'csv');
    const rows = csv
      .trim()
      .split('\r\n')
      .map((l) => l.split(','));
    expect(rows[0].slice(0, 7)).toEqual([
      'lab',
      'learner',
      'iam_user',
      'learner_state',
      'keys_at_risk',
      'step',
      'status',
    ]);
    expect(rows).toHaveLength(1 + 3 * 5);
    const cell = (name: string, step: string) => rows.find((r) => r[1] === name && r[5] === step)!;
    expect(cell('Bo', 'denied-ec2').slice(3, 7)).toEqual([
      'stuck at denied-ec2',
      'yes',
      'denied-ec2',
      'failed',
    ]);
    expect(cell('Ada', 'cleanup').slice(3, 8)).toEqual([
      'finished',
      'no',
      'cleanup',
      'passed',
      new Date(min(20)).toISOString(),
    ]);
    expect(cell('Cy', 'cleanup').slice(3, 7)).toEqual([
      'stuck at cleanup',
      'yes',
      'cleanup',
      'failed',
    ]);

    const html = await report('--format', 'html');
    expect(html.indexOf('Lab access keys still live (2)')).toBeGreaterThan(0);
    expect(html.indexOf('Lab access keys still live')).toBeLessThan(
      html.indexOf('Learners × steps'),
    );
    expect(html).toContain('<svg class="chart"');
  });

  it('the CSV download of the dashboard needs the instructor token and matches the CLI CSV', async () => {
    const url = `${server.url}/class/${created.classId}/report.csv?lab=day42`;
    expect((await fetch(url)).status).toBe(401);
    const res = await fetch(url, {
      headers: { authorization: `Bearer ${created.instructorToken}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/csv/);
    expect(await res.text()).toBe(await report('--format', 'csv'));
  });

  it('stored the instructor and learner tokens hashed only', async () => {
    const membership = JSON.parse(readFileSync(join(homes.Ada, 'class.json'), 'utf8'));
    if (store === 'sqlite') {
      const db = readFileSync(join(instructorEnv.LAB_HOME, 'class', 'class.db')).toString('latin1');
      expect(db).not.toContain(created.instructorToken);
      expect(db).not.toContain(membership.token);
    }
    expect(membership.token).toMatch(/^lcl_/);
  });
});
