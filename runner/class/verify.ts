// `lab report --verify`: when the instructor gave each learner an IAM user in
// one shared class account, re-check the learners' key steps in that account
// and its CloudTrail event history instead of trusting what they reported.
// The checks mirror day42's (labs/day42/lab.ts) for a named user instead of
// the lab's single `iam-admin`, and use the runner's CloudTrail reader
// (runner/check/events.ts), so the instructor's own calls never count.
import { ListAccessKeysCommand } from '@aws-sdk/client-iam';
import type { Clients } from '../lab/define.ts';
import type { Env } from '../paths.ts';
import {
  lookupEvents,
  targetKeyId,
  hhmmss,
  type TrailEvent,
  makeClients,
  destroyClients,
} from '../aws/index.ts';
import { summarize, type ClassReport, type LearnerReport, type LabReport } from './report.ts';

const UNAUTHORIZED = new Set(['UnauthorizedOperation', 'Client.UnauthorizedOperation']);
/** The steps of a lab that the account can prove (the configure step lives in local files). */
const VERIFIABLE = ['create-key', 'configure', 'list-users', 'denied-ec2', 'cleanup'];

export interface VerifyOptions {
  profile: string;
  region?: string;
  env: Env;
  log: (line: string) => void;
  /** Injected clients (tests); default: the SDK's chain for `profile`. */
  clients?: {
    iam: Clients['iam'];
    cloudtrail: Clients['cloudtrail'];
    iamTrail?: Clients['cloudtrail'];
  };
}

interface AccountFacts {
  keys: { id: string; status?: string; created?: Date }[];
  created: TrailEvent[];
  deleted: TrailEvent[];
  deactivated: TrailEvent[];
  listUsers: TrailEvent[];
  describe: TrailEvent[];
}

export async function verifyReport(report: ClassReport, o: VerifyOptions): Promise<ClassReport> {
  const region = o.region ?? o.env.AWS_REGION ?? o.env.AWS_DEFAULT_REGION ?? 'us-east-1';
  const own = o.clients ? undefined : makeClients({ region, profile: o.profile });
  // On AWS, IAM (a global service) records its events in us-east-1's history.
  const iamTrailClients =
    o.clients || region === 'us-east-1' || o.env.AWS_ENDPOINT_URL
      ? undefined
      : makeClients({ region: 'us-east-1', profile: o.profile });
  const iam = o.clients?.iam ?? own!.iam;
  const cloudtrail = o.clients?.cloudtrail ?? own!.cloudtrail;
  const iamTrail = o.clients?.iamTrail ?? iamTrailClients?.cloudtrail ?? cloudtrail;
  try {
    const labs: LabReport[] = [];
    for (const lab of report.labs) {
      if (!lab.steps.includes('create-key')) {
        o.log(
          `verify: lab ${lab.lab} has no account checks for a shared class account; left self-reported`,
        );
        labs.push(lab);
        continue;
      }
      const starts = lab.learners.flatMap((l) =>
        Object.values(l.cells).map((c) => c.firstAt ?? Infinity),
      );
      // From an hour before the first check anyone made (keys are created before the first check).
      const since = new Date(Math.min(Date.now(), ...starts) - 3_600_000);
      const [created, deleted, deactivated, listUsers, describe] = await Promise.all([
        lookupEvents(iamTrail, 'CreateAccessKey', since, 20),
        lookupEvents(iamTrail, 'DeleteAccessKey', since, 20),
        lookupEvents(iamTrail, 'UpdateAccessKey', since, 20),
        lookupEvents(iamTrail, 'ListUsers', since, 20),
        lookupEvents(cloudtrail, 'DescribeInstances', since, 20),
      ]);
      const learners = [];
      for (const l of lab.learners) {
        if (!l.iamUser) {
          o.log(`verify: ${l.name} joined without --iam-user; left self-reported`);
          learners.push(l);
          continue;
        }
        const keys = await listKeys(iam, l.iamUser);
        const facts: AccountFacts = { keys, created, deleted, deactivated, listUsers, describe };
        learners.push(verifyLearner(l, l.iamUser, facts, since));
      }
      const reasons = lab.stuck.flatMap((s) => s.reasons.map((r) => ({ step: s.step, ...r })));
      labs.push(summarize(lab.lab, lab.steps, learners, reasons));
    }
    return { ...report, labs };
  } finally {
    if (own) destroyClients(own);
    if (iamTrailClients) destroyClients(iamTrailClients);
  }
}

async function listKeys(iam: Clients['iam'], user: string): Promise<AccountFacts['keys']> {
  try {
    const r = await iam.send(new ListAccessKeysCommand({ UserName: user }));
    return (r.AccessKeyMetadata ?? []).map((k) => ({
      id: k.AccessKeyId!,
      status: k.Status,
      created: k.CreateDate,
    }));
  } catch (e) {
    if ((e as { name?: string }).name === 'NoSuchEntityException') return [];
    throw e;
  }
}

/** What the account proves about one learner's steps; cells are re-marked verified or contradicted. */
export function verifyLearner(
  l: LearnerReport,
  user: string,
  f: AccountFacts,
  since: Date,
): LearnerReport {
  // A key event concerns `user` when it names them (request, or resources), or when
  // they made it for themselves (no userName in the request = the caller's own keys).
  const forUser = (e: TrailEvent) =>
    !e.errorCode &&
    (e.requestParameters?.userName === user ||
      e.resources.some((r) => r.type === 'AWS::IAM::User' && r.name === user) ||
      (!e.requestParameters?.userName && e.userName === user));
  const createdEvents = f.created.filter(forUser);
  const liveNew = f.keys.filter((k) => k.created && k.created >= since);
  // The id of a created key is in CloudTrail's response elements, which event history may
  // not carry: the user's live new keys and the keys later deactivated or deleted name them.
  const createdIds = new Set<string>(liveNew.map((k) => k.id));
  for (const e of createdEvents) {
    const id = targetKeyId(e);
    if (id) createdIds.add(id);
  }
  if (createdEvents.length) {
    for (const e of [...f.deleted, ...f.deactivated].filter(forUser)) {
      const id = targetKeyId(e);
      if (id) createdIds.add(id);
    }
  }
  const ids = [...createdIds];
  const live = f.keys.filter((k) => createdIds.has(k.id));
  const byMe = (e: TrailEvent) =>
    e.userName === user || (e.accessKeyId !== undefined && createdIds.has(e.accessKeyId));
  const listed = f.listUsers.find((e) => byMe(e) && !e.errorCode);
  const denied = f.describe.find((e) => byMe(e) && e.errorCode && UNAUTHORIZED.has(e.errorCode));
  const deletedIds = new Set(f.deleted.filter(forUser).map(targetKeyId));
  const deactivatedIds = new Set(
    f.deactivated
      .filter((e) => forUser(e) && e.requestParameters?.status !== 'Active')
      .map(targetKeyId),
  );
  const cleaned =
    ids.length > 0 &&
    live.length === 0 &&
    ids.every((id) => deletedIds.has(id) && deactivatedIds.has(id));
  const proof: Record<string, string | undefined> = {
    'create-key':
      createdEvents.length || liveNew.length
        ? `a key was created for ${user}${ids.length ? `: ${ids.join(', ')}` : ''}`
        : undefined,
    // A call signed with the key proves a profile held it.
    configure: listed ? `the key signed ListUsers at ${hhmmss(listed.time)}` : undefined,
    'list-users': listed ? `ListUsers by ${user} at ${hhmmss(listed.time)}` : undefined,
    'denied-ec2': denied
      ? `DescribeInstances by ${user} denied at ${hhmmss(denied.time)}`
      : undefined,
    cleanup: cleaned ? `every lab key of ${user} deactivated, then deleted` : undefined,
  };
  // When the account proves a step the learner never reported, the account's own time is
  // the step's time (a live key with no time read as "key created  UTC" in the report).
  const firstCreated = [
    ...createdEvents.map((e) => e.time.getTime()),
    ...liveNew.map((k) => k.created!.getTime()),
  ];
  const deletions = f.deleted.filter(forUser).map((e) => e.time.getTime());
  const provedAt: Record<string, number | undefined> = {
    'create-key': firstCreated.length ? Math.min(...firstCreated) : undefined,
    configure: listed?.time.getTime(),
    'list-users': listed?.time.getTime(),
    'denied-ec2': denied?.time.getTime(),
    cleanup: cleaned && deletions.length ? Math.max(...deletions) : undefined,
  };
  const cells = { ...l.cells };
  for (const step of VERIFIABLE) {
    const c = cells[step];
    if (!c) continue;
    const proved = proof[step];
    if (proved) {
      cells[step] = {
        ...c,
        status: 'passed',
        passedAt: c.passedAt ?? provedAt[step] ?? null,
        verification: 'verified',
        verifiedEvidence: proved,
      };
    } else if (c.status === 'passed') {
      cells[step] = {
        ...c,
        verification: 'contradicted',
        verifiedEvidence: 'not found in the account',
      };
    } else {
      cells[step] = {
        ...c,
        verification: 'verified',
        verifiedEvidence: 'not done (account agrees)',
      };
    }
  }
  return { ...l, cells, keyCheck: live.length ? 'exists' : 'gone' };
}
