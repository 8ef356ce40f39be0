// RunInstances' requestParameters as CloudTrail records them: the launch specification nested the
// way EC2's own API nests it, `instancesSet.items[{imageId, minCount, maxCount, keyName}]`, the
// groups as `groupSet.items[{groupId}]`, and `instanceType` and `subnetId` at the top (captured
// records: DataDog/stratus-red-team aws.execution.ec2-launch-unusual-instances.md, a denied
// launch; GorillaStack/auto-tag sample_ec2_runinstances_event.js, a successful one). The flat
// form (`imageId`, `keyName` at the top) is not what a learner or a rule written for AWS reads.
// Identifiers and counts only: never user data, a token or a tag value (../parameters.ts).

const MAX_VALUE = 256;

export function runInstancesParameters(params: URLSearchParams): Record<string, unknown> {
  const get = (k: string) => {
    const v = params.get(k);
    return v && v.length <= MAX_VALUE ? v : undefined;
  };
  const count = (k: string) => {
    const n = Number(params.get(k));
    return Number.isInteger(n) && n > 0 ? n : 1;
  };
  const launch: Record<string, unknown> = {
    ...(get('ImageId') ? { imageId: get('ImageId') } : {}),
    minCount: count('MinCount'),
    maxCount: count('MaxCount'),
    ...(get('KeyName') ? { keyName: get('KeyName') } : {}),
  };
  const out: Record<string, unknown> = { instancesSet: { items: [launch] } };
  const groups: Record<string, string>[] = [];
  for (let n = 1; params.has(`SecurityGroupId.${n}`); n++) {
    const id = get(`SecurityGroupId.${n}`);
    if (id) groups.push({ groupId: id });
  }
  for (let n = 1; params.has(`SecurityGroup.${n}`); n++) {
    const name = get(`SecurityGroup.${n}`);
    if (name) groups.push({ groupName: name });
  }
  if (groups.length) out.groupSet = { items: groups };
  if (get('InstanceType')) out.instanceType = get('InstanceType');
  if (get('SubnetId')) out.subnetId = get('SubnetId');
  return out;
}
