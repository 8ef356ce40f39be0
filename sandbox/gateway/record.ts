// Turn one finished call into an activity record. Only names of resources are kept (user names,
// policy ARNs, instance ids), picked from a fixed list of parameters: never a body, a signature,
// a secret or response content.
import { randomUUID } from 'node:crypto';
import type { ActivityRecord } from './activity-log.ts';
import type { Call } from './fixes/index.ts';
import { trailErrorCode } from './cloudtrail/error-code.ts';
import { eventRegion } from './cloudtrail/global-region.ts';
import { requestParameters } from './parameters.ts';
import { isReadOnly } from './cloudtrail/read-only.ts';
import { createdResources, resourceType } from './cloudtrail/resources.ts';

export function activityRecord(
  call: Call,
  outcome: {
    requestId: string;
    /** The HTTP status answered (EC2's error codes are recorded as Client./Server.). */
    status?: number;
    errorCode?: string;
    errorMessage?: string;
    responseElements?: Record<string, unknown>;
  },
  defaultAccount: string,
): ActivityRecord {
  const { req, principal } = call;
  const resources: ActivityRecord['resources'] = [];
  for (const [key, value] of req.params) {
    const type = resourceType(req.service, key);
    if (type && value) resources.push({ type, name: value });
  }
  for (const made of createdResources(outcome.responseElements)) {
    if (!resources.some((x) => x.type === made.type && x.name === made.name)) resources.push(made);
  }
  if (call.s3?.bucket) {
    resources.push({ type: 'AWS::S3::Bucket', name: call.s3.bucket });
  }
  const eventName = req.action ?? '';
  return {
    eventId: randomUUID(),
    eventTime: new Date(call.now).toISOString(),
    requestId: outcome.requestId,
    service: req.service ?? 'unknown',
    eventName,
    region: eventRegion(req.service, req.region),
    accessKeyId: req.accessKeyId,
    principal: principal && {
      arn: principal.arn,
      userName: principal.userName,
      accountId: principal.accountId,
      userId: principal.userId,
      ...(principal.session ? { session: principal.session } : {}),
    },
    accountId: principal?.accountId ?? defaultAccount,
    userAgent: req.userAgent,
    sourceIp: req.sourceIp,
    errorCode: trailErrorCode(req, outcome.status, outcome.errorCode),
    errorMessage: outcome.errorMessage,
    readOnly: isReadOnly(eventName),
    resources,
    requestParameters: call.s3
      ? { ...(call.s3.bucket ? { bucketName: call.s3.bucket } : {}), Host: req.headers.host }
      : requestParameters(req),
    responseElements: outcome.responseElements,
  };
}
