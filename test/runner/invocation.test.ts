// What the CLI tells a newcomer to type: after `npm install`, `npx lab start day42` works and a
// bare `lab` is "command not found" (until `npm link`, or inside `lab shell`).
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { asTyped, labCommand } from '../../runner/invocation.ts';

const LAB = new URL('../../bin/lab.mjs', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'lab-invocation-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
// What npx puts in front of PATH: the project's node_modules/.bin (which holds `lab`).
const npxBin = join(dir, 'project', 'node_modules', '.bin');

test('run by npx with no `lab` on the learner’s PATH: `npx lab`', () => {
  expect(labCommand({ npm_command: 'exec', PATH: `${npxBin}:/usr/bin:/bin` })).toBe('npx lab');
});

test('a `lab` on the learner’s own PATH (npm link, lab shell): `lab`', () => {
  writeFileSync(join(dir, 'lab'), '#!/bin/sh\n');
  chmodSync(join(dir, 'lab'), 0o755);
  expect(labCommand({ npm_command: 'exec', PATH: `${npxBin}:${dir}:/usr/bin` })).toBe('lab');
  expect(labCommand({ PATH: '/usr/bin:/bin' })).toBe('lab'); // not run by npx: typed as `lab`
});

test('messages say `npx lab …` where only that works, and stay as they are where `lab` works', () => {
  const npx = { npm_command: 'exec', PATH: `${npxBin}:/usr/bin:/bin` };
  const hint = 'Run `lab start day42` first (`lab hint day42 create-key` for help; npx lab list).';
  expect(asTyped(hint, npx)).toBe(
    'Run `npx lab start day42` first (`npx lab hint day42 create-key` for help; npx lab list).',
  );
  expect(asTyped(hint, { PATH: '/usr/bin:/bin' })).toBe(hint);
  expect(asTyped('see labs/lab start.md, my-lab check', npx)).toBe(
    'see labs/lab start.md, my-lab check',
  );
});

test('an error run by npx (no `lab` on PATH) names the command as `npx lab …`', () => {
  const r = spawnSync(process.execPath, [LAB, 'hint', 'no-such-lab'], {
    env: { ...process.env, npm_command: 'exec', PATH: `${npxBin}:/usr/bin:/bin`, NO_COLOR: '1' },
    encoding: 'utf8',
  });
  expect(r.status).toBe(2);
  expect(r.stderr).toContain('`npx lab list`');
  expect(r.stderr).not.toMatch(/(?<!npx )lab list/);
});
