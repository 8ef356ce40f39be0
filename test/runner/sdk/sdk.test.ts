// The lab SDK as an author meets it: `lab dev new` scaffolds a lab that passes `lab dev check`;
// `lab dev check` type-checks and validates definitions (lab.ts:line); a check that returns a
// wrong shape, or lets an SDK error escape, is reported as the lab's, naming the lab, the step
// and lab.ts:line, in a few lines, never as "a bug in labrunner". Real sandbox, real CLI.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestSandbox, type TestSandbox } from '../../helpers/sandbox.ts';
import { lab } from '../cleanup-fixture.ts';

let sb: TestSandbox;
let labs: string;
let root: string;

beforeAll(async () => {
  // Next to a node_modules link: a lab here resolves @aws-sdk/* as a lab in labs/ does.
  root = await mkdtemp(join(tmpdir(), 'lab-sdk-'));
  await symlink(
    fileURLToPath(new URL('../../../node_modules', import.meta.url)),
    join(root, 'node_modules'),
  );
  labs = join(root, 'labs');
  await mkdir(labs);
  sb = await startTestSandbox();
});
afterAll(async () => {
  await sb?.stop();
  await rm(root, { recursive: true, force: true });
});

const env = () => ({ ...sb.env, LAB_LABS_DIR: labs });

/** Scaffold `id`, then replace its lab.ts check body with `body`. */
async function labWithCheck(id: string, body: string) {
  expect((await lab(['dev', 'new', id, '--labs', labs], sb.env)).code).toBe(0);
  const file = join(labs, id, 'lab.ts');
  const src = await readFile(file, 'utf8');
  const start = src.indexOf('      async check(ctx) {');
  const end = src.indexOf('\n      },\n    },\n  },\n});');
  await writeFile(file, `${src.slice(0, start)}      async check(ctx) {\n${body}${src.slice(end)}`);
  return file;
}

const lineOf = (src: string, needle: string) =>
  src.split('\n').findIndex((l) => l.includes(needle)) + 1;

describe('the lab SDK', () => {
  it('lab dev new scaffolds a lab that passes lab dev check; dev check names type and schema errors with lab.ts:line', async () => {
    const made = await lab(['dev', 'new', 'fresh-lab', '--labs', labs], sb.env);
    expect(made.code, made.stderr).toBe(0);
    expect(made.stdout).toContain('lab.ts');
    const ok = await lab(['dev', 'check', 'fresh-lab', '--labs', labs], sb.env);
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);

    // A misspelt kind and a misspelt step in `after`: type errors, at their lines.
    const file = join(labs, 'fresh-lab', 'lab.ts');
    const src = (await readFile(file, 'utf8'))
      .replace('creates: [],', "creates: ['iam-grup'],")
      .replace("'who-am-i': {", "'who-am-i': {\n      after: ['who-am-I'],");
    await writeFile(file, src);
    const bad = await lab(['dev', 'check', 'fresh-lab', '--labs', labs], sb.env);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toContain(`lab.ts:${lineOf(src, "creates: ['iam-grup']")} — type error`);
    expect(bad.stdout).toContain(`lab.ts:${lineOf(src, "after: ['who-am-I']")} — type error`);
    expect(bad.stdout).toMatch(/`creates\.0`.*iam-group/);
  });

  it('a check returning the wrong shape names the lab, the step and lab.ts:line (exit 2)', async () => {
    const file = await labWithCheck('bad-shape', '        return { passed: true } as any;\n');
    const src = await readFile(file, 'utf8');
    expect((await lab(['start', 'bad-shape'], env())).code).toBe(0);
    const r = await lab(['check', 'bad-shape'], env());
    expect(r.code).toBe(2);
    const out = r.stdout + r.stderr;
    expect(out).toContain('Lab bad-shape, step who-am-i');
    expect(out).toContain(`lab.ts:${lineOf(src, "'who-am-i': {")}`);
    expect(out).toContain('{"passed":true}');
    expect(out).toMatch(/passed\('evidence'\)/);
    expect(out).not.toMatch(/bug in labrunner|SQLite|bound to/);
  });

  it('an SDK error escaping a check is the lab’s: step, lab.ts:line, ignoreNotFound hint, a few lines', async () => {
    const file = await labWithCheck(
      'throws',
      [
        "        const { GetUserCommand } = await import('@aws-sdk/client-iam');",
        "        await ctx.clients.iam.send(new GetUserCommand({ UserName: 'nobody-here' }));",
        "        return passed('never');",
        '',
      ].join('\n'),
    );
    const src = await readFile(file, 'utf8');
    expect((await lab(['start', 'throws'], env())).code).toBe(0);
    const r = await lab(['check', 'throws'], env());
    expect(r.code).toBe(2);
    const out = r.stdout + r.stderr;
    expect(out).toContain('Lab throws, step who-am-i: its check threw NoSuchEntity');
    expect(out).toMatch(
      new RegExp(`lab\\.ts:(${lineOf(src, 'GetUserCommand({')}|${lineOf(src, "'who-am-i': {")})`),
    );
    expect(out).toContain('ignoreNotFound');
    expect(out).not.toMatch(/bug in labrunner|\$metadata|httpStatusCode/);
    expect(out.trim().split('\n').length).toBeLessThan(8);
  });

  it('a setup that throws is the lab’s too: lab start names the lab and lab.ts:line (exit 2)', async () => {
    expect((await lab(['dev', 'new', 'bad-setup', '--labs', labs], sb.env)).code).toBe(0);
    const file = join(labs, 'bad-setup', 'lab.ts');
    const src = (await readFile(file, 'utf8')).replace(
      '  steps: {',
      [
        '  async setup(ctx) {',
        "    const { GetUserCommand } = await import('@aws-sdk/client-iam');",
        "    await ctx.clients.iam.send(new GetUserCommand({ UserName: 'nobody-here' }));",
        '  },',
        '  steps: {',
      ].join('\n'),
    );
    await writeFile(file, src);
    const r = await lab(['start', 'bad-setup'], env());
    expect(r.code).toBe(2);
    const out = r.stdout + r.stderr;
    expect(out).toContain('Lab bad-setup: its setup threw NoSuchEntity');
    expect(out).toMatch(
      new RegExp(`lab\\.ts:(${lineOf(src, 'GetUserCommand({')}|${lineOf(src, 'async setup(')})`),
    );
    expect(out).not.toMatch(/bug in labrunner|\$metadata/);
  });
});
