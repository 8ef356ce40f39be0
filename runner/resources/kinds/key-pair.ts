// EC2 key pair, named in the ledger by its KeyPairId (key-…, immutable and unique, unlike its name,
// which the same learner may give key pairs in two regions); its name is in the details. Deleting
// it removes only AWS's copy of the public key; the learner's .pem file stays theirs (EC2 User
// Guide, "Delete your key pair").
import type { ResourceKind } from '../types.ts';
import { ec2Of, ignoreMissing } from './aws-clients.ts';

// Loaded when a call runs, not with the module: every `lab check` imports the resource registry
// (ownership), and @aws-sdk/client-ec2 takes longer to load than a whole check of day42.
const ec2Sdk = () => import('@aws-sdk/client-ec2');

const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);

export const keyPair: ResourceKind = {
  kind: 'key-pair',
  noun: 'key pair',
  order: 48,
  identity: ['keyPairId'],
  regional: true,
  createdBy: [{ event: 'CreateKeyPair', name: (e) => str(e.responseElements?.keyPairId) }],
  async lookup(ctx, id, details) {
    const name = str(details.keyName);
    const out = await ignoreMissing(
      ec2Of(ctx).send(
        new (await ec2Sdk()).DescribeKeyPairsCommand(name ? { KeyNames: [name] } : {}),
      ),
    );
    const k = (out?.KeyPairs ?? []).find((x) => (name ? x.KeyName === name : x.KeyPairId === id));
    return k && { ids: { keyPairId: k.KeyPairId!, keyName: k.KeyName! }, created: k.CreateTime };
  },
  async delete(ctx, id, details) {
    // By name: the identity was proven before this runs (moto 5.2.1 ignores KeyPairId here).
    const KeyName = str(details.keyName);
    if (!KeyName) throw new Error(`key pair ${id}: the ledger holds no name to delete it by`);
    await ignoreMissing(ec2Of(ctx).send(new (await ec2Sdk()).DeleteKeyPairCommand({ KeyName })));
  },
  async snapshot(ctx) {
    if (!ctx.clients.ec2) return [];
    const out = await ctx.clients.ec2.send(new (await ec2Sdk()).DescribeKeyPairsCommand({}));
    return (out.KeyPairs ?? []).map((k) => `key pair ${k.KeyName} (${k.KeyPairId})`);
  },
  describe: (id, d) =>
    str(d?.keyName) ? `key pair ${String(d!.keyName)} (${id})` : `key pair ${id}`,
};
