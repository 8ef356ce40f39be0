// The immutable ids a creation event made, read from its responseElements as CloudTrail records
// them (the sandbox records the same shapes: sandbox/gateway/iam/response-elements.ts,
// sandbox/gateway/ec2/response-elements.ts). A kind AWS records no ids for (S3's CreateBucket has
// `responseElements: null`) gets none here: record.ts then reads the live thing, and takes it only
// when it was created in that event's second.
import type { TrailEvent } from '../aws/index.ts';
import type { ResourceKind } from '../resources/index.ts';

const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);

type Ids = Record<string, string>;

/** Each kind's ids, by the field names its `identity` (and lookup's Live.ids) use. */
const FROM_RESPONSE: Record<string, (r: Record<string, any>, e: TrailEvent) => Ids | undefined> = {
  'iam-user': (r) => both({ userId: r.user?.userId, arn: r.user?.arn }),
  'iam-group': (r) => both({ groupId: r.group?.groupId, arn: r.group?.arn }),
  'iam-role': (r) => both({ roleId: r.role?.roleId, arn: r.role?.arn }),
  'managed-policy': (r) => both({ policyId: r.policy?.policyId, arn: r.policy?.arn }),
  'instance-profile': (r) =>
    both({ instanceProfileId: r.instanceProfile?.instanceProfileId, arn: r.instanceProfile?.arn }),
  'access-key': (r) => both({ accessKeyId: r.accessKey?.accessKeyId }),
  // The name is the request's (CreateSecurityGroup answers with the id only).
  'security-group': (r, e) =>
    both({ groupId: r.groupId, groupName: e.requestParameters?.groupName }),
  'key-pair': (r) => both({ keyPairId: r.keyPairId, keyName: r.keyName }),
};

function both(o: Record<string, unknown>): Ids | undefined {
  const out: Ids = {};
  for (const [k, v] of Object.entries(o)) if (str(v)) out[k] = v as string;
  return Object.keys(out).length ? out : undefined;
}

export interface Creation {
  /** The ledger's resourceId (what the kind's lookup and delete take). */
  resourceId: string;
  /** The ids the event itself records (may lack the kind's identity: see record.ts). */
  ids: Ids;
}

/** What one successful creation event of `kind` made (RunInstances may launch several). */
export function creationsOf(kind: ResourceKind, ev: TrailEvent): Creation[] {
  const r = ev.responseElements ?? {};
  if (kind.kind === 'ec2-instance') {
    const items: { instanceId?: string }[] = r.instancesSet?.items ?? [];
    return items
      .map((i) => str(i.instanceId))
      .filter((id): id is string => !!id)
      .map((instanceId) => ({ resourceId: instanceId, ids: { instanceId } }));
  }
  const spec = kind.createdBy.find((s) => s.event === ev.name);
  const resourceId = spec?.name(ev);
  if (!resourceId) return [];
  return [{ resourceId, ids: FROM_RESPONSE[kind.kind]?.(r, ev) ?? {} }];
}

/** The identity fields of `kind` that `ids` lacks (empty: the event proves which thing it made). */
export function missingIdentity(kind: ResourceKind, ids: Ids): string[] {
  return kind.identity.filter((f) => !ids[f]);
}
