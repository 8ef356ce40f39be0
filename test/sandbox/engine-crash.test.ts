// A crash of the engine (a bug of moto's, not an operation it lacks) is answered at once in the
// protocol's own InternalFailure / InternalError shape: one request, no retries (the CLIs retry a
// 500 up to five times with seconds of back-off), no traceback for the learner, the traceback in
// the engine's log for us (sandbox/engine/engine_gaps.py, sandbox/gateway/fixes/engine-gap.ts).
//
// The crash is forced in the real engine: a sitecustomize module on PYTHONPATH (loaded by Python
// at start, before engine.py) makes three moto methods raise a RuntimeError when called.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ListGroupsCommand } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway } from '../../sandbox/gateway/server.ts';
import { aws, CLIS, failure, sdk } from './clients.ts';
import { REGION, startEngine, testModelsDir, type EngineProcess } from './gateway-fixture.ts';
import { scaled } from '../helpers/timeouts.ts';

const CRASH = 'forced engine crash for the test';
const SITECUSTOMIZE = `
import importlib.abc, importlib.util, sys
TARGETS = {
    "moto.iam.models": ("IAMBackend", "list_groups"),
    "moto.ec2.models.key_pairs": ("KeyPairBackend", "describe_key_pairs"),
    "moto.s3.models": ("S3Backend", "list_buckets"),
}
def crash(*args, **kwargs):
    raise RuntimeError(${JSON.stringify(CRASH)})
class Hook(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name not in TARGETS:
            return None
        sys.meta_path.remove(self)
        try:
            spec = importlib.util.find_spec(name)
        finally:
            sys.meta_path.insert(0, self)
        load = spec.loader.exec_module
        def exec_module(module):
            load(module)
            cls, method = TARGETS[name]
            setattr(getattr(module, cls), method, crash)
        spec.loader.exec_module = exec_module
        return spec
sys.meta_path.insert(0, Hook())
`;

let tmp: string;
let engine: EngineProcess;
let engineLog = '';
let gateway: Awaited<ReturnType<typeof createGateway>>;
let admin: { accessKeyId: string; secretAccessKey: string };

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'labrunner-crash-'));
  fs.mkdirSync(path.join(tmp, 'py'));
  fs.writeFileSync(path.join(tmp, 'py', 'sitecustomize.py'), SITECUSTOMIZE);
  const saved = process.env.PYTHONPATH;
  process.env.PYTHONPATH = [path.join(tmp, 'py'), saved].filter(Boolean).join(path.delimiter);
  try {
    engine = await startEngine(path.join(tmp, 'state'));
  } finally {
    if (saved === undefined) delete process.env.PYTHONPATH;
    else process.env.PYTHONPATH = saved;
  }
  engine.proc.stderr!.on('data', (c: Buffer) => (engineLog += c.toString()));
  const ids = JSON.parse(fs.readFileSync(path.join(tmp, 'state', 'identities.json'), 'utf8'));
  admin = ids.learner;
  gateway = await createGateway({
    engineUrl: engine.url,
    stateDir: path.join(tmp, 'state'),
    engineSecret: engine.secret,
    modelsDir: testModelsDir(),
  });
}, scaled(40_000));

afterAll(async () => {
  await gateway?.close();
  engine?.proc.kill('SIGTERM');
  if (engine) await new Promise((r) => engine.proc.once('exit', r));
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

function cliEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('AWS_')) env[k] = v;
  fs.writeFileSync(path.join(tmp, 'config'), `[default]\nregion = ${REGION}\n`);
  return {
    ...env,
    HOME: tmp,
    AWS_CONFIG_FILE: path.join(tmp, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(tmp, 'none'),
    AWS_ACCESS_KEY_ID: admin.accessKeyId,
    AWS_SECRET_ACCESS_KEY: admin.secretAccessKey,
    AWS_PAGER: '',
  };
}

const CASES = [
  {
    args: ['iam', 'list-groups'],
    op: 'ListGroups',
    code: 'InternalFailure',
    text: 'The request processing has failed because of an unknown error, exception or failure.',
  },
  {
    args: ['ec2', 'describe-key-pairs'],
    op: 'DescribeKeyPairs',
    code: 'InternalError',
    text: 'An internal error has occurred.',
  },
  {
    args: ['s3api', 'list-buckets'],
    op: 'ListBuckets',
    code: 'InternalError',
    text: 'We encountered an internal error. Please try again.',
  },
];

describe('an engine crash', () => {
  it.each(CLIS.flatMap((bin) => CASES.map((c) => [bin, c.op, c] as const)))(
    '%s %s: answered at once in AWS words, one request, no traceback',
    async (bin, _op, c) => {
      const r = await aws(bin, ['--endpoint-url', gateway.url, '--debug', ...c.args], cliEnv());
      expect(r.code).toBe(bin === 'aws' ? 255 : 254);
      const printed = r.stderr.split('\n').filter((l) => l.startsWith('An error occurred'));
      expect(printed).toHaveLength(1);
      expect(printed[0]).toContain(
        `An error occurred (${c.code}) when calling the ${c.op} operation: ${c.text} (The labrunner sandbox's engine failed`,
      );
      expect(printed[0]).not.toMatch(/reached max retries/);
      // One HTTP request: a 500 would have been retried (v1: up to 5 attempts, v2: 3).
      expect(r.stderr.match(/Sending http request/g)?.length ?? 0).toBe(1);
      // Nothing of the engine's insides reaches the learner (--debug prints the whole answer,
      // and the CLI's own traceback of the error, which is not the engine's).
      expect(r.stderr).not.toContain(CRASH);
      expect(r.stderr).not.toMatch(/RuntimeError|moto|engine\.py|httpserver/);
    },
    120_000,
  );

  it('the SDK v3 gets InternalFailure after one attempt (it retries only 500, 502, 503, 504)', async () => {
    const { iam } = sdk(gateway.url, admin, { maxAttempts: 3 });
    const e = await failure(iam.send(new ListGroupsCommand({})));
    expect(e.name).toBe('InternalFailure');
    expect(e.status).toBe(501);
    expect(e.attempts).toBe(1);
  });

  it("logs the traceback in the engine's log, for us", async () => {
    const deadline = Date.now() + 10_000;
    while (!engineLog.includes(CRASH) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(engineLog).toMatch(/engine: ERROR the engine failed on POST \//);
    expect(engineLog).toContain('Traceback (most recent call last)');
    expect(engineLog).toContain(`RuntimeError: ${CRASH}`);
  });

  it('records the failure in event history with the fault on the server side', async () => {
    const file = path.join(tmp, 'state', 'activity.jsonl');
    const deadline = Date.now() + 10_000;
    let lines: { eventName: string; errorCode?: string }[] = [];
    while (Date.now() < deadline) {
      lines = fs.existsSync(file)
        ? fs
            .readFileSync(file, 'utf8')
            .split('\n')
            .filter(Boolean)
            .map((l) => JSON.parse(l))
        : [];
      if (lines.some((l) => l.eventName === 'DescribeKeyPairs')) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(lines.find((l) => l.eventName === 'ListGroups')?.errorCode).toBe('InternalFailure');
    expect(lines.find((l) => l.eventName === 'DescribeKeyPairs')?.errorCode).toBe(
      'Server.InternalError',
    );
  });
});
