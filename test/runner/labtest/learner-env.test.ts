// `lab test` runs the learner's commands with zx (`bash -c`, stdin a pipe from Node: a socket).
// bash on a socket with SHLVL unset or 0 sources ~/.bashrc as a remote shell would, and an rc
// that puts another `aws` first on PATH then beats the sandbox's wrapper. learnerEnv() keeps
// every such command a plain shell, whatever SHLVL `lab test` itself was started with.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { $ as zx } from 'zx';
import { learnerEnv } from '../../../runner/labtest/learner-env.ts';
import { layout } from '../../../sandbox/lifecycle/layout.ts';
import { sandboxProcessEnv, type SandboxInfo } from '../../../sandbox/index.ts';

let home: string;
let info: SandboxInfo;
let base: Record<string, string>;
beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'lab-learner-env-'));
  // An author's rc as pyenv's installer writes it: something of its own first on PATH.
  await writeFile(
    join(home, '.bashrc'),
    'export PATH="/rc-first/shims:$PATH"\necho "the rc ran" >&2\n',
  );
  const identity = { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'x', arn: 'arn', name: 'n' };
  info = {
    home,
    endpoint: 'http://127.0.0.1:9',
    region: 'us-east-1',
    accountId: '123456789012',
    learner: identity,
    runner: identity,
    configFile: join(home, 'config'),
    credentialsFile: join(home, 'credentials'),
  } as unknown as SandboxInfo;
  base = Object.fromEntries(
    Object.entries(process.env).filter(([k, v]) => v !== undefined && k !== 'SHLVL'),
  ) as Record<string, string>;
  base.HOME = home;
});
afterAll(async () => {
  await rm(home, { recursive: true, force: true });
});

const pathOf = async (env: Record<string, string>) => {
  const $ = zx({ env, quiet: true, verbose: false });
  const r = await $`echo $PATH`;
  return { first: r.stdout.trim().split(':')[0], stderr: r.stderr };
};

describe("lab test's learner environment", () => {
  it('bash started by zx with SHLVL unset sources ~/.bashrc (what learnerEnv guards against)', async () => {
    for (const SHLVL of [undefined, '0']) {
      const env = { ...sandboxProcessEnv(info, base) };
      if (SHLVL) env.SHLVL = SHLVL;
      const { first, stderr } = await pathOf(env);
      expect(first).toBe('/rc-first/shims');
      expect(stderr).toContain('the rc ran');
    }
  });

  it("keeps the sandbox's wrapper first and never runs the rc, started with SHLVL unset or 0", async () => {
    for (const SHLVL of [undefined, '0', '3']) {
      const env = { ...base };
      if (SHLVL) env.SHLVL = SHLVL;
      const e = learnerEnv(info, env, home);
      expect(e.LAB_HOME).toBe(home);
      expect(Number(e.SHLVL)).toBeGreaterThanOrEqual(1);
      if (SHLVL === '3') expect(e.SHLVL).toBe('3');
      const { first, stderr } = await pathOf(e);
      expect(first).toBe(layout(home).binDir);
      expect(stderr).not.toContain('the rc ran');
    }
  });
});
