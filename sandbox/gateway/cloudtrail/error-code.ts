// The errorCode CloudTrail records, which is not always the code the API answers.
//  * IAM and STS record the exception's name from the service model: the API answers
//    `NoSuchEntity` and `LimitExceeded`, the event says `NoSuchEntityException` and
//    `LimitExceededException` (captured records: a GetRole event in an access-analyzer trail,
//    panther-analysis's CreateAccessKey "Cannot exceed quota for AccessKeysPerUser: 2" test
//    event). Errors outside the model keep their code (`AccessDenied`, wazuh/wazuh#36209).
//    The names come from botocore's models (error-names.json; regenerate with the command in
//    docs/gateway.md).
//  * EC2 puts the fault side in front: `UnauthorizedOperation` is recorded as
//    `Client.UnauthorizedOperation` (a captured record: bluemountaincyber/building-detections-aws
//    workbook, DescribeInstances from CloudShell; DataDog/stratus-red-team
//    aws.execution.ec2-launch-unusual-instances.md for RunInstances).
import names from './error-names.json' with { type: 'json' };

const MODEL_NAMES: Record<string, Record<string, string>> = names;

export function trailErrorCode(
  req: { protocol: string; service?: string },
  status: number | undefined,
  code: string | undefined,
): string | undefined {
  if (!code) return code;
  if (req.protocol === 'ec2') {
    if (/^(Client|Server)\./.test(code)) return code;
    return `${(status ?? 400) >= 500 ? 'Server' : 'Client'}.${code}`;
  }
  return MODEL_NAMES[req.service ?? '']?.[code] ?? code;
}
