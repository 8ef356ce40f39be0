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

/** Condition keys with the request's values, as a decoded message lists them. */
export function requestConditions(req: ParsedRequest, now: number) {
  const values: [string, string | undefined][] = [
    ['aws:Region', req.region],
    ['ec2:Region', req.region],
    ['aws:SourceIp', req.sourceIp],
    ['aws:SecureTransport', 'false'],
    ['aws:CurrentTime', new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z')],
    ['aws:EpochTime', String(Math.floor(now / 1000))],
    [
      'ec2:InstanceType',
      req.action === 'RunInstances' ? (req.params.get('InstanceType') ?? 'm1.small') : undefined,
    ],
    ['ec2:ImageID', req.params.get('ImageId') ?? undefined],
  ];
  return {
    items: values
      .filter((v): v is [string, string] => Boolean(v[1]))
      .map(([key, value]) => ({ key, values: { items: [{ value }] } })),
  };
}
