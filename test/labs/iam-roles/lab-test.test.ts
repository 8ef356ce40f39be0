// iam-roles end to end through the real CLI: `lab test` passes in a fresh sandbox (the CLI
// assumes the role through a role_arn/source_profile profile against the sandbox), and the role
// profile the learner wrote is gone afterwards (cli-files byte for byte as before).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lab } from '../../runner/cleanup-fixture.ts';
import { cleanEnv } from '../../sandbox/run-cli.ts';

let home: string;
beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'lab-iam-roles-'));
});
afterAll(async () => {
  await rm(home, { recursive: true, force: true });
});

describe('iam-roles', () => {
  it('lab test iam-roles passes, from role creation to its removal', async () => {
    const r = await lab(['test', 'iam-roles'], cleanEnv({ LAB_HOME: home }));
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const phases = r.stdout
      .trim()
      .split('\n')
      .slice(1, -1)
      .map((l) => l.replace(/^(✓|✗) ([^:]+):.*$/, '$1 $2'));
    expect(phases).toEqual([
      '✓ setup',
      '✓ create-role',
      '✓ attach-policy',
      '✓ configure-profile',
      '✓ assume-role',
      '✓ session-limits',
      '✓ remove-role',
      // Its knowledge checks, proved after the solve (runner/labtest/quiz.ts).
      '✓ quiz role-credentials',
      '✓ quiz trust-or-permissions',
      '✓ quiz role-id',
      '✓ quiz session-length',
      '✓ hostile',
      '✓ lab cleanup',
      '✓ account',
      '✓ cli-files',
      // labs/iam-roles/mistakes.mjs: each mistake's verdict, then its hint followed to a pass.
      '✓ mistake create-role',
      '✓ mistake attach-policy',
      '✓ mistake configure-profile',
      '✓ mistake assume-role',
      '✓ mistake session-limits',
      '✓ mistake remove-role',
    ]);
    // A source_profile that is not a profile fails, naming it (issue 17).
    expect(r.stdout).toMatch(/✓ mistake configure-profile: .*no profile named admin/);
    expect(r.stdout).toMatch(
      /✓ assume-role: .*GetCallerIdentity as arn:aws:sts::\d+:assumed-role\/lab-viewer\//,
    );
    expect(r.stdout).toMatch(/✓ session-limits: .*denied \(AccessDenied\)/);
    // A step the learner has not reached is "not tried yet", never a failure (issue 10).
    expect(r.stdout).not.toMatch(/failed before its step/);
  }, 1_200_000);
});
