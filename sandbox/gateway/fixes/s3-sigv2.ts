// S3 requests signed with Signature Version 2: the query form that CLI v1's `aws s3 presign`
// makes (`?AWSAccessKeyId=…&Signature=…&Expires=…`, even with --region) and the `Authorization:
// AWS <key>:<signature>` header. moto accepts both. AWS does not, for any bucket a learner can
// make today: "Any new buckets created after June 24, 2020 will not support SigV2 signed
// requests, although existing buckets will continue to support SigV2" (AWS announcement, "AWS
// Signature Version 4 to replace AWS Signature Version 2 for signing S3 API requests", revised
// plan, repost.aws/questions/QU5OKPZ-HnS1SHXX6dUbGi2w), and "Amazon S3 will only accept API
// requests that are signed using Signature Version 4" (S3 API Reference, "Appendix:
// Authenticating requests (AWS signature version 2)"). The region does not save it: SigV2 was
// only ever supported in regions launched before January 2014 (same announcement), which
// ap-southeast-2 (2012) is, and a bucket made there today still refuses it. The answer is S3's
// for a signing method it does not take: 400 InvalidRequest "The authorization mechanism you
// have provided is not supported. Please use AWS4-HMAC-SHA256." (as captured in
// mcohen01/amazonica#307 for a SigV2 presigned URL).
import type { PreCheck } from './types.ts';

export const s3SigV2: PreCheck = ({ req }) => {
  if (req.protocol !== 'rest-xml') return undefined;
  const auth = String(req.headers['authorization'] ?? '');
  const query = req.params.has('AWSAccessKeyId') && req.params.has('Signature');
  if (!query && !/^AWS [^:\s]+:/.test(auth)) return undefined;
  return {
    status: 400,
    code: 'InvalidRequest',
    message:
      'The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.',
  };
};
