// EC2 key pair. Named by the learner; its KeyPairId (key-…) is the immutable identity, so a
// same-named key pair imported later is kept. Deleting it removes only AWS's copy of the public
// key; the learner's .pem file stays theirs (EC2 User Guide, "Delete your key pair").
import { DeleteKeyPairCommand, DescribeKeyPairsCommand } from '@aws-sdk/client-ec2';
import type { ResourceKind } from '../types.ts';
import { ec2Of, ignoreMissing } from './aws-clients.ts';

export const keyPair: ResourceKind = {
  kind: 'key-pair',
  noun: 'key pair',
  order: 48,
  identity: ['keyPairId'],
  regional: true,
  createdBy: [{ event: 'CreateKeyPair', name: (e) => e.responseElements?.keyName }],
  async lookup(ctx, KeyName) {
    const out = await ignoreMissing(
      ec2Of(ctx).send(new DescribeKeyPairsCommand({ KeyNames: [KeyName] })),
    );
    const k = out?.KeyPairs?.[0];
    return k && { ids: { keyPairId: k.KeyPairId! }, created: k.CreateTime };
  },
  async delete(ctx, KeyName) {
    // By name: the identity was proven before this runs (moto 5.2.1 ignores KeyPairId here).
    await ignoreMissing(ec2Of(ctx).send(new DeleteKeyPairCommand({ KeyName })));
  },
  async snapshot(ctx) {
    if (!ctx.clients.ec2) return [];
    const out = await ctx.clients.ec2.send(new DescribeKeyPairsCommand({}));
    return (out.KeyPairs ?? []).map((k) => `key pair ${k.KeyName} (${k.KeyPairId})`);
  },
  describe: (name) => `key pair ${name}`,
};
