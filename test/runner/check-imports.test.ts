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

/** The node_modules packages a `lab` command line imports (a resolve hook logs every module). */
function packagesLoaded(
  args: string[],
  env: NodeJS.ProcessEnv,
): { modules: string; status: number | null } {
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
  const r = spawnSync(process.execPath, ['--import', hook, BIN, ...args], {
    env,
    encoding: 'utf8',
  });
  return { modules: readFileSync(log, 'utf8'), status: r.status };
}

// `lab --help` lists every command, so it imports every command file: what those files import at
// their top is what a learner waits for (0.9 s when list, hint, cleanup and test brought the
// README parser, the SDK clients, the sandbox and zx). Each command imports its flow in run().
test('lab --help imports no command flow: no SDK, no README parser, no zx, no zod', () => {
  const { modules, status } = packagesLoaded(['--help'], { ...process.env, NO_COLOR: '1' });
  expect(status).toBe(0);
  expect(modules).toContain('/runner/commands/cleanup.ts'); // the hook saw the command files
  const packages = new Set(
    [...modules.matchAll(/node_modules\/((?:@[^/]+\/)?[^/]+)\//g)].map((m) => m[1]),
  );
  expect([...packages].sort()).toEqual(['citty', 'picocolors', 'yocto-spinner', 'yoctocolors']);
});

test('lab check day42 loads neither markdown-it nor yaml, nor zod for a lab that is right', () => {
  const env = { ...process.env, ...sb.env, NO_COLOR: '1' };
  expect(spawnSync(process.execPath, [BIN, 'start', 'day42'], { env }).status).toBe(0);
  const { modules, status } = packagesLoaded(['check', 'day42'], env);
  expect(status).toBe(1); // checked: nothing done yet
  expect(modules).toContain('/labs/day42/lab.ts'); // the hook saw the check's modules
  expect(modules).toContain('@aws-sdk/client-cloudtrail');
  expect(modules).not.toMatch(/node_modules\/(markdown-it|yaml)\//);
  // zod judges only what is not exactly right (runner/sdk/contract.ts); day42 is right.
  expect(modules).not.toMatch(/node_modules\/zod\//);
});
