// a. EC2 denials. moto 5.2.1 answers an EC2 call the policy does not allow with AccessDenied in
// the IAM envelope; AWS answers HTTP 403 UnauthorizedOperation in the EC2 envelope:
// "You are not authorized to perform this operation. User: <arn> is not authorized to perform:
// ec2:DescribeInstances because no identity-based policy allows the ec2:DescribeInstances action"
// (AWS adds an encoded authorization message only for actions that support DryRun/decoding; the
// Describe calls learners start with carry none).
import type { ErrorFix } from './types.ts';

export const ec2Denial: ErrorFix = ({ req, principal }, answer) => {
  if (req.protocol !== 'ec2' || answer.code !== 'AccessDenied') return undefined;
  const action = `ec2:${req.action ?? ''}`;
  const arn =
    principal?.arn ?? /User: (\S+) is not authorized/.exec(answer.message ?? '')?.[1] ?? 'unknown';
  return {
    status: 403,
    code: 'UnauthorizedOperation',
    message:
      `You are not authorized to perform this operation. User: ${arn} is not authorized to perform: ` +
      `${action} because no identity-based policy allows the ${action} action`,
  };
};
