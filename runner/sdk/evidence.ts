// Evidence from the event history (CloudTrail on AWS, the sandbox's activity log behind the
// same API): what the learner did during this run, and only the learner. The runner's own
// calls never count, nor calls by any other identity in the account (another learner, an
// admin's automation): see runner/aws/run-calls.ts.
import type { CheckContext } from '../check/context.ts';
import type { StepVerdict } from '../lab/define.ts';
import {
  hhmmss,
  lookupEvents,
  lookupEventsBy,
  type TrailEvent,
  afterStart,
  isRunsCall,
  learnerArnOf,
} from '../aws/index.ts';
import { readProfiles, type Profile } from '../target/profiles.ts';
import { LocalEvidenceElsewhere } from '../target/account.ts';

/**
 * Where IAM's and STS's (global) events are: us-east-1's event history, on AWS and in the
 * sandbox alike (its history is regional as AWS's).
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/cloudtrail-integration.html#cloudtrail-integration_examples-iam
 */
const iamRegion = (_ctx: CheckContext) => 'us-east-1';
const trail = (ctx: CheckContext, region?: string) =>
  region ? ctx.target.clientsForRegion(region).cloudtrail : ctx.clients.cloudtrail;

/** Did this happen after the run started? (Whole-second AWS times: the first second counts.) */
export const sinceStart = (ctx: CheckContext, t: Date) => afterStart(t, ctx.run.startedAt);

function runFilter(ctx: CheckContext) {
  const entries = ctx.ledger();
  return {
    learnerArn: learnerArnOf(ctx.run.baseline, ctx.target.learnerArn),
    keyIds: new Set(entries.filter((e) => e.kind === 'access-key').map((e) => e.resourceId)),
    roleArns: new Set(
      entries.filter((e) => e.kind === 'iam-role').map((e) => String(e.details.arn ?? '')),
    ),
  };
}

/**
 * The learner's calls named `eventName` during this run, newest first (successful and failed;
 * look at `errorCode`). `service: 'iam'` (the default) reads IAM's history; pass 'regional' for
 * EC2 and other regional services (the target's region).
 */
export function learnerCalls(
  ctx: CheckContext,
  eventName: string,
  o: { service?: 'iam' | 'regional'; region?: string } = {},
): Promise<TrailEvent[]> {
  const region = o.region ?? (o.service === 'regional' ? undefined : iamRegion(ctx));
  return ctx.memo(`sdk:calls:${eventName}:${region ?? ''}`, async () => {
    const f = runFilter(ctx);
    const evs = await lookupEvents(trail(ctx, region), eventName, ctx.run.startedAt);
    return evs.filter((e) => sinceStart(ctx, e.time) && isRunsCall(e, f));
  });
}

/**
 * Every call made with `accessKeyId` during this run (the key is the proof of who called),
 * newest first. For a lab user's key the learner created: what did that user manage to do?
 */
export function callsWithKey(
  ctx: CheckContext,
  accessKeyId: string,
  o: { region?: string } = {},
): Promise<TrailEvent[]> {
  const region = o.region ?? iamRegion(ctx);
  return ctx.memo(`sdk:key:${accessKeyId}:${region ?? ''}`, async () => {
    const evs = await lookupEventsBy(
      trail(ctx, region),
      { key: 'AccessKeyId', value: accessKeyId },
      ctx.run.startedAt,
    );
    return evs.filter((e) => sinceStart(ctx, e.time));
  });
}

/**
 * Access keys the learner created for `userName` during this run (from CreateAccessKey events
 * by the learner), oldest first. Each is recorded in the ledger, so cleanup removes it.
 */
export async function keysCreatedFor(ctx: CheckContext, userName: string): Promise<string[]> {
  const evs = await learnerCalls(ctx, 'CreateAccessKey');
  const ids: string[] = [];
  for (const e of [...evs].reverse()) {
    const k = e.responseElements?.accessKey;
    if (e.errorCode || !k?.accessKeyId || k.userName !== userName) continue;
    ids.push(k.accessKeyId);
    ctx.remember('access-key', k.accessKeyId, { userName, event: e.id, by: e.callerArn ?? '' });
  }
  return ids;
}

/** The first successful call of the learner named `eventName` whose request matches `params`. */
export async function learnerDid(
  ctx: CheckContext,
  eventName: string,
  params: Record<string, string> = {},
): Promise<TrailEvent | undefined> {
  const evs = await learnerCalls(ctx, eventName);
  return evs.find(
    (e) => !e.errorCode && Object.entries(params).every(([k, v]) => e.requestParameters?.[k] === v),
  );
}

/**
 * What a failed call got, for a verdict's evidence: "CreateGroup at 14:21:33 UTC failed:
 * EntityAlreadyExists: Group with name lab-readers already exists." (AWS's own code and message,
 * as the learner's terminal showed them).
 */
export function whatItGot(e: TrailEvent): string {
  const msg = (e.errorMessage ?? '').split('\n')[0].slice(0, 200);
  return `${e.name} at ${hhmmss(e.time)} failed: ${e.errorCode}${msg ? `: ${msg}` : ''}`;
}

/**
 * The step's call is not in the history. When the learner did try it and the call failed
 * (`attempts`: their related calls, newest first; pass what learnerCalls returns), that is the
 * verdict: "failed: what it got", never "not tried". Otherwise, on AWS CloudTrail may still be
 * delivering it (pending, `lab check --watch` waits); in the sandbox the history is immediate,
 * so the learner has not tried it yet.
 */
export function missing(
  ctx: CheckContext,
  v: { expected: string; hint: string; attempts?: readonly TrailEvent[] },
): StepVerdict {
  const { attempts, ...text } = v;
  const bad = attempts?.find((e) => e.errorCode);
  if (bad)
    return { status: 'failed', expected: text.expected, evidence: whatItGot(bad), hint: text.hint };
  return ctx.target.kind === 'aws'
    ? { status: 'pending', evidence: 'waiting for CloudTrail, usually under 5 minutes', ...text }
    : { status: 'not-tried', evidence: 'no such call recorded since the lab started', ...text };
}

/** The learner's CLI profiles (the sandbox's isolated files, or ~/.aws on AWS). Secrets stay inside. */
export const learnerProfiles = (ctx: CheckContext): Promise<Map<string, Profile>> =>
  ctx.memo('sdk:profiles', () => readProfiles(ctx.target.learnerFiles));

/**
 * `read()`'s answer, or `fallback` where the learner's machine is out of reach: a class that
 * hosts the sandbox runs the lab's checks on its server, against the learner's account only
 * (runner/target/account.ts). For a hint or an extra place to look, never for the verdict: a
 * step whose verdict rests on local files declares `evidence: 'local'` or `'mixed'`.
 */
export async function ifLocal<T>(read: () => Promise<T>, fallback: T): Promise<T> {
  try {
    return await read();
  } catch (e) {
    if (e instanceof LocalEvidenceElsewhere) return fallback;
    throw e;
  }
}

/** "13:52:07 UTC": short, unambiguous times for evidence lines. */
export { hhmmss, targetKeyId } from '../aws/index.ts';

/** The program that made the call, e.g. "aws-cli/1.45.0". */
export const agent = (e: TrailEvent) => e.userAgent.split(' ')[0] || 'unknown client';

/**
 * Calls named `eventName` made by sessions of `roleName` that the learner started during this
 * run: the learner's successful AssumeRole calls name the role and their session names, and a
 * session's calls carry `assumed-role/<role>/<session>` as their caller. Newest first.
 */
export function roleSessionCalls(
  ctx: CheckContext,
  roleName: string,
  eventName: string,
): Promise<TrailEvent[]> {
  const region = iamRegion(ctx);
  return ctx.memo(`sdk:role:${roleName}:${eventName}`, async () => {
    const roleArn = `arn:aws:iam::${ctx.target.accountId}:role/${roleName}`;
    const sessions = (await learnerCalls(ctx, 'AssumeRole'))
      .filter((e) => !e.errorCode && e.requestParameters?.roleArn === roleArn)
      .map(
        (e) =>
          `arn:aws:sts::${ctx.target.accountId}:assumed-role/${roleName}/${String(e.requestParameters?.roleSessionName ?? '')}`,
      );
    if (!sessions.length) return [];
    const evs = await lookupEvents(trail(ctx, region), eventName, ctx.run.startedAt);
    return evs.filter((e) => sinceStart(ctx, e.time) && sessions.includes(e.callerArn ?? ''));
  });
}
