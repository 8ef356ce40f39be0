// CloudTrail's responseElements for the EC2 calls that create something, so the runner can
// tell which instance, group or key pair a learner's call made (cleanup proves ownership from
// the creation event). Only ids and names, as CloudTrail records them: RunInstances
// `instancesSet.items[].instanceId`, CreateSecurityGroup `groupId`, CreateKeyPair `keyName`,
// `keyPairId`, `keyFingerprint` (never the private key material; CloudTrail omits it too).
const tag = (xml: string, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];

export const EC2_CREATIONS = new Set(['RunInstances', 'CreateSecurityGroup', 'CreateKeyPair']);

export function ec2ResponseElements(
  action: string,
  body: string,
): Record<string, unknown> | undefined {
  if (action === 'RunInstances') {
    const ids = [...body.matchAll(/<instanceId>(i-[0-9a-f]+)<\/instanceId>/g)].map((m) => m[1]);
    const items = [...new Set(ids)].map((instanceId) => ({ instanceId }));
    return items.length ? { instancesSet: { items } } : undefined;
  }
  if (action === 'CreateSecurityGroup') {
    const groupId = tag(body, 'groupId');
    return groupId ? { groupId } : undefined;
  }
  if (action === 'CreateKeyPair') {
    const keyName = tag(body, 'keyName');
    if (!keyName) return undefined;
    return {
      keyName,
      keyPairId: tag(body, 'keyPairId'),
      keyFingerprint: tag(body, 'keyFingerprint'),
    };
  }
  return undefined;
}
