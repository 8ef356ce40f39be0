// Reports are per lab, for every lab: one learner does two labs of the course (iam-groups and
// day42) in one sandbox; the real `lab check` sends both labs' results to a class server, and
// `lab report` (every lab) shows each lab with its own steps: done, and "not tried yet" (not
// failed) for what the learner has not attempted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.ts';
import { startClassServer, type RunningClassServer } from '../../runner/class/server.ts';
import type { ClassReport } from '../../runner/class/report.ts';
import { lab, labEnv, must, tempHome } from './helpers.ts';
import { scaled } from '../helpers/timeouts.ts';

let sb: TestSandbox;
let srv: RunningClassServer;
let cls: { classId: string; joinCode: string; instructorToken: string };
const serverHome = tempHome();

beforeAll(async () => {
  [sb, srv] = await Promise.all([startTestSandbox(), startClassServer({ home: serverHome })]);
  cls = await srv.store.createClass('Course');
}, scaled(40_000));
afterAll(async () => {
  await sb?.stop();
  await srv?.close();
  rmSync(serverHome, { recursive: true, force: true });
});

describe('a class report over two labs of the course', () => {
  it('shows each lab with its own steps; untried steps are not-tried, not failed', async () => {
    const env = { ...sb.env, NO_COLOR: '1' };
    must(await lab(['start', 'iam-groups'], env));
    must(await lab(['start', 'day42'], env));
    must(await lab(['join', srv.url, '--code', cls.joinCode, '--name', 'Ada'], env));
    const aws = spawnSync('aws', ['iam', 'create-group', '--group-name', 'lab-readers'], {
      env,
      encoding: 'utf8',
    });
    expect(aws.status, aws.stderr).toBe(0);
    expect((await lab(['check', 'iam-groups', '--no-cleanup'], env)).code).toBe(1);
    expect((await lab(['check', 'day42', '--no-cleanup'], env)).code).toBe(1);

    const r = must(
      await lab(['report', '--class', srv.url, '--format', 'json'], {
        ...labEnv(tempHome()),
        LAB_CLASS_TOKEN: cls.instructorToken,
      }),
    );
    const report = JSON.parse(r.stdout) as ClassReport;
    const byLab = Object.fromEntries(report.labs.map((l) => [l.lab, l]));
    expect(Object.keys(byLab).sort()).toEqual(['day42', 'iam-groups']);
    expect(byLab['iam-groups'].steps).toEqual([
      'create-group',
      'attach-policy',
      'add-user',
      'prove-rights',
      'tear-down',
    ]);
    const groups = byLab['iam-groups'].learners[0];
    expect(groups.cells['create-group'].status).toBe('passed');
    expect(groups.cells['attach-policy'].status).toBe('not-tried');
    expect(groups).toMatchObject({ state: 'in-progress', currentStep: 'attach-policy' });
    const day42 = byLab.day42.learners[0];
    expect(Object.values(day42.cells).map((c) => c.status)).toEqual(Array(5).fill('not-tried'));
    // Nobody is "stuck" on a step they have not tried.
    expect(byLab.day42.stuck.every((s) => s.learnersStuck === 0)).toBe(true);
  }, 180_000);
});
