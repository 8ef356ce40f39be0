// The day42 lab text: the contract other parts rely on (step ids for lab.ts and solve.mjs,
// the site's rendering), and the lessons the lab must teach.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { loadLab, renderLab, DEFAULT_LABS_ROOT } from '../../../runner/lab/index.ts';

const lab = await loadLab(join(DEFAULT_LABS_ROOT, 'day42'));
const html = renderLab(lab);

describe('labs/day42/README.md', () => {
  it('has exactly the five steps, in order, each with a title and at least one hint', () => {
    expect(lab.steps.map((s) => s.id)).toEqual([
      'create-key',
      'configure',
      'list-users',
      'denied-ec2',
      'cleanup',
    ]);
    for (const s of lab.steps) {
      expect(s.title.length).toBeGreaterThan(5);
      expect(s.hints.length).toBeGreaterThan(0);
    }
  });

  it('describes itself for the index and the runner', () => {
    expect(lab.meta.region).toBe('ap-southeast-2');
    expect(lab.meta.services).toEqual(expect.arrayContaining(['IAM', 'EC2']));
    expect(lab.meta.targets).toEqual(['sandbox', 'aws']);
  });

  const step = (id: string) => lab.steps.find((s) => s.id === id)!.body;

  it('gives the console path and the CLI for creating the key', () => {
    expect(step('create-key')).toMatch(/IAM.*Users.*iam-admin/s);
    expect(step('create-key')).toContain('Security credentials');
    expect(step('create-key')).toContain('Create access key');
    expect(step('create-key')).toContain('.csv');
    expect(step('create-key')).toContain('aws iam create-access-key --user-name iam-admin');
  });

  it('configures region ap-southeast-2 and json output, and uses the iam-admin profile after', () => {
    expect(step('configure')).toContain('aws configure --profile iam-admin');
    expect(step('configure')).toContain('ap-southeast-2');
    expect(step('configure')).toContain('json');
    expect(step('list-users')).toContain('aws iam list-users --profile iam-admin');
    expect(step('denied-ec2')).toContain('aws ec2 describe-instances --profile iam-admin');
    expect(step('denied-ec2')).toContain('UnauthorizedOperation');
  });

  it('retires the key by deactivating, then deleting it', () => {
    const body = step('cleanup');
    expect(body.indexOf('--status Inactive')).toBeGreaterThan(0);
    expect(body.indexOf('aws iam delete-access-key')).toBeGreaterThan(
      body.indexOf('--status Inactive'),
    );
  });

  it('teaches the security lessons', () => {
    for (const lesson of [
      /shown once/i,
      /root/i,
      /least privilege/i,
      /rotate/i,
      /delete what you do not use/i,
    ])
      expect(lab.body).toMatch(lesson);
  });

  it('shows sandbox and AWS variants side by side, with expected output and copyable commands', () => {
    expect(html.match(/<div class="lab-variants">/g)!.length).toBeGreaterThanOrEqual(3);
    expect(html).toContain('data-target="sandbox"');
    expect(html).toContain('data-target="aws"');
    expect(html).toContain('lab shell');
    expect(html).toContain('sandbox-admin');
    expect(html).toContain('lab serve');
    expect(html.match(/class="lab-expected"/g)!.length).toBeGreaterThanOrEqual(4);
    expect(html).toContain('data-copy="aws iam list-users --profile iam-admin"');
  });
});
