// The CLI contract, as scripts and people rely on it: unknown flags and extra arguments are
// usage errors (exit 2, the usage, what was wrong); --json prints exactly one JSON document on
// stdout, errors included; every flag the README shows exists in that command's --help.
import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { cleanEnv, lab, ROOT } from '../sandbox/run-cli.ts';

const env = cleanEnv({ LAB_HOME: mkdtempSync(join(tmpdir(), 'lab-contract-')) });

describe('unknown flags and arguments', () => {
  test.each([
    [['status', '--bogus'], /Unknown option --bogus/],
    [['list', 'day42'], /takes no arguments \(got "day42"\)/],
    [['status', 'day42', 'extra'], /Too many arguments \(did not expect "extra"\)/],
    [['check', 'day42', '--wtach'], /Unknown option --wtach/],
    [['check', 'day42', 'extra'], /Too many arguments \(did not expect "extra"\)/],
    [['start', 'day42', '--port', '4567'], /Unknown option --port/],
    [['sandbox', 'status', '--verbose'], /Unknown option --verbose/],
    [['check', 'day42', '--step'], /Option --step needs a value/],
    [['check', 'day42', '--profile', '--no-cleanup'], /Option --profile needs a value/],
  ])('lab %j → exit 2 with the usage and what was wrong', async (args, why) => {
    const r = await lab(args, env);
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stderr).toMatch(why);
    expect(r.stdout + r.stderr).toMatch(/USAGE/);
  });

  test('known spellings still work: --no-<flag>, --flag=value, kebab-case', async () => {
    const r = await lab(['list', '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    // Past the argument check (then stopped by the sandbox not running, which is exit 2 too).
    const c = await lab(['check', 'day42', '--no-cleanup', '--interval=3', '--dry'], env);
    expect(c.stderr).toMatch(/Unknown option --dry\b/);
    const d = await lab(['check', 'day42', '--no-cleanup', '--interval=3'], env);
    expect(d.stderr).not.toMatch(/Unknown option|USAGE/);
  });
});

test('`lab status <lab>`, which an interrupted `lab start` names, shows that lab alone', async () => {
  const r = await lab(['status', 'day42'], env);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout).toMatch(/^day42 .*not started/);
  expect(r.stdout).not.toMatch(/iam-groups|iam-roles/);
  const bad = await lab(['status', 'nope'], env);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toMatch(/"nope" is not a lab id/);
});

describe('--json: one document on stdout, errors included', () => {
  test.each([
    [['check', 'day42', '--json'], 'sandbox_down'],
    [['hint', 'day42', 'create-key', '--json'], 'usage'], // hint has no --json: said as JSON
    [['status', '--json', '--bogus'], 'usage'],
    [['cleanup', 'day42', '--json'], undefined],
  ])('lab %j', async (args, code) => {
    const r = await lab(args, env);
    const doc = JSON.parse(r.stdout); // exactly one document: JSON.parse fails on two
    if (r.code === 2) {
      expect(doc.error.code).toBe(code ?? doc.error.code);
      expect(typeof doc.error.message).toBe('string');
      expect(doc.error).toHaveProperty('hint');
    }
    if (code) expect(r.code).toBe(2);
  });
});

test('every flag the README shows for a command is in that command’s --help', async () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const uses = new Map<string, Set<string>>();
  const sub = /^(sandbox|class|dev) /;
  for (const m of readme.matchAll(/\blab ((?:[a-z]+ )?[a-z]+)((?: +[^\s`|#]+)*)/g)) {
    const words = m[1].split(' ');
    const cmd = sub.test(m[1]) ? m[1] : words[0];
    const flags = [...`${sub.test(m[1]) ? '' : (words[1] ?? '')}${m[2]}`.matchAll(/--[a-z-]+/g)];
    for (const f of flags) uses.set(cmd, (uses.get(cmd) ?? new Set()).add(f[0]));
  }
  expect(uses.size).toBeGreaterThan(2); // the scan found the README's commands
  for (const [cmd, flags] of uses) {
    const help = await lab([...cmd.split(' '), '--help'], env);
    for (const f of flags) expect(help.stdout, `lab ${cmd} ${f}`).toContain(f);
  }
});
