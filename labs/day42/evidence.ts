// day42's evidence: the lab user's keys during this run, CloudTrail lookups,
// the learner's profiles. Shared by the step checks in lab.ts (memoised per pass).
import { ListAccessKeysCommand } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import {
  ignoreNotFound,
  keysCreatedFor,
  learnerCalls,
  learnerProfiles,
  missing,
  notTried,
  sinceStart,
  type CheckContext,
  type Profile,
  type StepVerdict,
  type TrailEvent,
} from '../../runner/sdk/index.ts';

export { missing, sinceStart };

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
  /**
   * Keys the learner created during this run: their CreateAccessKey is in the event history,
   * made by the learner's identity (ownership by identity, never by time), oldest first.
   */
  lab: Key[];
  /** Keys that exist now but are not the run's: older ones, and anyone else's new ones. */
  older: Key[];
  /** Of `older`, those created during the run by someone else (or not in the history yet). */
  unproven: Key[];
}

/** The run's keys of iam-admin: created by the learner during this run (event history). */
export function labKeys(ctx: CheckContext): Promise<LabKeys> {
  return ctx.memo('keys', async () => {
    // The user's keys and the run's CreateAccessKey events, asked at once: neither answer
    // shapes the other question, and one round trip is half of a check at 0/5 (issue 19).
    // Settled both, so a failure of the IAM call is the one reported, as when it came first.
    const [listed, created] = await Promise.allSettled([
      ignoreNotFound(ctx.clients.iam.send(new ListAccessKeysCommand({ UserName: USER }))),
      keysCreatedFor(ctx, USER),
    ]);
    if (listed.status === 'rejected') throw listed.reason;
    if (created.status === 'rejected') throw created.reason;
    const r = listed.value;
    const current: Key[] = (r?.AccessKeyMetadata ?? []).map((k) => ({
      id: k.AccessKeyId!,
      status: k.Status,
      created: k.CreateDate,
    }));
    const ids = created.value;
    for (const e of ctx.ledger('access-key')) {
      if (e.details.userName === USER && !ids.includes(e.resourceId)) ids.push(e.resourceId);
    }
    const lab = ids.map((id) => current.find((k) => k.id === id) ?? { id });
    const older = current.filter((k) => !ids.includes(k.id));
    const unproven = older.filter((k) => k.created && sinceStart(ctx, k.created));
    return { userMissing: !r, current, lab, older, unproven };
  });
}

/** The learner's calls named `name` during this run (IAM's history unless `region` is given). */
export const events = (ctx: CheckContext, name: string, region?: string) =>
  learnerCalls(ctx, name, region ? { region } : {});

export function needKey(): StepVerdict {
  return notTried({
    expected: `an access key for ${USER} created during this lab`,
    evidence: 'no key yet',
    hint: 'Do step create-key first.',
  });
}

export const keyHolders = (ctx: CheckContext, ids: string[]) =>
  ctx.memo('profiles', async () =>
    [...(await learnerProfiles(ctx)).values()].filter(
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
