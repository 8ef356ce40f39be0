// The gateway as a process (sandbox/gateway/main.ts, as `lab sandbox start` spawns it): the ready
// line, a clear exit 2 on a busy port, a clean SIGTERM that keeps every activity record, and an
// activity log that survives a restart.
import { LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sdk } from './clients.ts';
import { startEngine, testModelsDir, type EngineProcess } from './gateway-fixture.ts';

const MAIN = path.resolve(import.meta.dirname, '../../sandbox/gateway/main.ts');
let dir: string;
let engine: EngineProcess;
let admin: { accessKeyId: string; secretAccessKey: string };

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labrunner-gwmain-'));
  engine = await startEngine(path.join(dir, 'engine'));
  admin = JSON.parse(fs.readFileSync(path.join(dir, 'engine', 'identities.json'), 'utf8')).learner;
});
afterAll(() => {
  engine?.proc.kill('SIGKILL');
  fs.rmSync(dir, { recursive: true, force: true });
});

function run(port: number) {
  const proc = spawn(
    process.execPath,
    [
      MAIN,
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--engine',
      engine.url,
      '--state-dir',
      path.join(dir, 'gw'),
      '--models',
      testModelsDir(),
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LAB_ENGINE_SECRET: engine.secret },
    },
  );
  let stderr = '';
  proc.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  const ready = new Promise<string>((resolve, reject) => {
    createInterface({ input: proc.stdout! }).on('line', (l) => {
      const m = /^ready (http:\/\/127\.0\.0\.1:\d+)$/.exec(l);
      if (m) resolve(m[1]);
    });
    void exited.then((code) => reject(new Error(`gateway exited ${code}: ${stderr}`)));
  });
  return { proc, ready, exited, stderr: () => stderr };
}

it('prints ready, refuses a busy port with exit 2, flushes on SIGTERM, keeps events across restarts', async () => {
  const first = run(0);
  const url = await first.ready;
  const port = Number(new URL(url).port);

  const busy = run(port);
  busy.ready.catch(() => {}); // it must not get ready: exit 2 is asserted below
  expect(await busy.exited).toBe(2);
  expect(busy.stderr()).toContain(`port ${port} on 127.0.0.1 is already in use`);

  const c = sdk(url, admin);
  const burst = await Promise.all(
    Array.from({ length: 25 }, () => c.sts.send(new GetCallerIdentityCommand({}))),
  );
  const ids = burst.map((o) => o.$metadata.requestId);
  // Stop at once, as `lab sandbox stop` does: no record may be lost.
  first.proc.kill('SIGTERM');
  expect(await first.exited).toBe(0);
  const text = fs.readFileSync(path.join(dir, 'gw', 'activity.jsonl'), 'utf8');
  for (const id of ids) expect(text).toContain(`"requestId":"${id}"`);
  expect(fs.statSync(path.join(dir, 'gw', 'activity.jsonl')).mode & 0o777).toBe(0o600);

  const second = run(port);
  const again = await second.ready;
  try {
    // A regional STS endpoint's calls are in that region's history, as AWS logs them (IAM User
    // Guide: "CloudTrail writes calls to all Regional endpoints to their respective Regions"):
    // the burst was signed for the client's region, so look there.
    const out = await sdk(again, admin).cloudtrail.send(
      new LookupEventsCommand({
        LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'GetCallerIdentity' }],
        MaxResults: 50,
      }),
    );
    expect(out.Events!.length).toBe(25);
    const logged = out.Events!.map((e) => JSON.parse(e.CloudTrailEvent!).requestID as string);
    expect(logged.sort()).toEqual([...ids].sort());
  } finally {
    second.proc.kill('SIGTERM');
    await second.exited;
  }
});
