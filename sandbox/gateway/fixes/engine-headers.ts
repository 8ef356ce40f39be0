// Headers of a forwarded answer. AWS answers IAM/STS/EC2 with x-amzn-RequestId, Content-Type,
// Content-Length and Date (a captured STS error in aws-azure-login/aws-azure-login#251): no
// `Server` header naming our engine (`labrunner-engine`, from httpserver.py) and none of moto's
// `x-moto-*` headers. CORS headers are the gateway's policy (../cors.ts), applied after this.
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

const HOP = new Set(['connection', 'keep-alive', 'transfer-encoding']);
const ENGINE_ONLY = /^(server|x-moto-[a-z-]+)$/;

/** The engine's headers a client may see, with the request id every AWS answer carries. */
export function forwardedHeaders(
  engine: IncomingHttpHeaders,
  requestId: string,
): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(engine)) {
    if (!HOP.has(k) && !ENGINE_ONLY.test(k)) out[k] = v;
  }
  out['x-amzn-requestid'] = requestId;
  return out;
}
