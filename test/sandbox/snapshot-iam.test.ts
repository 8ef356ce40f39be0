// issue 21, scale: a class's engine holds many accounts, and every IAM write snapshots IAM under
// the engine's write lock. moto gives each account ~1,500 AWS managed policies; the snapshot
// keeps only the attached ones (engine/snapshot_iam.py), so its size grows with what learners
// made, not with the number of accounts (it was ~150 KB per account: 15 MB and 2-3 s per write
// at 100 accounts). After a restart every account still has all AWS managed policies, the
// attached ones still attached (counted once), and the customer's own policies. And each
// account's copy of those policies shares their text with every other account's.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  AttachUserPolicyCommand,
  CreatePolicyCommand,
  CreateUserCommand,
  GetPolicyCommand,
  IAMClient,
  ListAttachedUserPoliciesCommand,
  ListPoliciesCommand,
  paginateListPolicies,
} from '@aws-sdk/client-iam';
import {
  createSandboxAccount,
  ensureSandbox,
  stopSandbox,
  type Credentials,
} from '../../sandbox/index.ts';
import { layout } from '../../sandbox/lifecycle/layout.ts';
import { readRun } from '../../sandbox/lifecycle/state.ts';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.ts';
import { scaled } from '../helpers/timeouts.ts';

const ACCOUNTS = 12;
let sb: TestSandbox;
let keys: Credentials;
let endpoint: string;
const iam = () => new IAMClient({ region: 'us-east-1', endpoint, credentials: keys });
const FULL = 'arn:aws:iam::aws:policy/IAMFullAccess';

async function awsPolicyCount(): Promise<number> {
  let n = 0;
  for await (const page of paginateListPolicies({ client: iam() }, { Scope: 'AWS' }))
    n += page.Policies?.length ?? 0;
  return n;
}

let rssPerAccount = 0;
const rssMiB = () => {
  const pid = readRun(layout(sb.home)).engine!.pid;
  return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
};

beforeAll(async () => {
  sb = await startTestSandbox();
  endpoint = sb.endpoint;
  keys = (await createSandboxAccount(sb.home)).learner; // the first pays the one-time loads
  const before = rssMiB();
  for (let i = 1; i < ACCOUNTS; i++) keys = (await createSandboxAccount(sb.home)).learner;
  rssPerAccount = (rssMiB() - before) / (ACCOUNTS - 1);
}, scaled(80_000));

afterAll(async () => {
  await sb?.stop();
});

it("shares the AWS managed policies' text between accounts: an account costs the engine little memory", () => {
  // engine/iam_shared_policies.py: ~4.4 MiB per account before (each account parsed moto's
  // 2 MB of policy data and kept its own copy of every document), ~1.2 MiB now.
  expect(rssPerAccount, `${rssPerAccount.toFixed(2)} MiB per account`).toBeLessThan(2.5);
});

it('keeps the IAM snapshot small with many accounts, and restores every account whole', async () => {
  await iam().send(new CreateUserCommand({ UserName: 'u' }));
  await iam().send(new AttachUserPolicyCommand({ UserName: 'u', PolicyArn: FULL }));
  const mine = await iam().send(
    new CreatePolicyCommand({
      PolicyName: 'mine',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: '*' }],
      }),
    }),
  );
  await iam().send(new AttachUserPolicyCommand({ UserName: 'u', PolicyArn: mine.Policy!.Arn! }));
  const awsBefore = await awsPolicyCount();
  expect(awsBefore).toBeGreaterThan(1000);

  const snapshot = join(layout(sb.home).engineState, 'snapshots', 'iam.pickle');
  const perAccount = statSync(snapshot).size / (ACCOUNTS + 1);
  expect(perAccount, `${perAccount.toFixed(0)} bytes per account`).toBeLessThan(20_000);

  await stopSandbox({ home: sb.home });
  await ensureSandbox({ home: sb.home });

  expect(await awsPolicyCount()).toBe(awsBefore);
  const attached = await iam().send(new ListAttachedUserPoliciesCommand({ UserName: 'u' }));
  expect(attached.AttachedPolicies?.map((p) => p.PolicyArn).sort()).toEqual(
    [FULL, mine.Policy!.Arn!].sort(),
  );
  expect(
    (await iam().send(new GetPolicyCommand({ PolicyArn: FULL }))).Policy?.AttachmentCount,
  ).toBe(1);
  // An AWS policy nobody had attached is still there, and attaches as before.
  const ro = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
  await iam().send(new AttachUserPolicyCommand({ UserName: 'u', PolicyArn: ro }));
  expect((await iam().send(new GetPolicyCommand({ PolicyArn: ro }))).Policy?.AttachmentCount).toBe(
    1,
  );
  const local = await iam().send(new ListPoliciesCommand({ Scope: 'Local' }));
  expect(local.Policies?.map((p) => p.PolicyName)).toEqual(['mine']);
}, 240_000);
