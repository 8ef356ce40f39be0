// CloudTrail LookupEvents over the activity log, with AWS's JSON 1.1 request and response shapes
// (botocore cloudtrail/2013-11-01 model), so `aws cloudtrail lookup-events` and
// @aws-sdk/client-cloudtrail work unchanged. The gateway authorises the caller before this runs.
import type { ActivityRecord } from '../activity-log.ts';
import type { AwsError } from '../envelope.ts';
import type { ParsedRequest } from '../request.ts';
import { cloudTrailEvent } from './event.ts';

const TARGET = 'CloudTrail_20131101.LookupEvents';
const ATTRIBUTE_KEYS = [
  'EventId',
  'EventName',
  'ReadOnly',
  'Username',
  'ResourceType',
  'ResourceName',
  'EventSource',
  'AccessKeyId',
] as const;
type AttributeKey = (typeof ATTRIBUTE_KEYS)[number];
const ORDER_SLACK_MS = 5 * 60_000;

export function isLookupEvents(req: ParsedRequest): boolean {
  return String(req.headers['x-amz-target'] ?? '').endsWith(TARGET);
}

interface LookupInput {
  LookupAttributes?: { AttributeKey?: string; AttributeValue?: string }[];
  StartTime?: number | string;
  EndTime?: number | string;
  MaxResults?: number;
  NextToken?: string;
}

type Result = { body: Buffer } | { error: AwsError };
const bad = (code: string, message: string): Result => ({ error: { status: 400, code, message } });

/**
 * `region` is the region the caller signed for: event history is regional, and IAM/STS events
 * live in us-east-1's (global-region.ts). Undefined (an unsigned test call) means every region.
 */
export function lookupEvents(
  raw: Buffer,
  records: readonly ActivityRecord[],
  now: number,
  region?: string,
): Result {
  let input: LookupInput;
  try {
    input = raw.length ? (JSON.parse(raw.toString('utf8')) as LookupInput) : {};
    if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new Error();
  } catch {
    return bad('SerializationException', 'Start of structure or map found where not expected.');
  }

  const attrs = input.LookupAttributes ?? [];
  if (attrs.length > 1) {
    return bad('InvalidLookupAttributesException', 'You can only specify one lookup attribute.');
  }
  const attr = attrs[0];
  if (attr && !ATTRIBUTE_KEYS.includes(attr.AttributeKey as AttributeKey)) {
    return bad('InvalidLookupAttributesException', `Invalid attribute key: ${attr.AttributeKey}`);
  }
  const max = input.MaxResults ?? 50;
  if (!Number.isInteger(max) || max < 1 || max > 50) {
    return bad('InvalidMaxResultsException', 'MaxResults must be between 1 and 50.');
  }
  const start = toMs(input.StartTime);
  const end = toMs(input.EndTime);
  if (Number.isNaN(start) || Number.isNaN(end)) {
    return bad('SerializationException', 'Invalid timestamp for StartTime or EndTime.');
  }
  if (start !== undefined && end !== undefined && start > end) {
    return bad('InvalidTimeRangeException', 'Start time must be before end time.');
  }
  if (start !== undefined && start > now) {
    return bad('InvalidTimeRangeException', 'Start time must not be in the future.');
  }

  // The token is the log position to continue below: stable while new events are appended.
  let from = records.length - 1;
  if (input.NextToken !== undefined) {
    const pos = decodeToken(input.NextToken);
    if (pos === undefined || pos >= records.length) {
      return bad('InvalidNextTokenException', 'Invalid NextToken.');
    }
    from = pos;
  }

  const events = [];
  let i = from;
  let exhausted = false;
  for (; i >= 0 && events.length < max; i--) {
    const r = records[i];
    // Compared at the resolution the caller sees: CloudTrail's EventTime is whole seconds, so an
    // EndTime copied from an event's own EventTime must include that event.
    const t = Math.floor(Date.parse(r.eventTime) / 1000) * 1000;
    if (end !== undefined && t > end) continue;
    if (start !== undefined && t < start) {
      // Records are appended when a call ends but carry the time it began, so the log is only
      // nearly in time order: stop once records are well before StartTime.
      if (t < start - ORDER_SLACK_MS) {
        exhausted = true;
        break;
      }
      continue;
    }
    if (region && r.region !== region) continue;
    if (attr && !matches(r, attr.AttributeKey as AttributeKey, attr.AttributeValue ?? '')) continue;
    events.push(toEvent(r));
  }
  const more = i >= 0 && !exhausted;
  const out: Record<string, unknown> = { Events: events };
  if (more) out.NextToken = encodeToken(i);
  return { body: Buffer.from(JSON.stringify(out)) };
}

function matches(r: ActivityRecord, key: AttributeKey, value: string): boolean {
  switch (key) {
    case 'EventId':
      return r.eventId === value;
    case 'EventName':
      return r.eventName === value;
    case 'ReadOnly':
      return String(r.readOnly) === value;
    case 'Username':
      return username(r) === value;
    case 'AccessKeyId':
      return r.accessKeyId === value;
    case 'EventSource':
      return `${r.service}.amazonaws.com` === value;
    case 'ResourceName':
      return r.resources.some((x) => x.name === value);
    case 'ResourceType':
      return r.resources.some((x) => x.type === value);
  }
}

// Event history's user name: the IAM user's name, or for a role session the session's name
// (aws-cli awscli/examples/cloudtrail/lookup-events.rst: "Username": "my-session-name" on an
// AssumedRole event); the sandbox left it out for sessions.
function username(r: ActivityRecord): string | undefined {
  const p = r.principal;
  if (p?.userName) return p.userName;
  return p && /:assumed-role\/[^/]+\/(.+)$/.exec(p.arn)?.[1];
}

function toEvent(r: ActivityRecord) {
  return {
    EventId: r.eventId,
    EventName: r.eventName,
    ReadOnly: String(r.readOnly),
    AccessKeyId: r.accessKeyId,
    // Whole seconds, as CloudTrail keeps them (aws-cli examples/cloudtrail/lookup-events.rst).
    EventTime: Math.floor(Date.parse(r.eventTime) / 1000),
    EventSource: `${r.service}.amazonaws.com`,
    Username: username(r),
    Resources: r.resources.map((x) => ({ ResourceType: x.type, ResourceName: x.name })),
    CloudTrailEvent: JSON.stringify(cloudTrailEvent(r)),
  };
}

// JSON 1.1 timestamps are epoch seconds; the CLI may also send ISO strings.
function toMs(v: number | string | undefined): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number') return v * 1000;
  return /^\d+(\.\d+)?$/.test(v) ? Number(v) * 1000 : Date.parse(v);
}

function encodeToken(pos: number): string {
  return Buffer.from(JSON.stringify({ v: 1, pos })).toString('base64url');
}

function decodeToken(token: string): number | undefined {
  try {
    const t = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {
      v: number;
      pos: number;
    };
    return t.v === 1 && Number.isInteger(t.pos) && t.pos >= 0 ? t.pos : undefined;
  } catch {
    return undefined;
  }
}
