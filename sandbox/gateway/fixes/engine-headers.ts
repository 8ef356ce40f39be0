// Headers of a forwarded answer. AWS answers IAM/STS/EC2 with x-amzn-RequestId, Content-Type,
// Content-Length and Date (a captured STS error in aws-azure-login/aws-azure-login#251): no
// `Server` header naming our engine (`labrunner-engine`, from httpserver.py) and none of moto's
// `x-moto-*` headers. CORS headers are the gateway's policy (../cors.ts), applied after this.
// S3 names its request ids otherwise, on every answer: `x-amz-request-id` and the extended id
// `x-amz-id-2` (S3 API Reference, "Common Response Headers"); SDK v3 reads its S3 requestId and
// extendedRequestId from them. moto sent them on none of its S3 successes.
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { hostId } from '../envelope.ts';

const HOP = new Set(['connection', 'keep-alive', 'transfer-encoding']);
const ENGINE_ONLY = /^(server|x-moto-[a-z-]+)$/;

/** The engine's headers a client may see, with the request id every AWS answer carries. */
export function forwardedHeaders(
  engine: IncomingHttpHeaders,
  requestId: string,
  s3 = false,
): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(engine)) {
    if (!HOP.has(k) && !ENGINE_ONLY.test(k)) out[k] = v;
  }
  out['x-amzn-requestid'] = requestId;
  if (s3) {
    out['x-amz-request-id'] = requestId;
    out['x-amz-id-2'] = hostId(requestId);
  }
  return out;
}
