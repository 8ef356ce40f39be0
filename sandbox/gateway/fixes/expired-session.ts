// Role sessions expire. AWS refuses a request signed with temporary credentials past their
// Expiration (AssumeRole's DurationSeconds, 900 s at least). moto 5.2.1 never expires one: a
// 900 s session still worked past its expiry (issue 16). AWS's answers:
//  * IAM, STS and the other query/JSON services: 400 ExpiredToken "The security token included
//    in the request is expired" (quoted from STS GetCallerIdentity in miquella/vaulted#107, from
//    IAM CreateRole in aws-samples/aws-iot-twinmaker-samples#147, from the query protocol in
//    mapbox/ecs-watchbot#61; 400 per aws/aws-sdk-php#1307);
//  * S3: 400 ExpiredToken "The provided token has expired." (aws/aws-cli#4613 quotes
//    s3api GetBucketPolicy; S3 API Reference, Error codes: ExpiredToken, 400).
//  * EC2: no source quotes its answer; it gets the query services' code and words, which every
//    SDK and both CLIs treat as "refresh the credentials".
import type { PreCheck } from './types.ts';

export const expiredSession: PreCheck = ({ req, principal, now }) => {
  const expires = principal?.session?.expiresAt;
  if (!expires) return undefined;
  const at = Date.parse(expires);
  if (Number.isNaN(at) || now < at) return undefined;
  return {
    status: 400,
    code: 'ExpiredToken',
    message:
      req.service === 's3'
        ? 'The provided token has expired.'
        : 'The security token included in the request is expired',
  };
};
