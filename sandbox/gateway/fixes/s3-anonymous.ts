// S3 requests without any signature. S3 answers an anonymous request for a resource that is not
// public with 403 AccessDenied "Access Denied" in its own <Error> envelope (S3 API Reference,
// "Error responses"; the sandbox allows no public buckets), not IAM's MissingAuthenticationToken;
// moto 5.2.1 crashes on the missing Authorization header (a 500).
import type { PreCheck } from './types.ts';

export const s3Anonymous: PreCheck = ({ req }) => {
  if (req.protocol !== 'rest-xml' || req.signed || req.headers['authorization']) return undefined;
  return { status: 403, code: 'AccessDenied', message: 'Access Denied' };
};
