// requestParameters of security-group rule calls as CloudTrail records them: the group and every
// rule with its protocol, ports and address ranges, nested as EC2's own API nests them. A
// captured AuthorizeSecurityGroupIngress record: `"requestParameters": {"groupId": "sg-…",
// "ipPermissions": {"items": [{"ipProtocol": "tcp", "fromPort": 6290, "toPort": 6290,
// "groups": {}, "ipRanges": {"items": [{"cidrIp": "0.0.0.0/16", "description": "…"}]},
// "ipv6Ranges": {}, "prefixListIds": {}}]}}` (a console-made event quoted in a public Slack
// alerting Lambda). Both CLIs send `--protocol tcp --port 22 --cidr …` as IpPermissions.1.* too
// (awscli/customizations/ec2/secgroupsimplify.py), so a learner's ssh rule is recorded with its
// port and CIDR; the sandbox used to keep only the group id.
const MAX = 256;
const short = (v: string | null) => (v === null ? undefined : v.slice(0, MAX));

export const RULE_CALLS = new Set([
  'AuthorizeSecurityGroupIngress',
  'AuthorizeSecurityGroupEgress',
  'RevokeSecurityGroupIngress',
  'RevokeSecurityGroupEgress',
]);

function list<T>(params: URLSearchParams, prefix: string, item: (p: string) => T | undefined) {
  const items: T[] = [];
  for (let n = 1; ; n++) {
    const got = item(`${prefix}.${n}`);
    if (got === undefined) break;
    items.push(got);
  }
  return items.length ? { items } : {};
}

const present = (o: Record<string, unknown>) =>
  Object.values(o).some((v) => v !== undefined) ? o : undefined;

export function ruleParameters(params: URLSearchParams): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of ['GroupId', 'GroupName']) {
    if (params.has(key)) out[key[0].toLowerCase() + key.slice(1)] = short(params.get(key));
  }
  out.ipPermissions = list(params, 'IpPermissions', (p) => {
    if (!params.has(`${p}.IpProtocol`)) return undefined;
    const port = (k: string) => (params.has(k) ? Number(params.get(k)) : undefined);
    return {
      ipProtocol: short(params.get(`${p}.IpProtocol`)),
      ...(params.has(`${p}.FromPort`) ? { fromPort: port(`${p}.FromPort`) } : {}),
      ...(params.has(`${p}.ToPort`) ? { toPort: port(`${p}.ToPort`) } : {}),
      groups: list(params, `${p}.Groups`, (g) =>
        present({
          groupId: short(params.get(`${g}.GroupId`)),
          userId: short(params.get(`${g}.UserId`)),
        }),
      ),
      ipRanges: list(params, `${p}.IpRanges`, (r) =>
        present({
          cidrIp: short(params.get(`${r}.CidrIp`)),
          description: short(params.get(`${r}.Description`)),
        }),
      ),
      ipv6Ranges: list(params, `${p}.Ipv6Ranges`, (r) =>
        present({ cidrIpv6: short(params.get(`${r}.CidrIpv6`)) }),
      ),
      prefixListIds: list(params, `${p}.PrefixListIds`, (r) =>
        present({ prefixListId: short(params.get(`${r}.PrefixListId`)) }),
      ),
    };
  });
  return out;
}
