import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { lab } from './run-lab.ts';

const fixtureLabs = fileURLToPath(new URL('../lab/fixtures/labs', import.meta.url));

describe('lab hint', () => {
  it("prints a day42 step's hints, numbered, with their summaries", async () => {
    const r = await lab(['hint', 'day42', 'create-key']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^day42 · step 1: Create an access key for iam-admin \(create-key\)$/m,
    );
    expect(r.stdout).toMatch(/^1\. Where is the button\?$/m);
    expect(r.stdout).toMatch(/^2\. The CLI says AccessDenied or NoSuchEntity$/m);
    expect(r.stdout).toContain('Security credentials');
    // Markdown markers are not shown raw in the terminal.
    expect(r.stdout).not.toContain('**');
    expect(r.stdout).not.toContain('`');
  });

  it('falls back to "Hint n" when a hint has no summary; says so when there are none', async () => {
    const one = await lab(['hint', 'alpha', 'one', '--labs', fixtureLabs]);
    expect(one.code).toBe(0);
    expect(one.stdout).toMatch(/^1\. Hint 1$/m);
    expect(one.stdout).toMatch(/^ {3}First hint for one\.$/m);
    expect(one.stdout).toMatch(/^2\. Second$/m);
    const two = await lab(['hint', 'alpha', 'two', '--labs', fixtureLabs]);
    expect(two.code).toBe(0);
    expect(two.stdout).toContain('This step has no hints.');
  });

  it('an unknown step: exit 2, listing the valid step ids', async () => {
    const r = await lab(['hint', 'day42', 'create-keys']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Lab day42 has no step `create-keys`.');
    expect(r.stderr).toContain(
      'Steps of day42: create-key, configure, list-users, denied-ec2, cleanup.',
    );
  });

  it('an unknown lab: exit 2, listing the valid lab ids', async () => {
    const r = await lab(['hint', 'day4', 'x', '--labs', fixtureLabs]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('There is no lab `day4`');
    expect(r.stderr).toContain('Labs: alpha, day9, day10');
  });

  it("no step: the lab's steps, with their titles and hint counts; no lab: usage, exit 2", async () => {
    const r = await lab(['hint', 'day42']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /^ {2}1\. create-key {2}Create an access key for iam-admin \(3 hints\)$/m,
    );
    expect(r.stdout).toMatch(/^ {2}5\. cleanup +Deactivate, then delete the key/m);
    expect(r.stdout).toContain("`lab hint day42 <step>` shows a step's hints.");
    const none = await lab(['hint']);
    expect(none.code).toBe(2);
    expect(none.stderr + none.stdout).toMatch(/LAB/);
  });
});
