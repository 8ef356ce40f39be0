// S3 requests without any signature are the anonymous principal's, and S3 judges them by the
// bucket policy and Block Public Access: a public-read policy on a bucket whose Block Public
// Access is off lets anyone GET its objects; anything else is 403 AccessDenied "Access Denied"
// in S3's own <Error> envelope (S3 API Reference, "Error responses"), never IAM's
// MissingAuthenticationToken. Reads (GET, HEAD) go to the engine, which decides
// (../../engine/s3_public_read.py: the bucket and its policy are there). Anonymous writes are
// refused here, before the engine: no lab grants public write, and every loopback page could
// otherwise send them (docs/security.md) — a known difference from a bucket whose policy allows
// anonymous PutObject (docs/gateway.md, Known limits).
import type { ParsedRequest } from '../request.ts';
import type { PreCheck } from './types.ts';

/** An unsigned S3 (REST) request. */
export function isS3Anonymous(req: ParsedRequest): boolean {
  return req.protocol === 'rest-xml' && !req.signed && !req.headers['authorization'];
}

export const s3Anonymous: PreCheck = ({ req }) => {
  if (!isS3Anonymous(req) || req.method === 'GET' || req.method === 'HEAD') return undefined;
  return { status: 403, code: 'AccessDenied', message: 'Access Denied' };
};
