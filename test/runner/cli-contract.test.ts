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
    [['hint', 'day42', 'nope', '--json'], 'unknown_step'],
    [['status', '--json', '--bogus'], 'usage'],
    [['cleanup', 'day42', '--json'], undefined],
    [['sandbox', 'start', '--port', '0', '--json'], 'bad_port'],
    [['sandbox', 'env', '--port', 'x', '--json'], 'bad_port'],
    [['sandbox', 'reset', '--json'], 'confirm_reset'],
    [['test', 'nope', '--json'], undefined],
    [['report', '--json'], 'usage'],
    [['report', '--json', '--format', 'csv', '--class', 'http://127.0.0.1:9'], 'usage'],
  ])('lab %j', async (args, code) => {
    const r = await lab(args, env);
    const doc = JSON.parse(r.stdout); // exactly one document: JSON.parse fails on two
    if (r.code === 2) {
      expect(doc.error.code).toBe(code ?? doc.error.code);
      expect(typeof doc.error.message).toBe('string');
      expect(doc.error).toHaveProperty('hint');
    }
    if (code) expect(r.code).toBe(2);
    if (args[0] === 'test' || args[0] === 'sandbox') expect(r.code).toBe(2);
  });

  test('lab hint --json: the step and its hints as the lab wrote them; no step: the steps', async () => {
    const r = await lab(['hint', 'day42', 'create-key', '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ lab: 'day42', step: 'create-key', index: 1 });
    expect(doc.title).toMatch(/access key/i);
    expect(doc.hints.length).toBeGreaterThan(1);
    for (const h of doc.hints) expect(Object.keys(h)).toEqual(['summary', 'text']);
    // Markdown as written (the terminal rendering drops the ** the site shows as bold).
    expect(doc.hints[0].text).toMatch(/\*\*IAM → Users/);
    const all = JSON.parse((await lab(['hint', 'day42', '--json'], env)).stdout);
    expect(all.steps.map((s: { id: string }) => s.id)).toEqual([
      'create-key',
      'configure',
      'list-users',
      'denied-ec2',
      'cleanup',
    ]);
    expect(all.steps[0]).toEqual({
      id: 'create-key',
      index: 1,
      title: doc.title,
      hints: doc.hints.length,
    });
  });

  test('lab sandbox status/stop --json with no sandbox: stopped, exit 1 and 0', async () => {
    const s = await lab(['sandbox', 'status', '--json'], env);
    expect(s.code, s.stderr).toBe(1);
    expect(JSON.parse(s.stdout)).toMatchObject({ state: 'stopped', running: false });
    const t = await lab(['sandbox', 'stop', '--json'], env);
    expect(t.code, t.stderr).toBe(0);
    expect(JSON.parse(t.stdout)).toEqual({
      state: 'stopped',
      wasRunning: false,
      stopped: [],
      orphaned: false,
      home: env.LAB_HOME,
      dir: join(env.LAB_HOME, 'sandbox'),
    });
  });
});

test('every command the README says takes --json has it in its --help', async () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8').replace(/\s+/g, ' ');
  const list = /`--json` \(on ([^;]+);/.exec(readme);
  expect(list, 'the README names the commands with --json').not.toBeNull();
  const commands = [...list![1].matchAll(/`([a-z |]+)`/g)].flatMap(([, c]) => {
    const [head, rest] = c.split(' ');
    return rest ? rest.split('|').map((sub) => [head, sub]) : [[head]];
  });
  expect(commands.length).toBe(22);
  for (const cmd of commands) {
    const help = await lab([...cmd, '--help'], env);
    expect(help.stdout, `lab ${cmd.join(' ')} --help`).toMatch(/--json\b/);
  }
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
