// The CloudTrailEvent document (a JSON string inside each LookupEvents event), in the shape of
// CloudTrail's record contents for an IAM user's management API call.
import type { ActivityRecord } from '../activity-log.ts';
import type { SessionIssuer } from '../identities.ts';

// A role session's call names the role that issued it and when, as CloudTrail's userIdentity
// element reference shows for temporary credentials from AssumeRole ("sessionContext":
// {"sessionIssuer": {"type": "Role", "principalId": "AROA…", "arn": "arn:aws:iam::…:role/…",
// "accountId": …, "userName": <role name>}, "attributes": {"creationDate": …,
// "mfaAuthenticated": "false"}}; also IAM User Guide, cloudtrail-integration, AssumeRole
// examples). The sandbox listed only the session's ARN.
function sessionContext(s: SessionIssuer, accountId: string) {
  return {
    sessionIssuer: {
      type: 'Role',
      principalId: s.issuerId,
      arn: s.issuerArn,
      accountId,
      userName: s.issuerName,
    },
    attributes: {
      ...(s.createdAt ? { creationDate: s.createdAt } : {}),
      mfaAuthenticated: 'false',
    },
  };
}

// AssumeRole's record lists the role it assumed: "resources": [{"ARN":
// "arn:aws:iam::111111111111:role/JohnRole2", "accountId": "111111111111", "type":
// "AWS::IAM::Role"}] (IAM User Guide, cloudtrail-integration, AssumeRole examples).
function roleResources(r: ActivityRecord) {
  return r.resources
    .filter((x) => x.type === 'AWS::IAM::Role' && x.name.startsWith('arn:'))
    .map((x) => ({ ARN: x.name, accountId: x.name.split(':')[4], type: x.type }));
}

export function cloudTrailEvent(r: ActivityRecord) {
  const p = r.principal;
  return {
    eventVersion: '1.08',
    userIdentity: p
      ? {
          // Temporary keys from sts:AssumeRole act as the role's session.
          type: p.arn.includes(':assumed-role/') ? 'AssumedRole' : 'IAMUser',
          principalId: p.userId ?? r.accessKeyId,
          arn: p.arn,
          accountId: p.accountId,
          accessKeyId: r.accessKeyId,
          ...(p.userName ? { userName: p.userName } : {}),
          ...(p.session ? { sessionContext: sessionContext(p.session, p.accountId) } : {}),
        }
      : { type: 'Unknown', accessKeyId: r.accessKeyId },
    // CloudTrail writes whole seconds.
    eventTime: r.eventTime.replace(/\.\d{3}Z$/, 'Z'),
    eventSource: `${r.service}.amazonaws.com`,
    eventName: r.eventName,
    awsRegion: r.region,
    sourceIPAddress: r.sourceIp,
    userAgent: r.userAgent,
    ...(r.errorCode ? { errorCode: r.errorCode, errorMessage: r.errorMessage } : {}),
    requestParameters: r.requestParameters ?? null,
    responseElements: r.responseElements ?? null,
    ...(r.eventName === 'AssumeRole' && !r.errorCode ? { resources: roleResources(r) } : {}),
    requestID: r.requestId,
    eventID: r.eventId,
    readOnly: r.readOnly,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: r.accountId,
    eventCategory: 'Management',
  };
}
