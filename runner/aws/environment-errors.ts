// Turn SDK failures that are about the environment (no credentials, expired
// token, network, throttling) into LabErrors with exit code 2 and a fix.
// A denial of the runner's own call is one too (denied.ts). Anything else is left alone: a check
// decides what an AWS error means for its step.
import { LabError } from '../errors.ts';
import { denialError, isRunnerDenial } from './denied.ts';

export interface ErrorContext {
  kind: 'sandbox' | 'aws';
  /** The sandbox is a class's hosted account (its keys come from the class server). */
  hosted?: boolean;
  /** The sandbox gateway, or AWS_ENDPOINT_URL on AWS. */
  endpoint?: string;
  /** The named profile in use (AWS): for `aws sso login --profile …` hints. */
  profile?: string;
  /** Where the runner's credentials come from, e.g. "profile dev", "credentials from AWS_ACCESS_KEY_ID". */
  source?: string;
  /** The runner's identity, once GetCallerIdentity answered. */
  callerArn?: string;
  /** The profile asked for by --profile or AWS_PROFILE (not the implicit "default"). */
  namedProfile?: string;
  /** The profiles that exist in the CLI files, and those files (for an unknown --profile). */
  profiles?: string[];
  files?: { configFile: string; credentialsFile: string };
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
  const source = ctx.source ?? (ctx.profile ? `profile ${ctx.profile}` : undefined);
  const profile = source ? ` (${source})` : '';
  if (isRunnerDenial(e)) return denialError(e, ctx);
  // A --profile (or AWS_PROFILE) that is in neither file: the SDK only says "Could not load
  // credentials from any providers" (older versions: "Profile nope could not be found …").
  const unknownProfile =
    /Profile (\S+) could not be found/.exec(e.message)?.[1] ??
    (name === 'CredentialsProviderError' &&
    ctx.namedProfile &&
    ctx.profiles &&
    !ctx.profiles.includes(ctx.namedProfile)
      ? ctx.namedProfile
      : undefined);
  if (unknownProfile && ctx.kind === 'aws') {
    const where = ctx.files ? ` in ${ctx.files.configFile} or ${ctx.files.credentialsFile}` : '';
    const known = ctx.profiles?.length ? `Profiles there: ${ctx.profiles.join(', ')}. ` : '';
    return new LabError(
      'no_profile',
      `There is no AWS profile "${unknownProfile}"${where}.`,
      `${known}Pass one with --profile <name>, or create it: \`aws configure --profile ${unknownProfile}\`.`,
    );
  }
  // credential_process (a program that prints credentials): the SDK's message names the
  // profile. Said before "no credentials", which the chain would otherwise end with.
  const proc = /Profile (\S+) credential_process (.*)/.exec(e.message);
  if (proc) {
    const expired = /expired/i.test(proc[2]);
    return new LabError(
      expired ? 'expired_credentials' : 'credential_process_failed',
      expired
        ? `The credentials of profile ${proc[1]} have expired: its credential_process returned credentials past their Expiration.`
        : `The credential_process of profile ${proc[1]} failed: ${proc[2]}`,
      expired
        ? `Renew them with the tool that credential_process runs (log in again), then run the command again; \`aws sts get-caller-identity --profile ${proc[1]}\` tells when they work.`
        : `Run that command yourself to see why (\`aws configure get credential_process --profile ${proc[1]}\` shows it).`,
    );
  }
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
          `Cannot reach AWS${ctx.endpoint ? ` at ${ctx.endpoint}` : ''} (${errorCode(e) ?? name}): ${e.message}`,
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
  // SignatureDoesNotMatch "Signature expired: …" / "not yet current" (EC2: RequestExpired "Request
  // has expired."): the computer's clock is off (5 minutes for IAM, 15 for STS and EC2).
  if (
    (name === 'SignatureDoesNotMatch' && /Signature (expired|not yet current)/.test(e.message)) ||
    name === 'RequestExpired'
  ) {
    return new LabError(
      'clock_skew',
      `AWS rejected the request's time: ${e.message}`,
      "This computer's clock is more than 5 minutes off: set it right (e.g. enable NTP) and run the command again.",
    );
  }
  if (BAD_CREDENTIALS.has(name)) {
    return new LabError(
      'bad_credentials',
      `AWS rejected the runner's credentials${profile}: ${e.message}`,
      ctx.hosted
        ? 'Your class account was reset (or its keys replaced): run `lab class sync` for its new keys, or `lab join` again. If the class has ended, ask your instructor.'
        : ctx.kind === 'sandbox'
          ? 'The sandbox may have been reset: run `lab sandbox start`.'
          : ctx.profile && source === `profile ${ctx.profile}`
            ? `Check the key id and secret of profile ${ctx.profile} (\`aws configure --profile ${ctx.profile}\`, \`aws sts get-caller-identity --profile ${ctx.profile}\`), or pass another --profile.`
            : 'Check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (`aws sts get-caller-identity`), or pass a profile with --profile <name>.',
    );
  }
  const server = serverFailure(e, ctx);
  if (server) return server;
  return undefined;
}

/**
 * A 5xx, or an answer that is not AWS's JSON/XML at all: the endpoint is the problem, not the
 * learner's work. The sandbox's gateway answers 503 ServiceUnavailable while its engine is down;
 * another emulator (a plain moto) has no CloudTrail LookupEvents and answers an HTML 500.
 */
function serverFailure(e: Error, ctx: ErrorContext): LabError | undefined {
  const meta = (e as { $metadata?: { httpStatusCode?: number } }).$metadata;
  const status = meta?.httpStatusCode;
  const unparsable = /Deserialization error|is not valid JSON|Unexpected token/.test(e.message);
  if (!(status !== undefined && status >= 500) && !unparsable) return undefined;
  const call =
    (e as { labrunnerCall?: { operation?: string } }).labrunnerCall?.operation ?? 'a call';
  const answer = `HTTP ${status ?? '?'}${unparsable ? ', not an AWS answer' : ''}`;
  if (ctx.kind === 'sandbox') {
    return status === 503
      ? new LabError(
          'sandbox_engine_down',
          `The local sandbox's engine is not answering (the gateway at ${ctx.endpoint ?? '?'} is up: ${e.message}).`,
          'Run `lab sandbox start`: it restarts what is not running and keeps your users, keys and progress.',
        )
      : new LabError(
          'sandbox_failed',
          `The local sandbox failed on ${call} (${answer}): ${firstLine(e.message)}`,
          '`lab sandbox status` shows its processes; the engine log path is in `lab sandbox status --json`.',
        );
  }
  if (ctx.endpoint) {
    return new LabError(
      'endpoint_unsupported',
      `The endpoint ${ctx.endpoint} (AWS_ENDPOINT_URL) failed on ${call} (${answer}).`,
      'labrunner needs IAM, STS, EC2 and CloudTrail event history (LookupEvents) as AWS answers them. ' +
        'The local sandbox has them: unset AWS_ENDPOINT_URL and use --target sandbox.',
    );
  }
  return new LabError(
    'aws_unavailable',
    `AWS failed on ${call} (${answer}): ${firstLine(e.message)}`,
    'This is on the AWS side: wait a minute and run the command again (https://health.aws.amazon.com shows outages).',
  );
}

function firstLine(s: string): string {
  return s.split('\n')[0];
}
