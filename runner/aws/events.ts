// AWS plumbing, below check, cleanup and class: CloudTrail event history as evidence of what the learner did. Works the same
// against AWS and against the sandbox gateway's activity log (same API).
// The runner's own calls carry its user agent and are never counted.
import { LookupEventsCommand, type CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { USER_AGENT } from './clients.ts';

export interface TrailEvent {
  id: string;
  name: string;
  time: Date;
  accessKeyId?: string;
  userName?: string;
  /** Who made the call (userIdentity.arn): an IAM user, or an assumed-role session. */
  callerArn?: string;
  userAgent: string;
  errorCode?: string;
  errorMessage?: string;
  /** Parsed requestParameters, when the trail records them. */
  requestParameters?: Record<string, unknown>;
  /** Parsed responseElements (ids the call created, e.g. CreateAccessKey's key id). */
  responseElements?: Record<string, any>;
  resources: { type?: string; name?: string }[];
}

const RUNNER_AGENT = USER_AGENT.split('/')[0] + '/';

/** Was this call made by labrunner itself? */
export const byRunner = (e: TrailEvent) => e.userAgent.includes(RUNNER_AGENT);

/**
 * Events named `eventName` since `since`, newest first, learner's calls only.
 * At most `maxPages` pages (50 events each) so a busy account cannot stall a check.
 */
export async function lookupEvents(
  cloudtrail: CloudTrailClient,
  eventName: string,
  since: Date,
  maxPages = 4,
): Promise<TrailEvent[]> {
  return lookupEventsBy(cloudtrail, { key: 'EventName', value: eventName }, since, maxPages);
}

/** Like lookupEvents, by any lookup attribute (e.g. every call made with one AccessKeyId). */
export async function lookupEventsBy(
  cloudtrail: CloudTrailClient,
  attr: { key: 'EventName' | 'AccessKeyId' | 'Username' | 'ReadOnly'; value: string },
  since: Date,
  maxPages = 4,
): Promise<TrailEvent[]> {
  const out: TrailEvent[] = [];
  let token: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    const res = await cloudtrail.send(
      new LookupEventsCommand({
        LookupAttributes: [{ AttributeKey: attr.key, AttributeValue: attr.value }],
        // CloudTrail times are whole seconds; start a second early so nothing at the edge is lost.
        StartTime: new Date(since.getTime() - 1000),
        MaxResults: 50,
        NextToken: token,
      }),
    );
    for (const ev of res.Events ?? []) {
      const t = toTrailEvent(ev);
      if (!byRunner(t)) out.push(t);
    }
    token = res.NextToken;
    if (!token) break;
  }
  return out;
}

function toTrailEvent(ev: {
  EventId?: string;
  EventName?: string;
  EventTime?: Date;
  AccessKeyId?: string;
  Username?: string;
  CloudTrailEvent?: string;
  Resources?: { ResourceType?: string; ResourceName?: string }[];
}): TrailEvent {
  let detail: Record<string, any> = {};
  try {
    detail = ev.CloudTrailEvent ? JSON.parse(ev.CloudTrailEvent) : {};
  } catch {
    // A malformed record is still an event; it just carries less detail.
  }
  return {
    id: ev.EventId ?? '',
    name: ev.EventName ?? detail.eventName ?? '',
    time: ev.EventTime ?? new Date(detail.eventTime ?? 0),
    accessKeyId: ev.AccessKeyId || detail.userIdentity?.accessKeyId || undefined,
    userName: ev.Username ?? detail.userIdentity?.userName,
    callerArn: detail.userIdentity?.arn || undefined,
    userAgent: String(detail.userAgent ?? ''),
    errorCode: detail.errorCode || undefined,
    errorMessage: detail.errorMessage || undefined,
    requestParameters: detail.requestParameters ?? undefined,
    responseElements: detail.responseElements ?? undefined,
    resources: (ev.Resources ?? []).map((r) => ({ type: r.ResourceType, name: r.ResourceName })),
  };
}

/** The access key id an IAM key-management event acted on (requestParameters, else Resources). */
export function targetKeyId(e: TrailEvent): string | undefined {
  const p = e.requestParameters?.accessKeyId;
  if (typeof p === 'string') return p;
  return e.resources.find((r) => r.type === 'AWS::IAM::AccessKey')?.name;
}

/** "13:52:07 UTC" — short, unambiguous times for evidence lines. */
export function hhmmss(d: Date): string {
  return `${d.toISOString().slice(11, 19)} UTC`;
}
