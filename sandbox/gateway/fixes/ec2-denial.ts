// a. EC2 denials. moto 5.2.1 answers an EC2 call the policy does not allow with AccessDenied in
// the IAM envelope; AWS answers HTTP 403 UnauthorizedOperation in the EC2 envelope:
// "You are not authorized to perform this operation. User: <arn> is not authorized to perform:
// ec2:DescribeInstances because no identity-based policy allows the ec2:DescribeInstances action".
// Describe calls stop there. Calls on resources name the resource and end with an encoded
// authorization message: "… ec2:RunInstances on resource: arn:aws:ec2:<region>:<acct>:instance/*
// because no identity-based policy allows the ec2:RunInstances action. Encoded authorization
// failure message: <opaque>" (repost.aws knowledge-center/ec2-not-auth-launch; CloudTrail captures
// in DataDog/stratus-red-team), which `aws sts decode-authorization-message` decodes.
import { deniedResource, requestConditions } from '../ec2/denied-resource.ts';
import type { ErrorFix } from './types.ts';

export const ec2Denial: ErrorFix = ({ req, principal, authMessages }, answer) => {
  if (req.protocol !== 'ec2' || answer.code !== 'AccessDenied') return undefined;
  const action = `ec2:${req.action ?? ''}`;
  const arn =
    principal?.arn ?? /User: (\S+) is not authorized/.exec(answer.message ?? '')?.[1] ?? 'unknown';
  const head = 'You are not authorized to perform this operation. ';
  const because = `because no identity-based policy allows the ${action} action`;
  const account = principal?.accountId ?? /::(\d{12}):/.exec(arn)?.[1] ?? '';
  const resource = /^Describe/.test(req.action ?? '') ? undefined : deniedResource(req, account);
  if (!resource || !authMessages) {
    return {
      status: 403,
      code: 'UnauthorizedOperation',
      message: `${head}User: ${arn} is not authorized to perform: ${action} ${because}`,
    };
  }
  const encoded = authMessages.encode({
    allowed: false,
    explicitDeny: false,
    matchedStatements: { items: [] },
    failures: { items: [] },
    context: {
      principal: {
        id: principal?.userId ?? principal?.accessKeyId ?? '',
        ...(principal?.userName ? { name: principal.userName } : {}),
        arn,
      },
      action,
      resource,
      conditions: requestConditions(req, resource),
    },
  });
  return {
    status: 403,
    code: 'UnauthorizedOperation',
    message:
      `${head}User: ${arn} is not authorized to perform: ${action} on resource: ${resource} ` +
      `${because}. Encoded authorization failure message: ${encoded}`,
  };
};
