// Every time bound a test states scales with the machine (docs/testing.md, issue 22): a literal
// number of milliseconds is a guess at one machine's speed and fails on a busier one, where
// LAB_TEST_TIMEOUT_FACTOR is raised. `scaled(40_000)` is the same bound at the default factor
// (3) and grows with it.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const TEST_DIR = fileURLToPath(new URL('..', import.meta.url));

/**
 * Tests (`it`/`test`) whose own bound is still a literal. Prettier keeps `}, 120_000);` hugged
 * to the test's body only for a number: `scaled(…)` there reformats the whole test, and these
 * files were being changed by others at the time. The list may only shrink; a new test writes
 * `const SLOW = scaled(…)` and passes SLOW.
 */
const LITERAL_TEST_BOUNDS: Record<string, number> = {
  'class/check.test.ts': 1,
  'class/hosted-engines.test.ts': 1,
  'class/hosted-journey.test.ts': 1,
  'class/hosted-sandbox.test.ts': 1,
  'class/two-labs.test.ts': 1,
  'labs/cloud-labs.test.ts': 2,
  'labs/iam-groups/lab-test.test.ts': 2,
  'labs/iam-groups/loosened-check.test.ts': 1,
  'labs/iam-roles/lab-test.test.ts': 1,
  'labs/iam-roles/twice.test.ts': 1,
  'runner/cleanup/ownership-record.test.ts': 6,
  'runner/cleanup/ownership-regions.test.ts': 1,
  'runner/test-command.test.ts': 4,
  'sandbox/group-commit.test.ts': 1,
  'sandbox/snapshot-iam.test.ts': 1,
};

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.isDirectory()) return e.name === 'fixtures' ? [] : tsFiles(join(dir, e.name));
    return e.name.endsWith('.ts') ? [join(dir, e.name)] : [];
  });
}

/** The first line above `i` indented as `indent` (the call that `}, N);` closes). */
function opener(lines: string[], i: number, indent: string): string {
  for (let j = i - 1; j >= 0; j--) {
    const l = lines[j];
    if (l.trim() && l.startsWith(indent) && !l.startsWith(`${indent} `)) return l.trim();
  }
  return '';
}

it('no hook, process or poll bound is a literal number of milliseconds; test bounds only shrink', () => {
  const found: string[] = [];
  const testBounds: Record<string, number> = {};
  for (const file of tsFiles(TEST_DIR)) {
    const name = relative(TEST_DIR, file);
    if (name === 'suite/scaled-bounds.test.ts') continue;
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.forEach((line, i) => {
      if (/\btimeout: \d[\d_]{3,}\b/.test(line)) found.push(`${name}:${i + 1}: ${line.trim()}`);
      const closing = /^(\s*)\}, \d[\d_]*\);\s*$/.exec(line);
      if (!closing) return;
      const call = opener(lines, i, closing[1]);
      if (/^(it|test)\b/.test(call)) testBounds[name] = (testBounds[name] ?? 0) + 1;
      else found.push(`${name}:${i + 1}: ${call.slice(0, 40)}… ${line.trim()}`);
    });
  }
  expect(found, 'write scaled(<quiet-machine ms>) from test/helpers/timeouts.ts').toEqual([]);
  for (const [name, n] of Object.entries(testBounds)) {
    expect(n, `${name}: a test bound written as a literal`).toBeLessThanOrEqual(
      LITERAL_TEST_BOUNDS[name] ?? 0,
    );
  }
});
