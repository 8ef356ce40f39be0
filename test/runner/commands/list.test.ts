import { describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lab } from './run-lab.ts';

const fixtureLabs = fileURLToPath(new URL('../lab/fixtures/labs', import.meta.url));
const malformed = fileURLToPath(new URL('../lab/fixtures/malformed', import.meta.url));

describe('lab list', () => {
  it('lists the repository labs, day42 with its title, minutes and services', async () => {
    const r = await lab(['list']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^day42\s+Day 42: IAM programmatic access and the AWS CLI\s+40 min\s+IAM, EC2, STS$/m,
    );
  });

  it('lists the repository labs in course order (frontmatter `order`), not by id', async () => {
    const r = await lab(['list']);
    const ids = r.stdout
      .split('\n')
      .filter((l) => /^\S+\s{2}/.test(l))
      .map((l) => l.split(/\s+/)[0]);
    expect(ids.slice(0, 5)).toEqual([
      'iam-groups',
      'day42',
      'iam-roles',
      's3-basics',
      'ec2-first-instance',
    ]);
  });

  it('a lab with an order comes before the labs without one, whatever its id', async () => {
    const root = mkdtempSync(join(tmpdir(), 'lab-order-'));
    try {
      cpSync(fixtureLabs, root, { recursive: true });
      const readme = join(root, 'day10', 'README.md');
      writeFileSync(readme, readFileSync(readme, 'utf8').replace(/\n---/, '\norder: 1\n---'));
      const r = await lab(['list', '--labs', root]);
      expect(r.code, r.stderr).toBe(0);
      const ids = r.stdout
        .split('\n')
        .filter((l) => /^\S+\s{2}/.test(l))
        .map((l) => l.split(/\s+/)[0]);
      expect(ids).toEqual(['day10', 'alpha', 'day9']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('--labs lists another folder, in natural id order', async () => {
    const r = await lab(['list', '--labs', fixtureLabs]);
    expect(r.code).toBe(0);
    const ids = r.stdout
      .split('\n')
      .filter((l) => /^\S+\s{2}/.test(l))
      .map((l) => l.split(/\s+/)[0]);
    expect(ids).toEqual(['alpha', 'day9', 'day10']);
  });

  it('LAB_LABS_DIR does the same, and --json prints one object', async () => {
    const r = await lab(['list', '--json'], { LAB_LABS_DIR: fixtureLabs });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.labs.map((l: any) => l.id)).toEqual(['alpha', 'day9', 'day10']);
    expect(out.labs[0]).toEqual({
      id: 'alpha',
      title: 'Alpha',
      summary: 'The first fixture lab.',
      minutes: 10,
      level: 'beginner',
      services: ['IAM', 'STS'],
    });
  });

  it('a malformed lab stops the listing with file:line, exit 2', async () => {
    const r = await lab(['list', '--labs', malformed]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/malformed\/[\w-]+\/README\.md:\d+ — /);
  });

  it('a labs folder that does not exist: exit 2 with what to do', async () => {
    const r = await lab(['list', '--labs', '/nonexistent/labs']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Cannot read the labs folder /nonexistent/labs (ENOENT).');
    expect(r.stderr).toContain('--labs <dir>');
  });
});
