// iam-groups: permissions on a group, a user in it, its effective rights proven from the CLI.
// Every check reads the event history: what the learner did during this run, as the learner.
import { GetGroupCommand, GetUserCommand } from '@aws-sdk/client-iam';
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
  type CheckContext,
  answer,
  notYet,
} from '../../runner/sdk/index.ts';

const GROUP = 'lab-readers';
const USER = 'lab-reader';
const POLICY_ARN = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
const DENIED = new Set(['AccessDenied', 'AccessDeniedException']);

const did = (ctx: CheckContext, event: string, params: Record<string, string>, hint: string) =>
  learnerDid(ctx, event, params).then((e) => ({ e, hint, event }));

/** Did the learner try any tear-down call on the lab's user or group during this run? */
async function tearDownTried(ctx: CheckContext): Promise<boolean> {
  const names = ['DeleteUser', 'RemoveUserFromGroup', 'DetachGroupPolicy', 'DeleteGroup'];
  const calls = (await Promise.all(names.map((n) => learnerCalls(ctx, n)))).flat();
  return calls.some(
    (e) => e.requestParameters?.userName === USER || e.requestParameters?.groupName === GROUP,
  );
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
        const e = await learnerDid(ctx, 'CreateGroup', { groupName: GROUP });
        if (e) return passed(`CreateGroup ${GROUP} at ${hhmmss(e.time)} (${agent(e)})`);
        return missing(ctx, {
          expected: `a group ${GROUP} created by you during this lab`,
          hint: `Run \`aws iam create-group --group-name ${GROUP}\`.`,
        });
      },
    },

    'attach-policy': {
      async check(ctx) {
        const e = await learnerDid(ctx, 'AttachGroupPolicy', {
          groupName: GROUP,
          policyArn: POLICY_ARN,
        });
        if (e) return passed(`ReadOnlyAccess attached to ${GROUP} at ${hhmmss(e.time)}`);
        return missing(ctx, {
          expected: `${POLICY_ARN} attached to the group ${GROUP}`,
          hint: `Run \`aws iam attach-group-policy --group-name ${GROUP} --policy-arn ${POLICY_ARN}\`.`,
        });
      },
    },

    'add-user': {
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
        if (gap) return missing(ctx, { expected, hint: `Run \`${gap.hint}\`.` });
        const keys = await keysCreatedFor(ctx, USER);
        if (!keys.length) {
          return missing(ctx, {
            expected,
            hint: `Run \`aws iam create-access-key --user-name ${USER}\`.`,
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
        const expected = `with ${USER}'s key: a read that succeeds and a change that is denied (AccessDenied)`;
        if (!keys.length) {
          return notTried({
            expected,
            evidence: `no access key of ${USER} created during this lab`,
            hint: 'Do step add-user first.',
          });
        }
        const calls = (await Promise.all(keys.map((k) => callsWithKey(ctx, k)))).flat();
        const read = calls.find((e) => !e.errorCode && /^(List|Get)/.test(e.name));
        const denied = calls.find((e) => e.errorCode && DENIED.has(e.errorCode));
        if (read && denied) {
          return passed(
            `${read.name} allowed at ${hhmmss(read.time)}; ${denied.name} denied (${denied.errorCode}) at ${hhmmss(denied.time)}`,
          );
        }
        return missing(ctx, {
          expected,
          hint: read
            ? `Now try a change: \`aws iam create-group --group-name not-allowed --profile ${USER}\`.`
            : `Run \`aws iam list-users --profile ${USER}\`, then a change such as \`aws iam create-group --group-name not-allowed --profile ${USER}\`.`,
        });
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
          const verdict = user
            ? {
                expected,
                evidence: `the user ${USER} still exists`,
                hint: `Delete its keys and its group membership first, then \`aws iam delete-user --user-name ${USER}\`.`,
              }
            : {
                expected,
                evidence: `the group ${GROUP} still exists`,
                hint: `Detach its policy, then \`aws iam delete-group --group-name ${GROUP}\`.`,
              };
          // Not one tear-down call yet (allowed or refused): the learner has not reached this
          // step, whose things are meant to exist until then.
          return (await tearDownTried(ctx)) ? failed(verdict) : notTried(verdict);
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
