// The resources an event is indexed by (LookupEvents' Resources, and its ResourceType /
// ResourceName lookups), by their real type and id.
//  * A parameter names a resource of its own service: EC2's GroupName is a security group
//    (AWS::EC2::SecurityGroup), IAM's an IAM group. The sandbox indexed CreateSecurityGroup under
//    AWS::IAM::Group, so `lookup-events --lookup-attributes AttributeKey=ResourceType,
//    AttributeValue=AWS::EC2::SecurityGroup` missed it.
//  * A creation is indexed by what it created: RunInstances by its instance ids,
//    CreateSecurityGroup by the new group id, CreateKeyPair by the key name, taken from the
//    call's responseElements. The CloudTrail User Guide ("Viewing CloudTrail events with the AWS
//    CLI", lookup attributes) looks events up "by resource name", and the event history of a
//    RunInstances lists the instance (AWS::EC2::Instance i-…) among its resources; the sandbox
//    could not find a RunInstances by the id it returned.
const BY_SERVICE: Record<string, [RegExp, string][]> = {
  iam: [
    [/^UserName$/, 'AWS::IAM::User'],
    [/^RoleName$/, 'AWS::IAM::Role'],
    [/^GroupName$/, 'AWS::IAM::Group'],
    [/^PolicyArn$/, 'AWS::IAM::Policy'],
    [/^AccessKeyId$/, 'AWS::IAM::AccessKey'],
    [/^InstanceProfileName$/, 'AWS::IAM::InstanceProfile'],
  ],
  sts: [[/^RoleArn$/, 'AWS::IAM::Role']],
  ec2: [
    [/^InstanceId(\.\d+)?$/, 'AWS::EC2::Instance'],
    [/^KeyName$/, 'AWS::EC2::KeyPair'],
    [/^GroupId(\.\d+)?$/, 'AWS::EC2::SecurityGroup'],
    [/^GroupName$/, 'AWS::EC2::SecurityGroup'],
    [/^SecurityGroupId\.\d+$/, 'AWS::EC2::SecurityGroup'],
    [/^VpcId$/, 'AWS::EC2::VPC'],
    [/^SubnetId$/, 'AWS::EC2::Subnet'],
  ],
};

export function resourceType(service: string | undefined, param: string): string | undefined {
  return BY_SERVICE[service ?? '']?.find(([re]) => re.test(param))?.[1];
}

type Resource = { type: string; name: string };

/** Resources a successful creation made, from its responseElements (EC2's ids). */
export function createdResources(elements: Record<string, unknown> | undefined): Resource[] {
  if (!elements) return [];
  const out: Resource[] = [];
  const set = elements.instancesSet as { items?: { instanceId?: string }[] } | undefined;
  for (const item of set?.items ?? []) {
    if (item.instanceId) out.push({ type: 'AWS::EC2::Instance', name: item.instanceId });
  }
  if (typeof elements.groupId === 'string') {
    out.push({ type: 'AWS::EC2::SecurityGroup', name: elements.groupId });
  }
  if (typeof elements.keyName === 'string') {
    out.push({ type: 'AWS::EC2::KeyPair', name: elements.keyName });
  }
  return out;
}
