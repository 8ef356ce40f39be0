// An S3 error moto already shaped as S3 does (<Error> with Code, Message, BucketName or Key),
// sent on with the request id in both headers S3 clients read (S3 API Reference, "Common
// response headers": x-amz-request-id, x-amz-id-2).
import type { GatewayResponse } from '../envelope.ts';
import { hostId } from '../envelope.ts';

export function s3Passthrough(status: number, body: Buffer, requestId: string): GatewayResponse {
  return {
    status,
    headers: {
      'content-type': 'application/xml',
      'x-amz-request-id': requestId,
      'x-amz-id-2': hostId(requestId),
      'x-amzn-requestid': requestId,
    },
    body,
  };
}
