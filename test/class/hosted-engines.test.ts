// issue 21, beyond one engine, end to end: `lab class serve --sandbox --engines 2` spreads the
// learners' accounts over two engine processes (round robin at join, ids ≡ shard mod 2) behind
// the class's one gateway. Four learners join with the real CLI; each works in their own account
// whichever engine holds it; isolation and global bucket names hold across the engines; the
// instructor's reset reaches the account's own engine; `lab sandbox stop` stops both engines.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateUserCommand, GetUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { freePort, readSandboxInfo, stopSandbox, type SandboxInfo } from '../../sandbox/index.ts';
import { shardOf } from '../../sandbox/gateway/shards.ts';
import { alive } from '../../sandbox/lifecycle/processes.ts';
import { lab, labEnv, must, serveClass, tempHome, type ServerProcess } from './helpers.ts';
import { scaled } from '../helpers/timeouts.ts';

const NAMES = ['Ada', 'Bo', 'Cy', 'Di'] as const;
let server: ServerProcess;
let serverHome: string;
let cls: { joinCode: string; instructorToken: string };
const info = {} as Record<string, SandboxInfo>;

const clients = (i: SandboxInfo) => {
  const o = { region: 'us-east-1', endpoint: i.endpoint, credentials: i.learner };
  return {
    iam: new IAMClient(o),
    sts: new STSClient(o),
    s3: new S3Client({ ...o, forcePathStyle: true }),
  };
};

beforeAll(async () => {
  serverHome = tempHome('lab-engines-server-');
  const env = labEnv(serverHome, { LAB_SANDBOX_PORT: String(await freePort()) });
  cls = JSON.parse(must(await lab(['class', 'create', 'Sharded', '--json'], env)).stdout);
  server = await serveClass(['class', 'serve', '--port', '0', '--sandbox', '--engines', '2'], env);
  await server.printed(/spread over 2 engine processes/);
  for (const name of NAMES) {
    const home = tempHome('lab-engines-learner-');
    must(
      await lab(
        ['join', server.url, '--code', cls.joinCode, '--name', name, '--json'],
        labEnv(home),
      ),
    );
    info[name] = readSandboxInfo(home)!;
  }
}, scaled(80_000));

afterAll(async () => {
  await server?.stop();
  if (serverHome) await stopSandbox({ home: serverHome });
});

it('spreads accounts over two engines and each learner works in their own, isolated', async () => {
  const shards = NAMES.map((n) => shardOf(info[n].accountId, 2));
  expect(shards).toEqual([0, 1, 0, 1]); // round robin at join
  for (const n of NAMES) {
    const who = await clients(info[n]).sts.send(new GetCallerIdentityCommand({}));
    expect(who.Account).toBe(info[n].accountId);
    await clients(info[n]).iam.send(new CreateUserCommand({ UserName: `${n}-user` }));
  }
  // Bo (engine 1) cannot see Ada's user (engine 0), nor Cy Ada's (same engine).
  for (const n of ['Bo', 'Cy']) {
    await expect(
      clients(info[n]).iam.send(new GetUserCommand({ UserName: 'Ada-user' })),
    ).rejects.toMatchObject({ name: 'NoSuchEntityException' });
  }
  // A bucket name held on one engine is taken on the other.
  const bucket = `engines-${info.Ada.accountId}`;
  await clients(info.Ada).s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await expect(
    clients(info.Bo).s3.send(new CreateBucketCommand({ Bucket: bucket })),
  ).rejects.toMatchObject({ name: 'BucketAlreadyExists' });

  // The instructor's reset of an engine-1 account empties it there.
  const reset = await lab(['class', 'reset', 'Bo', '--yes'], {
    ...labEnv(tempHome('lab-engines-instructor-')),
    LAB_CLASS_URL: server.url,
    LAB_CLASS_TOKEN: cls.instructorToken,
  });
  expect(reset.code, reset.stdout + reset.stderr).toBe(0);
  expect(reset.stdout).toContain('nothing remains');
  await expect(clients(info.Bo).sts.send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({
    name: 'InvalidClientTokenId',
  });
  expect((await clients(info.Di).sts.send(new GetCallerIdentityCommand({}))).Account).toBe(
    info.Di.accountId,
  );

  // Ending the class empties every account on both engines, on disk too: each engine writes
  // its snapshots once, after the last of its accounts (host-ops, runner/class/hosted-ops.ts).
  const end = await lab(['class', 'end', '--yes', '--json'], {
    ...labEnv(tempHome('lab-engines-instructor-')),
    LAB_CLASS_URL: server.url,
    LAB_CLASS_TOKEN: cls.instructorToken,
  });
  expect(end.code, end.stderr).toBe(0);
  expect(JSON.parse(end.stdout).clean).toBe(true);
  for (const dir of ['engine', join('shards', '1')]) {
    const snapshot = readFileSync(join(serverHome, 'sandbox', dir, 'snapshots', 'iam.pickle'));
    for (const n of NAMES) expect(snapshot.includes(info[n].accountId), `${dir}: ${n}`).toBe(false);
  }

  // lab sandbox stop in the server's home stops the second engine too.
  const run = JSON.parse(readFileSync(join(serverHome, 'sandbox', 'shards-run.json'), 'utf8')) as {
    pid: number;
  }[];
  expect(run).toHaveLength(1);
  expect(alive(run[0].pid)).toBe(true);
  await server.stop();
  must(await lab(['sandbox', 'stop'], labEnv(serverHome)));
  expect(alive(run[0].pid)).toBe(false);
}, 240_000);
