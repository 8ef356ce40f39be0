// `lab check` loads what checking needs and nothing else: the README parser (markdown-it, yaml)
// is for the site, `lab list` and `lab dev check`. It was pulled into every check through one
// small helper (keyLine). zod (~20 ms to load) is for explaining a definition or a verdict
// that is wrong; one that is right passes a plain check first.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { useTestSandbox } from '../helpers/sandbox.ts';

const BIN = new URL('../../bin/lab.mjs', import.meta.url).pathname;
const sb = useTestSandbox();

test('lab check day42 loads neither markdown-it nor yaml, nor zod for a lab that is right', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lab-imports-'));
  const log = join(dir, 'modules.txt');
  const hook = join(dir, 'hook.mjs');
  writeFileSync(
    hook,
    `import module from 'node:module';
import { appendFileSync } from 'node:fs';
module.registerHooks({ resolve(spec, ctx, next) {
  const r = next(spec, ctx);
  appendFileSync(${JSON.stringify(log)}, r.url + '\\n');
  return r;
} });
`,
  );
  const env = { ...process.env, ...sb.env, NO_COLOR: '1' };
  expect(spawnSync(process.execPath, [BIN, 'start', 'day42'], { env }).status).toBe(0);
  const r = spawnSync(process.execPath, ['--import', hook, BIN, 'check', 'day42'], {
    env,
    encoding: 'utf8',
  });
  expect(r.status, r.stderr).toBe(1); // checked: nothing done yet
  const modules = readFileSync(log, 'utf8');
  expect(modules).toContain('/labs/day42/lab.ts'); // the hook saw the check's modules
  expect(modules).toContain('@aws-sdk/client-cloudtrail');
  expect(modules).not.toMatch(/node_modules\/(markdown-it|yaml)\//);
  // zod judges only what is not exactly right (runner/sdk/contract.ts); day42 is right.
  expect(modules).not.toMatch(/node_modules\/zod\//);
});
