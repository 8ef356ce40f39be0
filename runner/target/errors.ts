// Turn SDK failures that are about the environment (no credentials, expired
// token, network, throttling) into LabErrors with exit code 2 and a fix.
// Anything else is left alone: a check decides what an AWS error means for its step.
import { LabError } from '../errors.ts';

export interface ErrorContext {
  kind: 'sandbox' | 'aws';
  endpoint?: string;
  profile?: string;
}

const EXPIRED = new Set([
  'ExpiredToken',
  'ExpiredTokenException',
  'RequestExpired',
  'TokenRefreshRequired',
]);
const THROTTLED = new Set([
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'SlowDown',
]);
const BAD_CREDENTIALS = new Set([
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'SignatureDoesNotMatch',
  'AuthFailure',
  'InvalidAccessKeyId',
]);
const NETWORK = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'EPIPE',
]);

function errorCode(e: any): string | undefined {
  return e?.code ?? e?.cause?.code ?? e?.errors?.[0]?.code;
}

/** A LabError for an environment failure, or undefined if `e` is something else. */
export function environmentError(e: unknown, ctx: ErrorContext): LabError | undefined {
  if (!(e instanceof Error)) return undefined;
  const name = e.name;
  const profile = ctx.profile ? ` (profile ${ctx.profile})` : '';
  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(e.message)) {
    return new LabError(
      'no_credentials',
      `No AWS credentials found${profile}.`,
      ctx.kind === 'aws'
        ? 'Pass --profile <name> for a profile in ~/.aws, set AWS_PROFILE, or run `aws configure`. Or use the local sandbox: --target sandbox.'
        : 'The sandbox identity is missing: run `lab sandbox start`.',
    );
  }
  if (EXPIRED.has(name) || /expired/i.test(name) || /token.*(has )?expired/i.test(e.message)) {
    return new LabError(
      'expired_token',
      `The AWS credentials${profile} have expired: ${e.message}`,
      ctx.profile
        ? `Refresh them (for SSO: \`aws sso login --profile ${ctx.profile}\`) and run the command again.`
        : 'Refresh the credentials and run the command again.',
    );
  }
  if (NETWORK.has(errorCode(e) ?? '') || name === 'TimeoutError' || name === 'RequestTimeout') {
    return ctx.kind === 'sandbox'
      ? new LabError(
          'sandbox_down',
          `The local sandbox at ${ctx.endpoint ?? '?'} is not answering (${errorCode(e) ?? name}).`,
          'Start it: `lab sandbox start`.',
        )
      : new LabError(
          'network',
          `Cannot reach AWS (${errorCode(e) ?? name}): ${e.message}`,
          'Check your network connection (and any proxy), then run the command again.',
        );
  }
  if (THROTTLED.has(name)) {
    return new LabError(
      'throttled',
      `AWS is throttling requests (${name}).`,
      'Wait a minute and run the command again.',
    );
  }
  if (BAD_CREDENTIALS.has(name)) {
    return new LabError(
      'bad_credentials',
      `AWS rejected the runner's credentials${profile}: ${e.message}`,
      ctx.kind === 'sandbox'
        ? 'The sandbox may have been reset: run `lab sandbox start`.'
        : 'Check the profile with `aws sts get-caller-identity --profile <name>`, or pass another --profile.',
    );
  }
  return undefined;
}
