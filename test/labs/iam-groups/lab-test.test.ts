// iam-groups end to end through the real CLI: `lab test` passes in a fresh sandbox; the same lab
// with its tear-down step left out and its group and attachment kinds not declared leaves them
// behind, and `lab test` fails on the account diff, naming them (the false PASS of issue 10).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lab } from '../../runner/cleanup-fixture.ts';
import { cleanEnv } from '../../sandbox/run-cli.ts';

const REAL = fileURLToPath(new URL('../../../labs/iam-groups/', import.meta.url));
const SDK = fileURLToPath(new URL('../../../runner/sdk/index.ts', import.meta.url));

let home: string;
let labs: string;
beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'lab-iam-groups-'));
  // The broken copy: only the first two steps (no tear-down), and `creates` without the group
  // and the attachment, as an author who forgot them would write it.
  labs = await mkdtemp(join(tmpdir(), 'lab-iam-groups-broken-'));
  await mkdir(join(labs, 'iam-groups'));
  const readme = await readFile(join(REAL, 'README.md'), 'utf8');
  await writeFile(
    join(labs, 'iam-groups', 'README.md'),
    readme.slice(0, readme.indexOf('::: step add-user')),
  );
  await writeFile(
    join(labs, 'iam-groups', 'lab.ts'),
    `import real from ${JSON.stringify(join(REAL, 'lab.ts'))};
import { defineLab } from ${JSON.stringify(SDK)};
export default defineLab({
  id: 'iam-groups',
  creates: ['iam-user', 'access-key', 'profile-section'],
  steps: { 'create-group': real.steps['create-group'], 'attach-policy': real.steps['attach-policy'] },
  // The README's first part keeps its questions, one of them answered by lab.ts.
  quiz: real.quiz,
});
`,
  );
  await writeFile(
    join(labs, 'iam-groups', 'solve.mjs'),
    `import { steps as real } from ${JSON.stringify(join(REAL, 'solve.mjs'))};
export const steps = { 'create-group': real['create-group'], 'attach-policy': real['attach-policy'] };
`,
  );
});
afterAll(async () => {
  await rm(home, { recursive: true, force: true });
  await rm(labs, { recursive: true, force: true });
});

describe('iam-groups', () => {
  it('lab list shows the course: three labs', async () => {
    const r = await lab(['list'], cleanEnv({ LAB_HOME: home }));
    expect(r.code, r.stderr).toBe(0);
    for (const id of ['day42', 'iam-groups', 'iam-roles']) expect(r.stdout).toContain(id);
  });

  it('lab test iam-groups passes: every check fails before its step and passes after; nothing left', async () => {
    const r = await lab(['test', 'iam-groups'], cleanEnv({ LAB_HOME: home }));
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const phases = r.stdout
      .trim()
      .split('\n')
      .slice(1, -1)
      .map((l) => l.replace(/^(✓|✗) ([^:]+):.*$/, '$1 $2'));
    expect(phases).toEqual([
      '✓ setup',
      '✓ create-group',
      '✓ attach-policy',
      '✓ add-user',
      '✓ prove-rights',
      '✓ tear-down',
      // Its knowledge checks, proved after the solve (runner/labtest/quiz.ts).
      '✓ quiz group-facts',
      '✓ quiz which-policy',
      '✓ quiz delete-order',
      '✓ hostile',
      '✓ lab cleanup',
      '✓ account',
      '✓ cli-files',
      // labs/iam-groups/mistakes.mjs: each mistake's verdict, then its hint followed to a pass.
      '✓ mistake create-group',
      '✓ mistake attach-policy',
      '✓ mistake add-user',
      '✓ mistake prove-rights',
      '✓ mistake prove-rights',
      '✓ mistake tear-down',
    ]);
    // Another admin's same-named group and user (the learner deleted theirs) are kept.
    expect(r.stdout).toMatch(
      /✓ lab cleanup: kept IAM group lab-readers, IAM user lab-reader, saying why/,
    );
    // GetCallerIdentity (no permission needed) and a denied ListUsers before the user was in
    // the group never pass the step (issue 17).
    expect(r.stdout).toMatch(
      /✓ mistake prove-rights: out of order: .*failed: .*while lab-reader was not in lab-readers; the recovery passes/,
    );
    expect(r.stdout).toMatch(
      /✓ prove-rights: .*ListUsers allowed .*CreateGroup denied \(AccessDenied\)/,
    );
    // A step the learner has not reached is "not tried yet", never a failure (issue 10).
    expect(r.stdout).not.toMatch(/failed before its step/);
  }, 1_200_000);

  it('a copy that forgets its tear-down and its kinds leaves the group behind: lab test fails, naming it', async () => {
    const r = await lab(['test', 'iam-groups'], cleanEnv({ LAB_HOME: home, LAB_LABS_DIR: labs }));
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toMatch(/✗ account: .*IAM group lab-readers \(\S+\) was added/);
    expect(r.stdout).toMatch(
      /arn:aws:iam::aws:policy\/ReadOnlyAccess attached to group lab-readers was added/,
    );
    expect(r.stdout.trim().split('\n').at(-1)).toBe('FAIL iam-groups: account');
  }, 240_000);
});
