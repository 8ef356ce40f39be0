// moto's EC2 is imported on first need, with the engine's EC2 patches applied as it loads
// (sandbox/engine/lazy_import.py): a sandbox that never sees an EC2 call never pays its ~1.5 s
// of CPU, and an EC2 call still gets AWS's wording whichever way EC2 was loaded.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeKeyPairsCommand } from '@aws-sdk/client-ec2';
import { ListUsersCommand } from '@aws-sdk/client-iam';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureSandbox, freePort, stopSandbox, type SandboxInfo } from '../../sandbox/index.ts';
import { layout } from '../../sandbox/lifecycle/layout.ts';
import { adminClients } from '../helpers/sandbox.ts';

const APPLIED = 'ec2: moto.ec2 imported, EC2 patches applied';
const homes: string[] = [];
afterAll(async () => {
  for (const home of homes) {
    await stopSandbox({ home });
    await rm(home, { recursive: true, force: true });
  }
});

async function start(warm: '0' | '1'): Promise<SandboxInfo> {
  const home = await mkdtemp(join(tmpdir(), 'lab-lazy-ec2-'));
  homes.push(home);
  const env = { ...process.env, LAB_ENGINE_WARM_EC2: warm };
  return ensureSandbox({ home, port: await freePort(), env });
}
const engineLog = (sb: SandboxInfo) => readFile(layout(sb.home).engineLog, 'utf8');

/** A missing key pair: moto words it `The keypair '{'lab-ec2-kee'}' does not exist.` */
async function missingKeyPair(sb: SandboxInfo) {
  const e = await adminClients(sb)
    .ec2.send(new DescribeKeyPairsCommand({ KeyNames: ['lab-ec2-kee'] }))
    .catch((err: Error) => err);
  return { name: (e as Error).name, message: (e as Error).message };
}

describe('EC2 loads on first need', () => {
  it('without the warm-up, an IAM-only sandbox never imports EC2; the first EC2 call does, patched', async () => {
    const sb = await start('0');
    await adminClients(sb).iam.send(new ListUsersCommand({}));
    expect(await engineLog(sb)).not.toContain(APPLIED);
    expect(await missingKeyPair(sb)).toEqual({
      name: 'InvalidKeyPair.NotFound',
      message: "The key pair 'lab-ec2-kee' does not exist",
    });
    expect((await engineLog(sb)).split(APPLIED).length - 1).toBe(1);
  });

  it("with the learner's default warm-up, EC2 loads after the first call, and a call racing it is patched", async () => {
    const sb = await start('1');
    await adminClients(sb).iam.send(new ListUsersCommand({}));
    // Sent at once: the warm-up thread may be importing moto.ec2 right now; this call waits
    // for the import (and its patches) rather than meeting an unpatched moto.
    expect(await missingKeyPair(sb)).toEqual({
      name: 'InvalidKeyPair.NotFound',
      message: "The key pair 'lab-ec2-kee' does not exist",
    });
    await expect.poll(async () => (await engineLog(sb)).split(APPLIED).length - 1).toBe(1);
  });
});
