// Where the gateway's request validation gets AWS's service models (sandbox/lifecycle/botocore.ts):
// botocore's data directory, asked of the Python that runs moto. Missing models fail the start
// with what to install, and the gateway refuses to start without them.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { botocoreDataDir } from '../../sandbox/lifecycle/botocore.ts';
import { isSandboxError } from '../../sandbox/index.ts';
import { scaled } from '../helpers/timeouts.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'labrunner-models-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function thrown(f: () => unknown) {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('expected an error');
}

it("finds botocore's data directory through the Python that runs moto", () => {
  const dir = botocoreDataDir('python3');
  expect(fs.existsSync(path.join(dir, 'iam', '2010-05-08'))).toBe(true);
  expect(fs.existsSync(path.join(dir, 'ec2', '2016-11-15'))).toBe(true);
});

it('a Python without botocore fails the start with what to install', () => {
  const e = thrown(() => botocoreDataDir('/bin/false'));
  expect(isSandboxError(e)).toBe(true);
  expect(e).toMatchObject({ code: 'models_missing', exitCode: 2 });
  expect((e as Error).message).toContain('cannot import botocore');
  expect((e as { hint: string }).hint).toContain("pip install 'moto[server]'");
});

it('a botocore without the service models names the missing ones', () => {
  // A stand-in botocore package with an empty data directory, found first on PYTHONPATH.
  fs.mkdirSync(path.join(tmp, 'botocore', 'data', 'iam', '2010-05-08'), { recursive: true });
  fs.writeFileSync(path.join(tmp, 'botocore', '__init__.py'), '');
  fs.writeFileSync(path.join(tmp, 'botocore', 'data', 'iam', '2010-05-08', 'service-2.json'), '{}');
  const e = thrown(() => botocoreDataDir('python3', { ...process.env, PYTHONPATH: tmp }));
  expect(e).toMatchObject({ code: 'models_missing' });
  expect((e as Error).message).toMatch(
    /botocore's service models are missing from .*\(sts\/2011-06-15, ec2\/2016-11-15, s3\/2006-03-01, cloudtrail\/2013-11-01\)/,
  );
});

it('the gateway process refuses to start without the models (exit 2, a clear line)', () => {
  const main = path.resolve(import.meta.dirname, '../../sandbox/gateway/main.ts');
  const empty = path.join(tmp, 'empty');
  fs.mkdirSync(empty);
  const r = spawnSync(
    process.execPath,
    [
      main,
      '--port',
      '0',
      '--engine',
      'http://127.0.0.1:9',
      '--state-dir',
      path.join(tmp, 'gw'),
      '--models',
      empty,
    ],
    {
      env: { ...process.env, LAB_ENGINE_SECRET: 'x'.repeat(32) },
      encoding: 'utf8',
      timeout: scaled(20_000),
    },
  );
  expect(r.status).toBe(2);
  expect(r.stderr).toContain(`botocore's service models are missing from ${empty}`);
  const usage = spawnSync(
    process.execPath,
    [main, '--port', '0', '--engine', 'http://127.0.0.1:9', '--state-dir', path.join(tmp, 'gw')],
    {
      env: { ...process.env, LAB_ENGINE_SECRET: 'x'.repeat(32) },
      encoding: 'utf8',
      timeout: scaled(20_000),
    },
  );
  expect(usage.status).toBe(2);
  expect(usage.stderr).toContain('--models <botocore data dir>');
});
