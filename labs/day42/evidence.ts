// day42's evidence: the lab user's keys during this run, CloudTrail lookups,
// the learner's profiles. Shared by the step checks in lab.ts (memoised per pass).
import { ListAccessKeysCommand } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { StepVerdict } from '../../runner/lab/define.ts';
import type { CheckContext } from '../../runner/check/context.ts';
import { lookupEvents, targetKeyId, type TrailEvent } from '../../runner/aws/events.ts';
import { readProfiles, type Profile } from '../../runner/target/profiles.ts';

export const USER = 'iam-admin';
export const POLICY_ARN = 'arn:aws:iam::aws:policy/IAMFullAccess';
export const REGION = 'ap-southeast-2';
export const UNAUTHORIZED = new Set(['UnauthorizedOperation', 'Client.UnauthorizedOperation']);
export const WAITING = 'waiting for CloudTrail, usually under 5 minutes';

interface Key {
  id: string;
  status?: string;
  created?: Date;
}

interface LabKeys {
  userMissing: boolean;
  /** iam-admin's keys as they are now. */
  current: Key[];
  /** Keys made during this run: new since setup, or recorded earlier by a check. */
  lab: Key[];
  /** Keys that existed before the run (they do not count). */
  older: Key[];
}

// SDK v3 names the modelled error NoSuchEntityException; its wire code is NoSuchEntity.
export const isNoSuchEntity = (e: unknown) => {
  const x = e as { name?: string; Code?: string };
  return (
    x?.name === 'NoSuchEntityException' || x?.name === 'NoSuchEntity' || x?.Code === 'NoSuchEntity'
  );
};

/** The run's keys: iam-admin's keys now, minus those setup saw, plus any recorded before. */
export function labKeys(ctx: CheckContext): Promise<LabKeys> {
  return ctx.memo('keys', async () => {
    let current: Key[] = [];
    let userMissing = false;
    try {
      const r = await ctx.clients.iam.send(new ListAccessKeysCommand({ UserName: USER }));
      current = (r.AccessKeyMetadata ?? []).map((k) => ({
        id: k.AccessKeyId!,
        status: k.Status,
        created: k.CreateDate,
      }));
    } catch (e) {
      if (!isNoSuchEntity(e)) throw e;
      userMissing = true;
    }
    const baseline = new Set((ctx.run.baseline.keys as string[] | undefined) ?? []);
    // CreateDate has whole seconds: compare against the second the run started in.
    const startSecond = Math.floor(ctx.run.startedAt.getTime() / 1000) * 1000;
    const isNew = (k: Key) => !baseline.has(k.id) && (k.created?.getTime() ?? 0) >= startSecond;
    const lab = current.filter(isNew);
    for (const k of lab) {
      ctx.remember('access-key', k.id, { userName: USER, createdAt: k.created?.toISOString() });
    }
    // Keys recorded by an earlier check and since deleted still count as the learner's work.
    for (const e of ctx.ledger('access-key')) {
      if (!lab.some((k) => k.id === e.resourceId)) lab.push({ id: e.resourceId });
    }
    // Deleted before any check saw them: the run's DeleteAccessKey events name them.
    for (const ev of await deletions(ctx)) {
      if (!sinceStart(ctx, ev.time)) continue;
      const id = targetKeyId(ev);
      const mine = ev.resources.some((r) => r.name === USER) || ev.userName === USER;
      if (id && mine && !baseline.has(id) && !lab.some((k) => k.id === id)) lab.push({ id });
    }
    return { userMissing, current, lab, older: current.filter((k) => !isNew(k)) };
  });
}

/**
 * Did this happen after the run started? AWS event times are whole seconds (then the
 * run's first second counts); the sandbox's have milliseconds and are compared exactly.
 */
export const sinceStart = (ctx: CheckContext, t: Date) =>
  t.getTime() >= ctx.run.startedAt.getTime() - (t.getUTCMilliseconds() === 0 ? 999 : 0);

export const events = (ctx: CheckContext, name: string, region?: string) =>
  ctx.memo(`events:${name}:${region ?? ''}`, () => {
    const ct = region ? ctx.target.clientsForRegion(region).cloudtrail : ctx.clients.cloudtrail;
    return lookupEvents(ct, name, ctx.run.startedAt);
  });
export const deletions = (ctx: CheckContext) =>
  events(ctx, 'DeleteAccessKey', iamTrailRegion(ctx)).then((evs) =>
    evs.filter((e) => !e.errorCode),
  );

/** IAM is global: on AWS its events are in us-east-1's event history. */
export const iamTrailRegion = (ctx: CheckContext) =>
  ctx.target.kind === 'aws' ? 'us-east-1' : undefined;

export function needKey(): StepVerdict {
  return {
    status: 'failed',
    expected: `an access key for ${USER} created during this lab`,
    evidence: 'none yet',
    hint: 'Do step create-key first.',
  };
}

/** Not there yet: on AWS CloudTrail lags, so wait; in the sandbox the call was not made. */
export function missing(
  ctx: CheckContext,
  v: Required<Pick<StepVerdict, 'expected' | 'hint'>>,
): StepVerdict {
  return ctx.target.kind === 'aws'
    ? { status: 'pending', evidence: WAITING, ...v }
    : { status: 'failed', evidence: 'no such call recorded since the lab started', ...v };
}

export const keyHolders = (ctx: CheckContext, ids: string[]) =>
  ctx.memo('profiles', async () =>
    [...(await readProfiles(ctx.target.learnerFiles)).values()].filter(
      (p) => p.accessKeyId && ids.includes(p.accessKeyId),
    ),
  );

export const usedBy = (evs: TrailEvent[], ids: string[]) =>
  evs.filter((e) => e.accessKeyId && ids.includes(e.accessKeyId));

export async function verifyProfile(
  ctx: CheckContext,
  p: Profile,
  expected: string,
): Promise<StepVerdict> {
  if (!p.secretAccessKey) {
    return {
      status: 'failed',
      expected,
      evidence: `profile ${p.name} holds the key id but no secret access key`,
      hint: `Run \`aws configure --profile ${p.name}\` and paste the secret shown when the key was created.`,
    };
  }
  try {
    const c = await ctx.target.clientsForProfile(p.name);
    const who = await c.sts.send(new GetCallerIdentityCommand({}));
    if (!who.Arn?.endsWith(`:user/${USER}`)) {
      return {
        status: 'failed',
        expected,
        evidence: `profile ${p.name} signs in as ${who.Arn}`,
        hint: `Put ${USER}'s key in it.`,
      };
    }
    const src = p.keySource!;
    ctx.remember('profile-section', `${src.file}#${src.section}`, {
      file: src.file,
      section: src.section,
      profile: p.name,
      keyId: p.accessKeyId,
      region: p.region,
      verifiedAt: ctx.clock.now().toISOString(),
    });
    return { status: 'passed', evidence: `profile ${p.name} (region ${p.region}) is ${who.Arn}` };
  } catch (e) {
    const env = ctx.target.environmentError(e);
    if (env && env.code !== 'bad_credentials') throw env;
    return {
      status: 'failed',
      expected,
      evidence: `profile ${p.name}: AWS rejected the key (${(e as Error).name})`,
      hint: `The secret in profile ${p.name} does not match the key: run \`aws configure --profile ${p.name}\` and paste both again.`,
    };
  }
}

/** The program that made the call, e.g. "aws-cli/1.45.0". */
export const agent = (e: TrailEvent) => e.userAgent.split(' ')[0] || 'unknown client';
