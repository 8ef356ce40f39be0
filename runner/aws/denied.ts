// When AWS denies one of the runner's OWN calls (its identity lacks a permission), that is an
// environment problem, never a learner's failed step: say who was denied what, and how to fix it.
// The runner's clients tag every error with the operation (a middleware in clients.ts), so the
// action can be named even when AWS's message does not, and a learner's denial (made with the
// learner's key, e.g. the lab's expected UnauthorizedOperation) is never mistaken for the runner's.
import { LabError } from '../errors.ts';

const DENIAL_CODES = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'Client.UnauthorizedOperation',
]);

/**
 * What the runner's inspection calls need (lab check; lab start and lab cleanup read these too).
 * sts:GetCallerIdentity needs no permission. docs/runner.md lists the same, with the writes.
 */
export const RUNNER_READ_PERMISSIONS = [
  'iam:GetAccountSummary',
  'iam:GetUser',
  'iam:ListAccessKeys',
  'iam:ListAttachedUserPolicies',
  'iam:ListUserPolicies',
  'iam:GetUserPolicy',
  'iam:ListGroupsForUser',
  'iam:ListAttachedGroupPolicies',
  'iam:ListGroupPolicies',
  'iam:GetGroupPolicy',
  'iam:GetPolicy',
  'iam:GetPolicyVersion',
  'cloudtrail:LookupEvents',
];

/** Set on every error from a client built by makeClients. */
export interface CallTag {
  /** e.g. "cloudtrail:LookupEvents". */
  operation: string;
  /** Made with the runner's own identity (not a learner profile's key). */
  runner: boolean;
}

export const callTag = (e: unknown): CallTag | undefined =>
  (e as { labrunnerCall?: CallTag } | undefined)?.labrunnerCall;

export function tagError(e: unknown, tag: CallTag): void {
  if (e && typeof e === 'object' && !callTag(e)) Object.assign(e, { labrunnerCall: tag });
}

/** AccessDenied, AccessDeniedException, UnauthorizedOperation: a permission is missing. */
export function isDenial(e: unknown): boolean {
  const x = e as { name?: string; Code?: string; code?: string } | undefined;
  return [x?.name, x?.Code, x?.code].some((c) => c !== undefined && DENIAL_CODES.has(c));
}

/** A denial of a call the runner made with its own identity. */
export const isRunnerDenial = (e: unknown) => isDenial(e) && callTag(e)?.runner === true;

export interface DenialContext {
  kind: 'sandbox' | 'aws';
  /** The runner's identity (GetCallerIdentity), when known. */
  callerArn?: string;
}

/** The LabError (exit 2) for a denied runner call. */
export function denialError(e: Error, ctx: DenialContext): LabError {
  // AWS: "User: arn:… is not authorized to perform: iam:ListUsers on resource: … because …";
  // EC2 prefixes "You are not authorized to perform this operation." (hence the action pattern).
  const action =
    /not authorized to perform:?\s+([a-z0-9-]+:[A-Za-z0-9*]+)/.exec(e.message)?.[1] ??
    callTag(e)?.operation ??
    'an AWS action';
  const who =
    ctx.callerArn || /User: (arn:\S+) is not authorized/.exec(e.message)?.[1] || 'unknown';
  const message = `AWS denied ${action} to the runner's identity ${who} (${e.name}).`;
  if (ctx.kind === 'sandbox') {
    return new LabError(
      'access_denied',
      message,
      "The sandbox's runner identity is allowed everything: restart the sandbox (`lab sandbox stop`, then `lab sandbox start`).",
    );
  }
  const read = RUNNER_READ_PERMISSIONS.includes(action);
  const grant = read
    ? `the read permissions labrunner needs: ${RUNNER_READ_PERMISSIONS.join(', ')}`
    : `${action} and the other permissions lab start and lab cleanup need`;
  return new LabError(
    'access_denied',
    message,
    `Pass a profile with administrator access (--profile <name>), or grant ${who} ${grant} (docs/runner.md, "Permissions the runner needs on AWS").`,
  );
}
