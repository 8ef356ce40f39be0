// The resource an EC2 denial names ("… is not authorized to perform: ec2:RunInstances on
// resource: arn:aws:ec2:<region>:<account>:instance/* …"), and the request context its
// encoded authorization message carries. Resource types and ARN formats: Service Authorization
// Reference, "Actions, resources, and condition keys for Amazon EC2"; RunInstances names
// `instance/*` (repost.aws knowledge-center/ec2-not-auth-launch; public captures).
import type { ParsedRequest } from '../request.ts';

type Pick = (p: URLSearchParams) => string | undefined;
const first =
  (...names: string[]): Pick =>
  (p) =>
    names.map((n) => p.get(n)).find(Boolean) ?? undefined;

// action → [resource type, how to find the id in the request ('*' when the call creates it)]
const RESOURCES: Record<string, [string, Pick | '*']> = {
  RunInstances: ['instance', '*'],
  StartInstances: ['instance', first('InstanceId.1')],
  StopInstances: ['instance', first('InstanceId.1')],
  RebootInstances: ['instance', first('InstanceId.1')],
  TerminateInstances: ['instance', first('InstanceId.1')],
  CreateKeyPair: ['key-pair', first('KeyName')],
  ImportKeyPair: ['key-pair', first('KeyName')],
  DeleteKeyPair: ['key-pair', first('KeyName', 'KeyPairId')],
  CreateSecurityGroup: ['security-group', '*'],
  DeleteSecurityGroup: ['security-group', first('GroupId', 'GroupName')],
  AuthorizeSecurityGroupIngress: ['security-group', first('GroupId', 'GroupName')],
  AuthorizeSecurityGroupEgress: ['security-group', first('GroupId')],
  RevokeSecurityGroupIngress: ['security-group', first('GroupId', 'GroupName')],
  RevokeSecurityGroupEgress: ['security-group', first('GroupId')],
  CreateTags: ['instance', first('ResourceId.1')],
  AllocateAddress: ['elastic-ip', '*'],
  CreateVolume: ['volume', '*'],
  CreateVpc: ['vpc', '*'],
  CreateSubnet: ['subnet', '*'],
};

export function deniedResource(req: ParsedRequest, account: string): string | undefined {
  const hit = RESOURCES[req.action ?? ''];
  if (!hit) return undefined;
  const [type, pick] = hit;
  const id = pick === '*' ? '*' : (pick(req.params) ?? '*');
  return `arn:aws:ec2:${req.region ?? 'us-east-1'}:${account}:${type}/${id}`;
}

/**
 * The request's condition keys, as a decoded message lists them for the resource the denial
 * names. Captured messages for ec2:RunInstances on instance/* (aws-cli
 * awscli/examples/sts/decode-authorization-message.rst; decoded captures in public repositories)
 * list, in this order: ec2:InstanceMarketType, aws:Resource, aws:Account, ec2:AvailabilityZone,
 * ec2:ebsOptimized, ec2:IsLaunchTemplateResource, ec2:InstanceType, ec2:RootDeviceType,
 * aws:Region, aws:Service, ec2:InstanceID, aws:Type, ec2:Tenancy, ec2:Region, aws:ARN; no source
 * address and no time. Left out here: the Availability Zone EC2 would have picked and EBS
 * optimisation, which the sandbox cannot know.
 */
export function requestConditions(req: ParsedRequest, resource: string) {
  const [, region, account, type, id] =
    /^arn:aws:ec2:([^:]*):(\d*):([^/]+)\/(.*)$/.exec(resource) ?? [];
  const launch = req.action === 'RunInstances';
  const instance = type === 'instance';
  const values: [string, string | undefined][] = [
    ['ec2:InstanceMarketType', launch ? 'on-demand' : undefined],
    ['aws:Resource', `${type}/${id}`],
    ['aws:Account', account],
    ['ec2:IsLaunchTemplateResource', launch ? 'false' : undefined],
    // m1.small is RunInstances' default type (EC2 API Reference, RunInstances, InstanceType).
    ['ec2:InstanceType', req.params.get('InstanceType') ?? (launch ? 'm1.small' : undefined)],
    ['ec2:RootDeviceType', instance ? 'ebs' : undefined],
    ['aws:Region', region],
    ['aws:Service', 'ec2'],
    ['ec2:InstanceID', instance ? id : undefined],
    ['aws:Type', type],
    ['ec2:Tenancy', instance ? 'default' : undefined],
    ['ec2:Region', region],
    ['aws:ARN', resource],
  ];
  return {
    items: values
      .filter((v): v is [string, string] => Boolean(v[1]))
      .map(([key, value]) => ({ key, values: { items: [{ value }] } })),
  };
}
