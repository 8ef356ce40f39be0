// The CLI's contract as a user meets it: help on every command, exit codes, no colour in pipes.
import { describe, expect, it } from 'vitest';
import { lab } from './commands/run-lab.ts';

const COMMANDS = [
  'list',
  'start',
  'check',
  'status',
  'hint',
  'cleanup',
  'test',
  'dev',
  'sandbox',
  'shell',
  'serve',
  'class',
  'join',
  'report',
];
const ESC = '\u001b[';

describe('lab', () => {
  it('lists every command with a description, and exits 0 on --help', async () => {
    const r = await lab(['--help']);
    expect(r.code).toBe(0);
    for (const c of COMMANDS) expect(r.stdout).toMatch(new RegExp(`^\\s+${c}\\s+\\S`, 'm'));
    expect(r.stdout).not.toContain('not built yet');
  });

  it.each(COMMANDS)('`lab %s --help` prints its usage and exits 0', async (c) => {
    const r = await lab([c, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`USAGE lab ${c}`);
  });

  it.each(['sandbox start', 'sandbox env', 'dev new', 'class create'])(
    '`lab %s --help` names the command as it is typed, with `lab` in front',
    async (c) => {
      const r = await lab([...c.split(' '), '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`USAGE lab ${c}`);
      expect(r.stdout).toContain(`(lab ${c} v`);
    },
  );

  it('prints no colour codes into a pipe, whatever NO_COLOR says', async () => {
    // As on a learner's machine: not under a test runner or CI (which turn colour off anyway).
    const plain = { TEST: undefined, CI: undefined, VITEST: undefined };
    const piped = await lab(['check', '--help'], { ...plain, NO_COLOR: undefined });
    expect(piped.stdout).toContain('--json');
    expect(piped.stdout).not.toContain(ESC);
    const anyValue = await lab(['--help'], { ...plain, NO_COLOR: 'yes' });
    expect(anyValue.stdout).not.toContain(ESC);
  });

  it('an unknown command is a usage error: exit 2, the usage, and what was wrong', async () => {
    const r = await lab(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Unknown command');
    expect(r.stdout).toContain('USAGE lab');
  });

  it('no arguments shows the usage and exits 2; --version prints the version', async () => {
    expect((await lab([])).code).toBe(2);
    const v = await lab(['--version']);
    expect(v.code).toBe(0);
    expect(v.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
