// The two kinds of fix: checks that answer before the engine is asked, and rewrites of the
// engine's error answers. Each returns the AWS error to send, or undefined to let the call pass.
import type { AuthMessages } from '../auth-messages.ts';
import type { AwsError } from '../envelope.ts';
import type { Principal } from '../identities.ts';
import type { ParsedRequest } from '../request.ts';
import type { S3Operation } from '../s3/operation.ts';

export interface Call {
  req: ParsedRequest;
  /** Owner of the signing key per the engine; undefined if unsigned or unknown to the engine. */
  principal?: Principal;
  /** The gateway's clock, ms since the epoch. */
  now: number;
  /** S3 (REST) calls: the operation, bucket and key the request addresses. */
  s3?: S3Operation;
  /** Seals the decision document of a denial (EC2's encoded authorization message). */
  authMessages?: AuthMessages;
}

/** What the engine answered, when it answered with an error (HTTP >= 400). */
export interface EngineError {
  status: number;
  code?: string;
  message?: string;
  /** The raw body, to recognise moto's HTML tracebacks. Never logged. */
  body: string;
  /** What moto does not implement, when that is why it failed (X-Labrunner-Engine-Gap). */
  gap?: string;
  /** The exception class, when moto failed with one (X-Labrunner-Engine-Crash). */
  crash?: string;
}

export type PreCheck = (call: Call) => AwsError | undefined;
export type ErrorFix = (call: Call, answer: EngineError) => AwsError | undefined;
