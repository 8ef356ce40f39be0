// `lab` without npx: the launcher `lab shell` and `lab sandbox env` put next to the `aws`
// wrapper, and bin/lab.mjs run by an older `node` (as after `npm link` on a machine whose
// node is Debian's 20), which hands over to the project's own Node 24.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { writeLabLauncher } from '../../runner/commands/sandbox/launcher.ts';
import pkg from '../../package.json' with { type: 'json' };
import { LAB } from './pty.ts';

test('the launcher runs this checkout’s lab with this Node, whatever node PATH finds', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lab-launcher-'));
  try {
    const lab = writeLabLauncher(dir);
    const out = execFileSync(lab, ['--version'], { env: { PATH: '/usr/bin:/bin' } });
    expect(String(out).trim()).toBe(pkg.version);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bin/lab.mjs under an older node hands over to the project’s Node 24', () => {
  const old = String(execFileSync('/usr/bin/node', ['--version'])).trim();
  expect(Number(old.slice(1).split('.')[0])).toBeLessThan(22); // the case this covers
  const out = execFileSync('/usr/bin/node', [LAB, '--version']);
  expect(String(out).trim()).toBe(pkg.version);
});
