// A restarted sandbox keeps the learner's EC2 resources, however its first calls arrive.
// After a restart EC2's snapshot loads in the background after the first call (engine.py
// load_pending), while the first EC2 call makes moto create the account's EC2 backend for its
// Flask app (werkzeug_app.create_backend_app, the sandbox's account is moto's default one).
// The load's swap used to land between moto's check and its set, and moto's empty backend won:
// every instance, group and key pair "does not exist", and the next snapshot saved the loss
// (the fidelity file's 34 EC2 rows failed so in a full run; snapshots.py load()).
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  CreateKeyPairCommand,
  CreateSecurityGroupCommand,
  DescribeKeyPairsCommand,
  DescribeSecurityGroupsCommand,
} from '@aws-sdk/client-ec2';
import { ListUsersCommand } from '@aws-sdk/client-iam';
import { afterAll, describe, expect, it } from 'vitest';
import { sdk } from './clients.ts';
import { startGatewayFixture, type GatewayFixture } from './gateway-fixture.ts';
import { scaled } from '../helpers/timeouts.ts';

const HARNESS = path.resolve(import.meta.dirname, 'snapshot-load-race.py');
const fixtures: GatewayFixture[] = [];
afterAll(async () => {
  for (const fx of fixtures) await fx.stop();
});

describe('an EC2 snapshot loading while moto creates the account backend', () => {
  it('the loaded state wins, in the interleaving that lost it (held between moto’s check and set)', async () => {
    const { stdout } = await promisify(execFile)('python3', [HARNESS], {
      timeout: scaled(60_000),
    });
    const out = JSON.parse(stdout) as {
      groupId: string;
      kept: boolean;
      loadWaitedForMoto: boolean;
    };
    expect(out.groupId).toMatch(/^sg-[0-9a-f]{17}$/);
    // The load met moto inside its window (so the interleaving really happened) and waited.
    expect(out).toMatchObject({ kept: true, loadWaitedForMoto: true });
  });

  it('after a restart, EC2 calls racing the background load find the group and key pair made before it', async () => {
    const fx = await startGatewayFixture({ clock: () => Date.now() });
    fixtures.push(fx);
    const clients = () => sdk(fx.url, fx.admin, { region: 'us-east-1' });
    const { GroupId } = await clients().ec2.send(
      new CreateSecurityGroupCommand({ GroupName: 'kept', Description: 'made before the restart' }),
    );
    await clients().ec2.send(new CreateKeyPairCommand({ KeyName: 'kept-key' }));
    await fx.restartEngine!();
    // As the fidelity rows and a learner's parallel shells arrive: the first call (IAM) starts
    // the background load, which imports moto.ec2 (~1.5 s of CPU); EC2 calls sent meanwhile
    // (each its own client, so its own connection) wait for that import, then race the load.
    await clients().iam.send(new ListUsersCommand({}));
    const first = await Promise.all(
      Array.from({ length: 6 }, () =>
        clients()
          .ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [GroupId!] }))
          .then((r) => r.SecurityGroups?.map((g) => g.GroupName))
          .catch((e: Error) => e.name),
      ),
    );
    expect(first).toEqual(Array.from({ length: 6 }, () => ['kept']));
    const pairs = await clients().ec2.send(new DescribeKeyPairsCommand({ KeyNames: ['kept-key'] }));
    expect(pairs.KeyPairs?.map((k) => k.KeyName)).toEqual(['kept-key']);
  });
});
