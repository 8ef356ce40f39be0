// The fixes in the order the gateway applies them. Pre-checks answer before the engine is asked
// (cheapest first); error fixes rewrite the engine's error answers (first match wins).
import type { ErrorFix, PreCheck } from './types.ts';
import { missingAuth } from './missing-auth.ts';
import { s3SigV2 } from './s3-sigv2.ts';
import { s3Anonymous } from './s3-anonymous.ts';
import { unknownRegion } from './unknown-region.ts';
import { requestExpiry } from './request-expiry.ts';
import { unknownAction } from './unknown-action.ts';
import { payloadHash } from './payload-hash.ts';
import { s3DecodedLength } from './s3-decoded-length.ts';
import { inactiveKey } from './inactive-key.ts';
import { expiredSession } from './expired-session.ts';
import { engineGap } from './engine-gap.ts';
import { ec2Denial } from './ec2-denial.ts';
import { ec2AuthFailure } from './ec2-auth-failure.ts';
import { iamDenial } from './iam-denial.ts';

/** Checks that need no principal. */
export const requestChecks: PreCheck[] = [
  s3SigV2,
  s3Anonymous,
  missingAuth,
  unknownRegion,
  requestExpiry,
  payloadHash,
  s3DecodedLength,
  unknownAction,
];
/** Checks that need the key's owner (one cached whois). */
export const principalChecks: PreCheck[] = [inactiveKey, expiredSession];
export const errorFixes: ErrorFix[] = [engineGap, ec2Denial, ec2AuthFailure, iamDenial];

export { engineDown } from './engine-down.ts';
export { requestIdOf } from './request-id.ts';
export type { Call, EngineError, ErrorFix, PreCheck } from './types.ts';
