// d. Request expiry. AWS rejects a SigV4 request whose X-Amz-Date (or Date header, or the
// presigned X-Amz-Date query parameter) is more than 5 minutes away from its clock, with 403
// SignatureDoesNotMatch "Signature expired: <date> is now earlier than <now-5min> (<now> - 5 min.)"
// (or "is now later than <now+5min> (<now> + 5 min.)"). moto 5.2.1 never checks the date.
// Presigned URLs with X-Amz-Expires are judged against their own expiry instead.
import { amzDate } from '../request.ts';
import type { PreCheck } from './types.ts';

export const MAX_SKEW_MS = 5 * 60 * 1000;

export const requestExpiry: PreCheck = ({ req, now }) => {
  const at = req.signedAt;
  if (!at) return undefined; // moto answers an undated signed request itself
  if (Number.isNaN(at.time)) {
    return {
      status: 403,
      code: 'SignatureDoesNotMatch',
      message: `Date must be in ISO-8601 'basic format'. Got '${at.raw}'.`,
    };
  }
  const expires = Number(req.params.get('X-Amz-Expires'));
  if (expires > 0) {
    if (now > at.time + expires * 1000) {
      return { status: 403, code: 'AccessDenied', message: 'Request has expired' };
    }
    return undefined;
  }
  if (at.time < now - MAX_SKEW_MS) {
    return {
      status: 403,
      code: 'SignatureDoesNotMatch',
      message: `Signature expired: ${amzDate(at.time)} is now earlier than ${amzDate(now - MAX_SKEW_MS)} (${amzDate(now)} - 5 min.)`,
    };
  }
  if (at.time > now + MAX_SKEW_MS) {
    return {
      status: 403,
      code: 'SignatureDoesNotMatch',
      message: `Signature not yet current: ${amzDate(at.time)} is still later than ${amzDate(now + MAX_SKEW_MS)} (${amzDate(now)} + 5 min.)`,
    };
  }
  return undefined;
};
