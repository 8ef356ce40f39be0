// CloudTrail's requestParameters and responseElements, kept to what cannot hold a secret.
// AWS records every request parameter (and hides passwords and user data); the gateway keeps
// only identifiers (…Name, …Id, …Arn, …Path, …Status, …Type), so a password, a policy body, EC2
// user data or a session token can never reach the log. CreateAccessKey's responseElements are
// the key's id, user, status and date, as AWS records them: never the secret.
import { javaDate } from './cloudtrail/java-date.ts';
import { runInstancesParameters } from './ec2/run-instances-parameters.ts';
import { RULE_CALLS, ruleParameters } from './ec2/ingress-parameters.ts';
import type { ParsedRequest } from './request.ts';

const SAFE_PARAM = /^[A-Za-z]*(Name|Id|Arn|Path|PathPrefix|Status|Type)$/;
const INSTANCE_ID = /^InstanceId\.\d+$/;
const MAX_VALUE = 256;

const lowerCamel = (s: string) => s[0].toLowerCase() + s.slice(1);

export function requestParameters(req: ParsedRequest): Record<string, unknown> | undefined {
  if (req.protocol === 'json') return undefined;
  if (req.protocol === 'ec2' && req.action === 'RunInstances') {
    return runInstancesParameters(req.params);
  }
  if (req.protocol === 'ec2' && RULE_CALLS.has(req.action ?? '')) return ruleParameters(req.params);
  const out: Record<string, unknown> = {};
  const instances: { instanceId: string }[] = [];
  for (const [key, value] of req.params) {
    if (value.length > MAX_VALUE) continue;
    if (INSTANCE_ID.test(key)) instances.push({ instanceId: value });
    else if (SAFE_PARAM.test(key) && !key.startsWith('X-Amz')) out[lowerCamel(key)] = value;
  }
  // EC2 records instance ids the way its own API nests them; DescribeInstances always carries
  // both sets, empty when not given: `{"instancesSet": {}, "filterSet": {}}` (a captured denial
  // in bluemountaincyber/building-detections-aws, workbook/docs/exercises).
  if (instances.length) out.instancesSet = { items: instances };
  // StopInstances always records `force` (CloudTrail User Guide, log file examples: `"force": false`).
  if (req.protocol === 'ec2' && req.action === 'StopInstances') {
    out.force = req.params.get('Force') === 'true';
  }
  if (req.protocol === 'ec2' && req.action === 'DescribeInstances') {
    out.instancesSet ??= {};
    out.filterSet = filterSet(req.params);
  }
  return Object.keys(out).length ? out : undefined;
}

/** EC2's `Filter.N.Name` / `Filter.N.Value.M` as CloudTrail nests them. */
function filterSet(params: URLSearchParams): Record<string, unknown> {
  const items: { name: string; valueSet: { items: { value: string }[] } }[] = [];
  for (let n = 1; params.has(`Filter.${n}.Name`); n++) {
    const values: { value: string }[] = [];
    for (let m = 1; params.has(`Filter.${n}.Value.${m}`); m++) {
      values.push({ value: params.get(`Filter.${n}.Value.${m}`)!.slice(0, MAX_VALUE) });
    }
    items.push({
      name: params.get(`Filter.${n}.Name`)!.slice(0, MAX_VALUE),
      valueSet: { items: values },
    });
  }
  return items.length ? { items } : {};
}

const KEY_FIELDS = ['AccessKeyId', 'UserName', 'Status', 'CreateDate'] as const;

/** For a successful CreateAccessKey: `{ accessKey: { accessKeyId, userName, status, createDate } }`. */
export function createAccessKeyElements(body: string): Record<string, unknown> | undefined {
  const accessKey: Record<string, string> = {};
  for (const field of KEY_FIELDS) {
    const m = new RegExp(`<${field}>([^<]*)</${field}>`).exec(body);
    if (m) accessKey[lowerCamel(field)] = field === 'CreateDate' ? javaDate(m[1]) : m[1];
  }
  return accessKey.accessKeyId ? { accessKey } : undefined;
}
