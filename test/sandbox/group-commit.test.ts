// issue 21, scale: a class's learners write to one engine at once. Each write must be on disk
// before its client hears 200 (issue 16), but writers that queued while a snapshot was being
// written share the next one (engine.py commit(): group commit) instead of one snapshot each.
// Proven here: 40 concurrent CreateUser calls all succeed with fewer snapshots than writes,
// and every one of them survives kill -9 of the engine.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CreateUserCommand, IAMClient, paginateListUsers } from '@aws-sdk/client-iam';
import { ensureSandbox, sandboxDirs } from '../../sandbox/index.ts';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.ts';
import { scaled } from '../helpers/timeouts.ts';

const WRITES = 40;
let sb: TestSandbox;
const iam = () =>
  new IAMClient({ region: 'us-east-1', endpoint: sb.endpoint, credentials: sb.learner });
const snapshots = () =>
  readFileSync(sandboxDirs(sb.home).engineLog, 'utf8').match(/snapshot iam:/g)?.length ?? 0;

beforeAll(async () => {
  sb = await startTestSandbox();
}, scaled(40_000));

afterAll(async () => {
  await sb?.stop();
});

it('concurrent writes share snapshots, and every acknowledged one survives kill -9', async () => {
  const before = snapshots();
  const names = Array.from({ length: WRITES }, (_, i) => `writer-${i}`);
  await Promise.all(names.map((UserName) => iam().send(new CreateUserCommand({ UserName }))));
  const written = snapshots() - before;
  expect(written).toBeGreaterThan(0);
  expect(written, `${written} snapshots for ${WRITES} writes`).toBeLessThan(WRITES);

  sb.kill('engine');
  await ensureSandbox({ home: sb.home });
  const users: string[] = [];
  for await (const page of paginateListUsers({ client: iam() }, {}))
    users.push(...(page.Users ?? []).map((u) => u.UserName!));
  expect(users).toEqual(expect.arrayContaining(names));
}, 240_000);
