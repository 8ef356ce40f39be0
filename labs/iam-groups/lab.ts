// iam-groups: permissions on a group, a user in it, its effective rights proven from the CLI.
// Every check reads the event history: what the learner did during this run, as the learner.
import {
  GetGroupCommand,
  GetUserCommand,
  ListAccessKeysCommand,
  ListGroupsForUserCommand,
} from '@aws-sdk/client-iam';
import {
  agent,
  callsWithKey,
  defineLab,
  failed,
  hhmmss,
  ignoreNotFound,
  keysCreatedFor,
  learnerCalls,
  learnerDid,
  learnerProfiles,
  missing,
  notTried,
  passed,
  whatItGot,
  type CheckContext,
  answer,
  notYet,
  type TrailEvent,
} from '../../runner/sdk/index.ts';

const GROUP = 'lab-readers';
const USER = 'lab-reader';
const POLICY_ARN = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
const DENIED = new Set(['AccessDenied', 'AccessDeniedException']);

const did = (ctx: CheckContext, event: string, params: Record<string, string>, hint: string) =>
  learnerDid(ctx, event, params).then((e) => ({ e, hint, event }));

/** A call made with lab-reader's own key (the learner's calls include it once the key is theirs). */
const byReader = (e: TrailEvent) => Boolean(e.callerArn?.endsWith(`:user/${USER}`));

/** The learner's own calls named `event` (as their admin, not as lab-reader), newest first. */
const ownCalls = async (ctx: CheckContext, event: string) =>
  (await learnerCalls(ctx, event)).filter((e) => !byReader(e));

const param = (e: TrailEvent, k: string) => String(e.requestParameters?.[k] ?? '');

/** The learner's tear-down calls on the lab's user or group during this run, newest first. */
async function tearDownCalls(ctx: CheckContext): Promise<TrailEvent[]> {
  const names = ['DeleteUser', 'RemoveUserFromGroup', 'DetachGroupPolicy', 'DeleteGroup'];
  const calls = (await Promise.all(names.map((n) => ownCalls(ctx, n)))).flat();
  return calls
    .filter((e) => param(e, 'userName') === USER || param(e, 'groupName') === GROUP)
    .sort((a, b) => b.time.getTime() - a.time.getTime());
}

// sts:GetCallerIdentity needs no permission at all ("No permissions are required to perform this
// operation", https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html):
// it proves the key works, never what the group grants.
const NEEDS_NO_PERMISSION = new Set(['GetCallerIdentity']);
const isRead = (e: TrailEvent) => /^(List|Get|Describe)/.test(e.name);

/**
 * When was lab-reader in lab-readers? From the learner's AddUserToGroup and RemoveUserFromGroup
 * calls: a time is inside when a join precedes it with no removal in between.
 */
async function membership(ctx: CheckContext): Promise<(t: Date) => boolean> {
  const mine = (e: TrailEvent) =>
    !e.errorCode && param(e, 'groupName') === GROUP && param(e, 'userName') === USER;
  const [joins, leaves] = await Promise.all([
    ownCalls(ctx, 'AddUserToGroup').then((l) => l.filter(mine)),
    ownCalls(ctx, 'RemoveUserFromGroup').then((l) => l.filter(mine)),
  ]);
  return (t) =>
    joins.some((j) => j.time <= t && !leaves.some((l) => l.time > j.time && l.time <= t));
}

/** Runnable commands that take lab-reader apart, from what it still has (keys, groups). */
async function userTearDown(ctx: CheckContext): Promise<string> {
  const iam = ctx.clients.iam;
  const [keys, groups] = await Promise.all([
    ignoreNotFound(iam.send(new ListAccessKeysCommand({ UserName: USER }))),
    ignoreNotFound(iam.send(new ListGroupsForUserCommand({ UserName: USER }))),
  ]);
  const steps = [
    ...(keys?.AccessKeyMetadata ?? []).map(
      (k) => `\`aws iam delete-access-key --user-name ${USER} --access-key-id ${k.AccessKeyId}\``,
    ),
    ...(groups?.Groups ?? []).map(
      (g) => `\`aws iam remove-user-from-group --group-name ${g.GroupName} --user-name ${USER}\``,
    ),
  ];
  const last = `\`aws iam delete-user --user-name ${USER}\``;
  return steps.length
    ? `IAM deletes a user only once nothing hangs off it. Run ${steps.join(', ')}, then ${last}.`
    : `Run ${last}.`;
}

export default defineLab({
  id: 'iam-groups',
  creates: [
    'iam-group',
    'policy-attachment',
    'iam-user',
    'group-membership',
    'access-key',
    'profile-section',
  ],

  steps: {
    'create-group': {
      async check(ctx) {
        const calls = await ownCalls(ctx, 'CreateGroup');
        const e = calls.find((c) => !c.errorCode && param(c, 'groupName') === GROUP);
        if (e) return passed(`CreateGroup ${GROUP} at ${hhmmss(e.time)} (${agent(e)})`);
        const expected = `a group ${GROUP} created by you during this lab`;
        const create = `\`aws iam create-group --group-name ${GROUP}\``;
        // A typo: a group made under another name.
        const other = calls.find((c) => !c.errorCode && param(c, 'groupName') !== GROUP);
        if (other) {
          const name = param(other, 'groupName');
          return failed({
            expected,
            evidence: `you created the group ${name} at ${hhmmss(other.time)}; this lab's group is ${GROUP}`,
            hint: `Run ${create}, and delete the misnamed one: \`aws iam delete-group --group-name ${name}\`.`,
          });
        }
        const exists = calls.find((c) => c.errorCode === 'EntityAlreadyExists');
        return missing(ctx, {
          expected,
          attempts: calls,
          hint: exists
            ? `A group ${GROUP} was already there, not made in this lab. If it is a leftover of yours, delete it (\`aws iam delete-group --group-name ${GROUP}\`), then run ${create}; if someone else uses it, ask them first.`
            : `Run ${create}.`,
        });
      },
    },

    'attach-policy': {
      async check(ctx) {
        const calls = (await ownCalls(ctx, 'AttachGroupPolicy')).filter(
          (c) => param(c, 'policyArn') === POLICY_ARN || param(c, 'groupName') === GROUP,
        );
        const e = calls.find(
          (c) =>
            !c.errorCode && param(c, 'groupName') === GROUP && param(c, 'policyArn') === POLICY_ARN,
        );
        if (e) return passed(`ReadOnlyAccess attached to ${GROUP} at ${hhmmss(e.time)}`);
        const expected = `${POLICY_ARN} attached to the group ${GROUP}`;
        const attach = `\`aws iam attach-group-policy --group-name ${GROUP} --policy-arn ${POLICY_ARN}\``;
        const other = calls.find((c) => !c.errorCode);
        if (other) {
          const arn = param(other, 'policyArn');
          return failed({
            expected,
            evidence: `you attached ${arn} to ${param(other, 'groupName')} at ${hhmmss(other.time)}`,
            hint:
              param(other, 'groupName') === GROUP
                ? `Detach it (\`aws iam detach-group-policy --group-name ${GROUP} --policy-arn ${arn}\`), then run ${attach}.`
                : `Run ${attach}.`,
          });
        }
        return missing(ctx, { expected, attempts: calls, hint: `Run ${attach}.` });
      },
    },

    'add-user': {
      // The user, its group and its key are in the account; the profile holding the key is local.
      evidence: 'mixed',
      async check(ctx) {
        const parts = await Promise.all([
          did(ctx, 'CreateUser', { userName: USER }, `aws iam create-user --user-name ${USER}`),
          did(
            ctx,
            'AddUserToGroup',
            { groupName: GROUP, userName: USER },
            `aws iam add-user-to-group --group-name ${GROUP} --user-name ${USER}`,
          ),
        ]);
        const expected = `${USER} created, added to ${GROUP}, with an access key in a CLI profile`;
        const gap = parts.find((p) => !p.e);
        if (gap) {
          const done = parts.filter((p) => p.e);
          const attempts = (
            await Promise.all(['CreateUser', 'AddUserToGroup'].map((n) => ownCalls(ctx, n)))
          )
            .flat()
            .filter((c) => param(c, 'userName') === USER);
          // Part of the step done: an attempt, not "not tried".
          if (done.length) {
            return failed({
              expected,
              evidence: `${done.map((p) => `${p.event} at ${hhmmss(p.e!.time)}`).join(', ')}; no ${gap.event} yet${attempts.find((c) => c.errorCode) ? ` (${whatItGot(attempts.find((c) => c.errorCode)!)})` : ''}`,
              hint: `Run \`${gap.hint}\`.`,
            });
          }
          return missing(ctx, { expected, attempts, hint: `Run \`${gap.hint}\`.` });
        }
        const keys = await keysCreatedFor(ctx, USER);
        if (!keys.length) {
          return failed({
            expected,
            evidence: `${USER} is in ${GROUP}; no access key created for it yet`,
            hint: `Run \`aws iam create-access-key --user-name ${USER}\`, then \`aws configure --profile ${USER}\` with its key id and secret.`,
          });
        }
        const profiles = [...(await learnerProfiles(ctx)).values()];
        const holder = profiles.find((p) => p.accessKeyId && keys.includes(p.accessKeyId));
        if (!holder) {
          return failed({
            expected,
            evidence: `${USER} has key ${keys.join(', ')}, but no profile in your CLI files holds it`,
            hint: `Run \`aws configure --profile ${USER}\` and paste the key id and its secret.`,
          });
        }
        return passed(`${USER} is in ${GROUP}; profile ${holder.name} holds ${holder.accessKeyId}`);
      },
    },

    'prove-rights': {
      after: ['add-user'],
      async check(ctx) {
        const keys = await keysCreatedFor(ctx, USER);
        const expected = `as ${USER}, once in ${GROUP}: a read that needs the group's rights allowed, and a change denied (AccessDenied)`;
        const runAs = `\`aws iam list-users --profile ${USER}\`, then \`aws iam create-group --group-name not-allowed --profile ${USER}\``;
        if (!keys.length) {
          return notTried({
            expected,
            evidence: `no access key of ${USER} created during this lab`,
            hint: 'Do step add-user first.',
          });
        }
        const [calls, inGroup] = await Promise.all([
          Promise.all(keys.map((k) => callsWithKey(ctx, k))).then((l) =>
            l.flat().sort((a, b) => b.time.getTime() - a.time.getTime()),
          ),
          membership(ctx),
        ]);
        const member = calls.filter((e) => inGroup(e.time));
        const read = member.find((e) => !e.errorCode && !NEEDS_NO_PERMISSION.has(e.name));
        const denied = member.find((e) => e.errorCode && DENIED.has(e.errorCode) && !isRead(e));
        if (read && denied) {
          return passed(
            `${read.name} allowed at ${hhmmss(read.time)}; ${denied.name} denied (${denied.errorCode}) at ${hhmmss(denied.time)}, as ${USER} in ${GROUP}`,
          );
        }
        // Calls made before the user was in the group prove nothing about the group.
        const early = calls.find((e) => !inGroup(e.time) && !NEEDS_NO_PERMISSION.has(e.name));
        if (!read && early) {
          return failed({
            expected,
            evidence: `${early.errorCode ? whatItGot(early) : `${early.name} at ${hhmmss(early.time)}`}, while ${USER} was not in ${GROUP}`,
            hint: `Put the user in the group (\`aws iam add-user-to-group --group-name ${GROUP} --user-name ${USER}\`), then run ${runAs}.`,
          });
        }
        if (read) {
          return failed({
            expected,
            evidence: `${read.name} allowed at ${hhmmss(read.time)}; no change denied yet`,
            hint: `Now try a change: \`aws iam create-group --group-name not-allowed --profile ${USER}\`.`,
          });
        }
        const free = calls.find((e) => !e.errorCode && NEEDS_NO_PERMISSION.has(e.name));
        if (free || denied) {
          return failed({
            expected,
            evidence: free
              ? `${free.name} at ${hhmmss(free.time)} works with any valid key, whatever the user may do; no read that needs ${GROUP}'s rights yet`
              : `${denied!.name} denied at ${hhmmss(denied!.time)}; no read allowed yet`,
            hint: `Run ${runAs}.`,
          });
        }
        // The commands ran as the learner's admin (no --profile): they prove nothing about the user.
        const since = calls.length
          ? undefined
          : (await learnerCalls(ctx, 'CreateAccessKey'))[0]?.time;
        const asAdmin = since
          ? (await Promise.all(['ListUsers', 'CreateGroup'].map((n) => ownCalls(ctx, n))))
              .flat()
              .filter(
                (e) =>
                  e.time >= since &&
                  (e.name === 'ListUsers' || param(e, 'groupName') === 'not-allowed'),
              )
          : [];
        if (asAdmin.length) {
          const made = asAdmin.find((e) => e.name === 'CreateGroup' && !e.errorCode);
          return failed({
            expected,
            evidence: `${asAdmin.map((e) => e.name).join(' and ')} ran as ${asAdmin[0].callerArn}, not as ${USER}`,
            hint: `${made ? `That made a group: delete it (\`aws iam delete-group --group-name not-allowed\`). ` : ''}Add \`--profile ${USER}\` to each command: ${runAs}.`,
          });
        }
        return missing(ctx, { expected, hint: `Run ${runAs}.` });
      },
    },

    'tear-down': {
      async check(ctx) {
        const iam = ctx.clients.iam;
        const [group, user] = await Promise.all([
          ignoreNotFound(iam.send(new GetGroupCommand({ GroupName: GROUP }))),
          ignoreNotFound(iam.send(new GetUserCommand({ UserName: USER }))),
        ]);
        const expected = `the user ${USER} and the group ${GROUP} deleted by you`;
        if (user || group) {
          const tries = await tearDownCalls(ctx);
          const refused = tries.find((e) => e.errorCode);
          const verdict = user
            ? {
                expected,
                evidence: refused ? whatItGot(refused) : `the user ${USER} still exists`,
                hint: await userTearDown(ctx),
              }
            : {
                expected,
                evidence: refused ? whatItGot(refused) : `the group ${GROUP} still exists`,
                hint: `Run \`aws iam detach-group-policy --group-name ${GROUP} --policy-arn ${POLICY_ARN}\`, then \`aws iam delete-group --group-name ${GROUP}\`.`,
              };
          // Not one tear-down call yet (allowed or refused): the learner has not reached this
          // step, whose things are meant to exist until then.
          return tries.length ? failed(verdict) : notTried(verdict);
        }
        const [delUser, delGroup] = await Promise.all([
          learnerDid(ctx, 'DeleteUser', { userName: USER }),
          learnerDid(ctx, 'DeleteGroup', { groupName: GROUP }),
        ]);
        if (delUser && delGroup) {
          return passed(
            `DeleteUser ${USER} at ${hhmmss(delUser.time)}, DeleteGroup ${GROUP} at ${hhmmss(delGroup.time)}`,
          );
        }
        return missing(ctx, {
          expected,
          hint: 'Create them (steps create-group and add-user), then delete them as this step shows.',
        });
      },
    },
  },

  // Questions about the learner's own run (README.md's `::: quiz <id> evidence`).
  quiz: {
    /** The policy the learner attached to the lab's group. */
    async 'which-policy'(ctx) {
      const e = (await learnerCalls(ctx, 'AttachGroupPolicy')).find(
        (x) => !x.errorCode && x.requestParameters?.groupName === GROUP,
      );
      const arn = e?.requestParameters?.policyArn;
      if (typeof arn !== 'string') {
        return notYet('This question is about step 2 (attach-policy): attach the policy first.');
      }
      return answer(arn, arn.split('/').pop()!);
    },
  },
});
