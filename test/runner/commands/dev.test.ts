import { describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lab } from './run-lab.ts';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const clean = join(fixtures, 'dev-clean');
const broken = join(fixtures, 'dev-broken');
const rel = 'test/runner/commands/fixtures/dev-broken';

describe('lab dev check', () => {
  it('clean labs: a tick per lab, exit 0', async () => {
    const r = await lab(['dev', 'check', '--labs', clean]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('✓ one\n✓ two\n');
    expect(r.stdout).toContain('2 lab(s) checked, no problems.');
  });

  it('drift between README.md, lab.ts and solve.mjs: file:line for each, exit 2', async () => {
    const r = await lab(['dev', 'check', 'drift', '--labs', broken]);
    expect(r.code).toBe(2);
    expect(r.stdout.split('\n').filter((l) => l.startsWith('  '))).toEqual([
      `  ${rel}/drift/README.md:18 — step \`b\` has no check in lab.ts — add \`'b': …\` to \`steps\` in lab.ts`,
      `  ${rel}/drift/lab.ts:6 — check \`x\` has no \`::: step x\` in README.md — rename it to one of \`a\`, \`b\`, \`c\`, or add the step to README.md`,
      `  ${rel}/drift/solve.mjs:2 — the steps in solve.mjs are not in README.md's order (\`b\` comes before \`a\`) — order them as README.md does: a, b, c`,
    ]);
  });

  it('evidence questions and lab.ts quiz functions drift: file:line for each, exit 2', async () => {
    const r = await lab(['dev', 'check', 'quiz-drift', '--labs', broken]);
    expect(r.code).toBe(2);
    expect(r.stdout.split('\n').filter((l) => l.startsWith('  '))).toEqual([
      `  ${rel}/quiz-drift/README.md:16 — quiz \`which-user\` takes its answer from lab.ts, which has no \`quiz.which-user\` — add \`quiz: { 'which-user': async (ctx) => answer(…) }\` to lab.ts (answer and notYet come from the lab SDK)`,
      `  ${rel}/quiz-drift/lab.ts:7 — \`quiz.region\` in lab.ts has no \`::: quiz region evidence\` in README.md — write \`::: quiz region evidence\` in README.md (and drop its choices), or remove \`quiz.region\``,
    ]);
  });

  it('a lab.ts that throws on import is reported with its path and line', async () => {
    const r = await lab(['dev', 'check', 'throws', '--labs', broken]);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain(
      `${rel}/throws/lab.ts:3 — lab.ts fails to import: cannot reach ap-southeast-2 — `,
    );
  });

  it('a lab.ts that imports anything but the lab SDK is refused: file:line and a fix', async () => {
    const r = await lab(['dev', 'check', 'imports', '--labs', broken]);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain(
      `${rel}/imports/lab.ts:2 — imports node:fs: a lab does not touch files, processes or the network itself — read the account through ctx.clients`,
    );
    expect(r.stdout).toContain(
      `${rel}/imports/lab.ts:3 — imports ../../../../../../runner/store/index.ts (runner/store/index.ts), which is labrunner's own code, not the lab SDK — import what you need from the lab SDK (../../../../../../runner/sdk/index.ts)`,
    );
    // The lab SDK itself (line 4) is fine.
    expect(r.stdout).not.toContain(`${rel}/imports/lab.ts:4`);
  });

  it('every broken lab is reported in one run; --json gives the same problems', async () => {
    const r = await lab(['dev', 'check', '--labs', broken, '--json']);
    expect(r.code).toBe(2);
    const out = JSON.parse(r.stdout);
    expect(out.ok).toBe(false);
    const byLab = Object.fromEntries(
      out.labs.map((l: any) => [l.id, l.problems.map((p: any) => `${p.file}:${p.line}`)]),
    );
    expect(byLab).toEqual({
      'bad-readme': [`${rel}/bad-readme/README.md:18`],
      drift: [`${rel}/drift/README.md:18`, `${rel}/drift/lab.ts:6`, `${rel}/drift/solve.mjs:2`],
      imports: [`${rel}/imports/lab.ts:2`, `${rel}/imports/lab.ts:3`],
      'no-default': [`${rel}/no-default/lab.ts:1`, `${rel}/no-default/solve.mjs:1`],
      'quiz-drift': [`${rel}/quiz-drift/README.md:16`, `${rel}/quiz-drift/lab.ts:7`],
      throws: [`${rel}/throws/lab.ts:3`],
      'wrong-id': [`${rel}/wrong-id/lab.ts:2`, `${rel}/wrong-id/lab.ts:5`],
    });
    const wrong = out.labs.find((l: any) => l.id === 'wrong-id').problems;
    expect(wrong[0].message).toBe('lab.ts says `id: "other"` but README.md says `id: wrong-id`');
    expect(wrong[1].message).toBe('step `b` in lab.ts waits for `nope`, which is not a step');
  });

  it('a malformed README.md gives the same file:line message as the loader', async () => {
    const r = await lab(['dev', 'check', 'bad-readme', '--labs', broken]);
    expect(r.stdout).toContain(
      `${rel}/bad-readme/README.md:18 — step id \`a\` is used twice (first at line 11) — give each step its own id`,
    );
  });

  it('a folder without README.md, and two labs with one id, are problems', async () => {
    const root = mkdtempSync(join(tmpdir(), 'lab-dev-check-'));
    try {
      cpSync(join(clean, 'one'), join(root, 'one'), { recursive: true });
      cpSync(join(clean, 'one'), join(root, 'one-copy'), { recursive: true });
      writeFileSync(join(root, 'empty.txt'), '');
      cpSync(join(clean, 'two'), join(root, 'notes'), { recursive: true });
      rmSync(join(root, 'notes', 'README.md'));
      const r = await lab(['dev', 'check', '--json', '--labs', root]);
      expect(r.code).toBe(2);
      const problems = JSON.parse(r.stdout).labs.flatMap((l: any) => l.problems);
      const messages = problems.map((p: any) => p.message);
      expect(messages).toContain('README.md is missing');
      // The copy's id differs from its folder name (so two labs never share an id).
      expect(messages).toContain('the lab id `one` differs from its folder name `one-copy`');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('an unknown lab: exit 2, listing the labs', async () => {
    const r = await lab(['dev', 'check', 'nope', '--labs', clean]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('There is no lab `nope`');
    expect(r.stderr).toContain('Labs: one, two.');
  });

  it('the repository labs pass (day42: README.md, lab.ts and solve.mjs agree)', async () => {
    const r = await lab(['dev', 'check', 'day42']);
    expect(r.stdout).toContain('✓ day42');
    expect(r.code).toBe(0);
  });
});
