// h. The signed payload hash must be the body's. SigV4 signs the hash of the body, and a client
// may state it in `X-Amz-Content-SHA256` (SDK v3 always does). botocore's verifier, which moto
// 5.2.1 uses, takes that header's value instead of hashing the body, so a captured signed
// `ListUsers` replayed with a `CreateUser` body (or any body) was accepted. AWS checks the body:
// S3 answers 400 XAmzContentSHA256Mismatch "The provided 'x-amz-content-sha256' header does not
// match what was computed." (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html);
// the other services hash the body themselves, so a tampered body is 403 SignatureDoesNotMatch.
// Only S3 accepts the literal UNSIGNED-PAYLOAD and the STREAMING-* chunked forms
// (https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html).
import { createHash } from 'node:crypto';
import type { PreCheck } from './types.ts';

export const payloadHash: PreCheck = ({ req }) => {
  const stated = req.headers['x-amz-content-sha256'];
  if (stated === undefined) return undefined; // the engine hashes the body itself
  const value = String(stated).toLowerCase();
  if (req.service === 's3' && !/^[0-9a-f]{64}$/.test(value)) return undefined;
  if (value === createHash('sha256').update(req.body).digest('hex')) return undefined;
  if (req.service === 's3') {
    return {
      status: 400,
      code: 'XAmzContentSHA256Mismatch',
      message: "The provided 'x-amz-content-sha256' header does not match what was computed.",
    };
  }
  return {
    status: 403,
    code: 'SignatureDoesNotMatch',
    message:
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
  };
};
