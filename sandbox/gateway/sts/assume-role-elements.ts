// CloudTrail's responseElements for a successful sts:AssumeRole, as AWS records them: the
// session's access key id (ASIA…), its session token and its expiry (written the way IAM's Java
// service prints dates), and the assumed-role user (its id `AROA…:session` and its ARN). The
// secret access key is never recorded (AWS leaves it out; so does the sandbox: it is not even
// read from the answer). The sandbox recorded `responseElements: null`.
// Source: IAM User Guide, "Logging IAM and AWS STS API calls with AWS CloudTrail", examples of
// AssumeRole events (awsdocs/iam-user-guide doc_source/cloudtrail-integration.md):
//   "responseElements": { "credentials": { "accessKeyId": "ASIAWHOJDLGPOEXAMPLE",
//     "expiration": "Oct 2, 2019 11:12:29 PM", "sessionToken": "AgoJb3JpZ2luX2Vj…" },
//     "assumedRoleUser": { "assumedRoleId": "AROAIFR7WHDTSOYQYHFUE:Role2WithTags",
//     "arn": "arn:aws:sts::111111111111:assumed-role/test-role/Role2WithTags" } }
// A session token alone cannot sign a request (that takes the secret), which is why CloudTrail
// can keep it.
import { javaDate } from '../cloudtrail/java-date.ts';

const tag = (xml: string, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];

export function assumeRoleElements(body: string): Record<string, unknown> | undefined {
  const credentials = /<Credentials>([\s\S]*?)<\/Credentials>/.exec(body)?.[1] ?? '';
  const user = /<AssumedRoleUser>([\s\S]*?)<\/AssumedRoleUser>/.exec(body)?.[1] ?? '';
  const accessKeyId = tag(credentials, 'AccessKeyId');
  if (!accessKeyId) return undefined;
  const expiration = tag(credentials, 'Expiration');
  return {
    credentials: {
      accessKeyId,
      sessionToken: tag(credentials, 'SessionToken'),
      expiration: expiration && javaDate(expiration),
    },
    assumedRoleUser: {
      assumedRoleId: tag(user, 'AssumedRoleId'),
      arn: tag(user, 'Arn'),
    },
  };
}
