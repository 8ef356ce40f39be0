// EC2 instance. Its id is immutable and names it; RunInstances' responseElements list the ids it
// launched. Terminating is deletion (a terminated instance stays listed for about an hour, then
// disappears: EC2 User Guide, "Terminate Amazon EC2 instances"), and it releases the instance's
// hold on its security groups, so instances go before groups (order).
import type { ResourceKind } from '../types.ts';
import { ec2Of, ignoreMissing } from './aws-clients.ts';

// Loaded when a call runs, not with the module: every `lab check` imports the resource registry
// (ownership), and @aws-sdk/client-ec2 takes longer to load than a whole check of day42.
const ec2Sdk = () => import('@aws-sdk/client-ec2');

const GONE = new Set(['terminated', 'shutting-down']);

export const ec2Instance: ResourceKind = {
  kind: 'ec2-instance',
  noun: 'EC2 instance',
  order: 45,
  identity: ['instanceId'],
  regional: true,
  createdBy: [
    {
      event: 'RunInstances',
      // One RunInstances may launch several; the ledger records each (see createdIds).
      name: (e) => e.responseElements?.instancesSet?.items?.[0]?.instanceId,
    },
  ],
  async lookup(ctx, InstanceId) {
    const out = await ignoreMissing(
      ec2Of(ctx).send(new (await ec2Sdk()).DescribeInstancesCommand({ InstanceIds: [InstanceId] })),
    );
    const i = out?.Reservations?.[0]?.Instances?.[0];
    if (!i || GONE.has(i.State?.Name ?? '')) return undefined;
    return { ids: { instanceId: i.InstanceId! }, created: i.LaunchTime };
  },
  async delete(ctx, InstanceId) {
    const ec2 = ec2Of(ctx);
    const done = await ignoreMissing(
      ec2.send(new (await ec2Sdk()).TerminateInstancesCommand({ InstanceIds: [InstanceId] })),
    );
    if (!done) return;
    await (
      await ec2Sdk()
    ).waitUntilInstanceTerminated(
      { client: ec2, maxWaitTime: 300, minDelay: 1, maxDelay: 5 },
      { InstanceIds: [InstanceId] },
    );
  },
  async snapshot(ctx) {
    if (!ctx.clients.ec2) return [];
    const out = await ctx.clients.ec2.send(new (await ec2Sdk()).DescribeInstancesCommand({}));
    return (out.Reservations ?? [])
      .flatMap((r) => r.Instances ?? [])
      .filter((i) => !GONE.has(i.State?.Name ?? ''))
      .map((i) => `EC2 instance ${i.InstanceId} (${i.State?.Name})`);
  },
  describe: (id) => `EC2 instance ${id}`,
  removing: (id) => `terminate EC2 instance ${id}`,
};
