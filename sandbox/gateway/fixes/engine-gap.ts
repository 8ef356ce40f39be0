// What the engine cannot serve answers at once, never as a 500 the CLIs retry. moto 5.2.1 raises
// NotImplementedError for an operation (or an EC2 filter, or a parameter) it lacks, which became a
// 500 page; the AWS CLI and SDKs retry every 500 (v1: five attempts, seconds of back-off) before
// printing InternalFailure. The engine marks those (sandbox/engine/engine_gaps.py), and the
// gateway answers them at once as AWS answers a call an endpoint does not support, in the
// protocol's own words, saying the gap is the sandbox's:
//  * IAM, STS (query): 400 InvalidAction, as SNS names an operation its region lacks: "Operation
//    (ListPlatformApplications) is not supported in this region" (rebuy-de/aws-nuke#301); the
//    common errors: "InvalidAction — The action or operation requested is invalid. Verify that the
//    action is typed correctly. HTTP Status Code: 400" (e.g. the RDS API Reference, Common Errors);
//  * EC2: 400 InvalidAction "The action DescribeManagedPrefixLists is not valid for this web
//    service." (an action missing from a region, joshlarsen/aws-recon#138, boto/boto#1282);
//  * JSON (CloudTrail): 400 UnknownOperationException (botocore's model of the JSON protocol);
//  * S3: 501 NotImplemented "A header you provided implies functionality that is not implemented"
//    (iann0036/iamlive#54), a status no client retries (botocore retries 500/502/503/504).
import type { AwsError } from '../envelope.ts';
import type { ParsedRequest } from '../request.ts';
import type { ErrorFix } from './types.ts';

export const engineGap: ErrorFix = ({ req }, answer) => {
  const crashed =
    answer.status >= 500 &&
    (!!answer.crash || !answer.code || /<html|Traceback/i.test(answer.body));
  if (!crashed) return undefined;
  const action = req.action ?? 'this request';
  const what = `${req.service ?? 'this service'}:${action}`;
  if (!answer.gap) return crashAnswer(req.protocol, what);
  const note = `The labrunner sandbox cannot serve ${what}: its engine (moto) does not implement it (${answer.gap}). On AWS this call works; the gap is the sandbox's.`;
  const err = (status: number, code: string, message: string): AwsError => ({
    status,
    code,
    message,
    type: 'Sender',
  });
  switch (req.protocol) {
    case 'ec2':
      return err(
        400,
        'InvalidAction',
        `The action ${action} is not valid for this web service. ${note}`,
      );
    case 'json':
      return err(400, 'UnknownOperationException', note);
    case 'rest-xml':
      return err(
        501,
        'NotImplemented',
        `A header you provided implies functionality that is not implemented. ${note}`,
      );
    default:
      return err(
        400,
        'InvalidAction',
        `Operation (${action}) is not supported in this sandbox. ${note}`,
      );
  }
};

/**
 * Any other failure of the engine (a bug of moto's: the engine logs its traceback, engine_gaps.py)
 * is answered at once in the words AWS uses for its own failures, per protocol:
 *  * IAM, STS, CloudTrail: InternalFailure "The request processing has failed because of an
 *    unknown error, exception or failure." (IAM API Reference, Common Errors: InternalFailure, 500);
 *  * EC2: InternalError "An internal error has occurred" (EC2 Developer Guide, Error codes for the
 *    Amazon EC2 API, server error codes: InternalError);
 *  * S3: InternalError "We encountered an internal error. Please try again." (S3 API Reference,
 *    Error responses: InternalError, 500).
 * The status is 501, not AWS's 500: the engine is deterministic, so a crash comes back on every
 * retry, and every client retries a 500 (botocore's _retry.json and standard mode: 500, 502, 503,
 * 504; SDK v3's TRANSIENT_ERROR_STATUS_CODES the same) — v1 five attempts with seconds of
 * back-off, and "(reached max retries: 4)" in the message. No client retries a 501, and it is
 * still a server fault (CloudTrail's errorCode Server.InternalError for EC2). The message says
 * the failure is the sandbox's and where its log is; never the traceback.
 */
export function crashAnswer(protocol: ParsedRequest['protocol'], what: string): AwsError {
  const note = `(The labrunner sandbox's engine failed on ${what}; this is a fault of the sandbox, not of your command. Its traceback is in the engine log in the sandbox's state directory.)`;
  const [code, text] =
    protocol === 'ec2'
      ? ['InternalError', 'An internal error has occurred.']
      : protocol === 'rest-xml'
        ? ['InternalError', 'We encountered an internal error. Please try again.']
        : [
            'InternalFailure',
            'The request processing has failed because of an unknown error, exception or failure.',
          ];
  return { status: 501, type: 'Receiver', code, message: `${text} ${note}` };
}
