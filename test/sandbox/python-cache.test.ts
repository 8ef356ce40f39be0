// The Python probes before a sandbox start are remembered across processes
// (sandbox/lifecycle/python-cache.ts): a second start spends no ~1 s importing moto to ask, an
// uninstall or upgrade of what the probe imported is noticed, and a wrapper script is never trusted.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { findMotoPython } from '../../sandbox/lifecycle/moto.ts';
import { botocoreDataDir } from '../../sandbox/lifecycle/botocore.ts';
import { cacheFile } from '../../sandbox/lifecycle/python-cache.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'labrunner-pycache-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const python = spawnSync('python3', ['-c', 'import sys; print(sys.executable)'], {
  encoding: 'utf8',
}).stdout.trim();
let n = 0;
/** A fresh cache folder, and a PATH of its own (findMotoPython also remembers in-process by PATH). */
function envWith(extra: Record<string, string> = {}) {
  const cache = path.join(tmp, `cache-${++n}`);
  return {
    ...process.env,
    XDG_CACHE_HOME: cache,
    PATH: `${tmp}/p${n}:${process.env.PATH}`,
    ...extra,
  };
}
const entries = (env: NodeJS.ProcessEnv) =>
  JSON.parse(fs.readFileSync(cacheFile(env), 'utf8')) as Record<
    string,
    { value: string; files: Record<string, number> }
  >;

it('remembers what the probe found, and uses it while the imported files are unchanged', () => {
  // A stand-in moto on PYTHONPATH, so the test can change "what is installed".
  const site = path.join(tmp, 'site');
  fs.mkdirSync(path.join(site, 'moto'), { recursive: true });
  fs.writeFileSync(path.join(site, 'moto', '__init__.py'), '');
  const server = path.join(site, 'moto', 'server.py');
  fs.writeFileSync(server, '');
  const then = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000); // exact in any filesystem
  fs.utimesSync(server, then, then);
  const env = envWith({ LAB_MOTO_PYTHON: python, PYTHONPATH: site });
  expect(findMotoPython(env)).toBe(python);
  const [entry] = Object.values(entries(env));
  expect(entry.value).toBe(python);
  expect(Object.keys(entry.files)).toContain(server);

  // moto's server now fails to import, but its mtime is unchanged: the answer comes from the
  // cache (a probe would have failed). A new PATH bypasses the in-process memory.
  fs.writeFileSync(server, 'raise ImportError("broken")\n');
  fs.utimesSync(server, then, then);
  expect(findMotoPython({ ...env, PATH: `${tmp}/other:${process.env.PATH}` })).toBe(python);

  // Changed (an upgrade, a reinstall): probed again, and the broken moto is reported.
  fs.utimesSync(server, new Date(), new Date());
  expect(() => findMotoPython({ ...env, PATH: `${tmp}/third:${process.env.PATH}` })).toThrow(
    /cannot import moto's server/,
  );
  // Removed (`pip uninstall moto`): the same.
  fs.rmSync(server);
  expect(() => findMotoPython({ ...env, PATH: `${tmp}/fourth:${process.env.PATH}` })).toThrow(
    /cannot import moto's server/,
  );
});

it("remembers botocore's data directory, keyed by PYTHONPATH too", () => {
  const env = envWith();
  const dir = botocoreDataDir('python3', env);
  expect(Object.values(entries(env)).map((e) => e.value)).toEqual([dir]);
  // A stand-in botocore on PYTHONPATH is another key: probed, and its missing models reported.
  const fake = path.join(tmp, 'fake-botocore');
  fs.mkdirSync(path.join(fake, 'botocore', 'data'), { recursive: true });
  fs.writeFileSync(path.join(fake, 'botocore', '__init__.py'), '');
  expect(() => botocoreDataDir('python3', { ...env, PYTHONPATH: fake })).toThrow(
    /service models are missing/,
  );
  expect(Object.values(entries(env)).map((e) => e.value)).toEqual([dir]);
});

it('never caches a wrapper script (a pyenv shim chooses its Python elsewhere)', () => {
  const shim = path.join(tmp, 'shim-python3');
  fs.writeFileSync(shim, `#!/bin/sh\nexec ${python} "$@"\n`, { mode: 0o755 });
  const env = envWith({ LAB_MOTO_PYTHON: shim });
  expect(findMotoPython(env)).toBe(python);
  expect(fs.existsSync(cacheFile(env))).toBe(false);
});
