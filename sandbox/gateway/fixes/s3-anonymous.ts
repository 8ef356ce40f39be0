// S3 requests without any signature are the anonymous principal's, and S3 judges them by the
// bucket policy and Block Public Access: a public-read policy on a bucket whose Block Public
// Access is off lets anyone GET its objects; anything else is 403 AccessDenied "Access Denied"
// in S3's own <Error> envelope (S3 API Reference, "Error responses"), never IAM's
// MissingAuthenticationToken. The engine decides (../../engine/s3_public_read.py, where the
// bucket and its policy are); this check only keeps the other unsigned-request rules
// (./missing-auth.ts) away from S3.
import type { ParsedRequest } from '../request.ts';

/** An unsigned S3 (REST) request: forwarded for the engine to judge as anonymous. */
export function isS3Anonymous(req: ParsedRequest): boolean {
  return req.protocol === 'rest-xml' && !req.signed && !req.headers['authorization'];
}
