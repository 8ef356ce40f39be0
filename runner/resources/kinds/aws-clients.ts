// The EC2 and S3 clients a kind needs; cleanup and `lab test` pass the target's full client set,
// a hand-built context may not: say which client is missing instead of failing on undefined.
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { S3Client } from '@aws-sdk/client-s3';
import type { KindContext } from '../types.ts';

export function ec2Of(ctx: KindContext): EC2Client {
  if (!ctx.clients.ec2) throw new Error('this resource kind needs an EC2 client in its context');
  return ctx.clients.ec2;
}

export function s3Of(ctx: KindContext): S3Client {
  if (!ctx.clients.s3) throw new Error('this resource kind needs an S3 client in its context');
  return ctx.clients.s3;
}

/** Gone already (the thing we wanted): S3 and EC2 not-found codes. */
export async function ignoreMissing<T>(p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch (e) {
    const x = e as { name?: string; Code?: string };
    if (/NotFound|NoSuchBucket|NoSuchKey/.test(`${x?.name ?? ''} ${x?.Code ?? ''}`))
      return undefined;
    throw e;
  }
}
