// day42: programmatic access for the IAM user iam-admin. One check per
// `::: step` in README.md; the same code runs against the sandbox and AWS.
// Evidence of what the learner did comes from CloudTrail event history
// (the sandbox serves its activity log through the same API).
import {
  AttachUserPolicyCommand,
  CreateUserCommand,
  GetUserCommand,
  ListAccessKeysCommand,
} from '@aws-sdk/client-iam';
import {
  defineLab,
  grantsForService,
  hhmmss,
  ignoreNotFound,
  learnerProfiles,
  ifLocal,
  notTried,
  answer,
  notYet,
  targetKeyId,
  whatItGot,
  type CheckContext,
  type StepVerdict,
  type TrailEvent,
} from '../../runner/sdk/index.ts';
import {
  USER,
  POLICY_ARN,
  REGION,
  UNAUTHORIZED,
  labKeys,
  events,
  needKey,
  missing,
  keyHolders,
  usedBy,
  verifyProfile,
  agent,
} from './evidence.ts';

/**
 * A successful call made as the learner's own identity (no --profile) after the first of the
 * run's keys was created: the step's command run with the wrong profile.
 */
function notWithKey(
  evs: TrailEvent[],
  ids: string[],
  keys: { lab: { id: string; created?: Date }[] },
): TrailEvent | undefined {
  const since = keys.lab.map((k) => k.created?.getTime() ?? 0).sort()[0] ?? 0;
  return evs.find(
    (e) =>
      !e.errorCode &&
      e.time.getTime() >= since &&
      !ids.includes(e.accessKeyId ?? '') &&
      !e.callerArn?.endsWith(`:user/${USER}`),
  );
}

/** The profile holding one of the run's keys, by name, for a hint; a placeholder if none yet. */
async function profileName(ctx: CheckContext, ids: string[]): Promise<string> {
  const held = await ifLocal(() => keyHolders(ctx, ids), []);
  return held[0]?.name ?? '<the profile holding the key>';
}

export default defineLab({
  id: 'day42',
  /**
   * What the lab may create: the user (only if setup made it), the learner's keys and the
   * profile sections holding them. Cleanup removes exactly those, proven by their ids.
   */
  creates: ['iam-user', 'access-key', 'profile-section'],

  async setup(ctx) {
    const iam = ctx.clients.iam;
    const existing = await ignoreNotFound(iam.send(new GetUserCommand({ UserName: USER })));
    if (!existing) {
      ctx.say(`creating IAM user ${USER} with ${POLICY_ARN.split('/').pop()}`);
      await iam.send(
        new CreateUserCommand({
          UserName: USER,
          Tags: [{ Key: 'labrunner:lab', Value: 'day42' }],
        }),
      );
      ctx.created('iam-user', USER, { policyArn: POLICY_ARN });
      await iam.send(new AttachUserPolicyCommand({ UserName: USER, PolicyArn: POLICY_ARN }));
    }
    const keys = await iam.send(new ListAccessKeysCommand({ UserName: USER }));
    // Keys that exist now are the learner's own; the lab's checks ignore them.
    return { keys: (keys.AccessKeyMetadata ?? []).map((k) => k.AccessKeyId!) };
  },

  steps: {
    'create-key': {
      async check(ctx): Promise<StepVerdict> {
        const keys = await labKeys(ctx);
        const active = keys.lab.find((k) => k.status === 'Active');
        if (active) {
          return {
            status: 'passed',
            evidence: `${active.id} is Active, created ${active.created ? hhmmss(active.created) : 'during this lab'}`,
          };
        }
        const earlier = keys.lab[0];
        if (earlier) {
          const state = keys.current.find((k) => k.id === earlier.id)?.status;
          return {
            status: 'passed',
            evidence: `${earlier.id} was created during this lab (${state ? `now ${state}` : 'since deleted'})`,
          };
        }
        const expected = `an Active access key for ${USER} created after the lab started (${hhmmss(ctx.run.startedAt)})`;
        if (keys.userMissing) {
          return {
            status: 'failed',
            expected,
            evidence: `there is no IAM user ${USER}`,
            hint: 'Run `lab start day42`: its setup creates the user.',
          };
        }
        const hint = `Create one: IAM console → Users → ${USER} → Security credentials → Create access key (or \`aws iam create-access-key --user-name ${USER}\`).`;
        if (keys.unproven.length) {
          // A new key made by another identity (an admin's automation, another learner), or
          // one whose creation CloudTrail has not delivered yet: not provably the learner's.
          const list = keys.unproven.map((k) => k.id).join(', ');
          return ctx.target.kind === 'aws'
            ? missing(ctx, {
                expected,
                hint: `${list} is new; waiting for its CreateAccessKey event.`,
              })
            : {
                status: 'failed',
                expected,
                evidence: `${list} was created during the lab, but not by you (${ctx.target.learnerArn})`,
                hint,
              };
        }
        if (keys.older.length) {
          const list = keys.older.map(
            (k) => `${k.id} (created ${k.created?.toISOString() ?? '?'})`,
          );
          return {
            status: 'failed',
            expected,
            evidence: `only keys from before the lab started: ${list.join(', ')}`,
            hint,
          };
        }
        // A CreateAccessKey that failed (a typo in the user name, the two-key limit) is an attempt.
        const refused = (await events(ctx, 'CreateAccessKey')).find((e) => e.errorCode);
        if (refused) {
          return {
            status: 'failed',
            expected,
            evidence: whatItGot(refused),
            hint:
              refused.errorCode === 'LimitExceeded'
                ? `${USER} has two keys, the most IAM allows: deactivate and delete one it no longer uses (\`aws iam list-access-keys --user-name ${USER}\` lists them), then run \`aws iam create-access-key --user-name ${USER}\`.`
                : `Run \`aws iam create-access-key --user-name ${USER}\` (the user is ${USER}).`,
          };
        }
        return notTried({ expected, evidence: `${USER} has no access keys`, hint });
      },
    },

    configure: {
      // The key is the account's evidence; the profile holding it is in the learner's CLI files.
      evidence: 'mixed',
      async check(ctx): Promise<StepVerdict> {
        const keys = await labKeys(ctx);
        const ids = keys.lab.map((k) => k.id);
        if (!ids.length) return needKey();
        // Verified while the key was alive: still true after the learner deleted it.
        const verified = ctx
          .ledger('profile-section')
          .find((e) => ids.includes(String(e.details.keyId)));
        const holders = await keyHolders(ctx, ids);
        const expected = `a profile in ${ctx.target.learnerFiles.credentialsFile} holding ${ids.join(' or ')}, with region ${REGION}`;
        if (!holders.length) {
          if (verified)
            return {
              status: 'passed',
              evidence: `profile ${verified.details.profile} held ${verified.details.keyId} (verified ${String(verified.details.verifiedAt).slice(11, 19)} UTC)`,
            };
          const hint = `Run \`aws configure --profile ${USER}\`, paste the access key id and secret, region ${REGION}, output json.`;
          // A profile under the name the step asks for, holding another key: an attempt that
          // went wrong (a key pasted from elsewhere, a typo). No such profile: not tried yet.
          const named = (await learnerProfiles(ctx)).get(USER);
          if (named?.accessKeyId) {
            return {
              status: 'failed',
              expected,
              evidence: `profile ${USER} holds ${named.accessKeyId}, not the key you created`,
              hint,
            };
          }
          return notTried({
            expected,
            evidence: 'no profile in your AWS CLI files holds that key',
            hint,
          });
        }
        // The step asks for the lab's region: the CLI sends EC2 calls there (step denied-ec2).
        const withRegion = holders.find((p) => p.region === REGION);
        if (!withRegion) {
          const other = holders.find((p) => p.region);
          return {
            status: 'failed',
            expected,
            evidence: other
              ? `profile ${other.name} holds the key, with region ${other.region} instead of ${REGION}`
              : `profile ${holders[0].name} holds the key but has no region`,
            hint: `Run \`aws configure set region ${REGION} --profile ${(other ?? holders[0]).name}\`.`,
          };
        }
        const live = keys.current.find(
          (k) => k.id === withRegion.accessKeyId && k.status === 'Active',
        );
        if (!live) {
          // The key is deactivated or gone (step 5): STS cannot answer any more.
          if (verified)
            return {
              status: 'passed',
              evidence: `profile ${withRegion.name} held ${withRegion.accessKeyId} (verified earlier)`,
            };
          const used = usedBy(await events(ctx, 'ListUsers'), ids);
          if (used.length)
            return {
              status: 'passed',
              evidence: `profile ${withRegion.name} holds ${withRegion.accessKeyId}; the key was used with it at ${hhmmss(used[0].time)}`,
            };
          return {
            status: 'failed',
            expected,
            evidence: `profile ${withRegion.name} holds ${withRegion.accessKeyId}, but the key is no longer active`,
            hint: 'Create a new key (step create-key) and configure it.',
          };
        }
        return verifyProfile(ctx, withRegion, expected);
      },
    },

    'list-users': {
      async check(ctx): Promise<StepVerdict> {
        const keys = await labKeys(ctx);
        const ids = keys.lab.map((k) => k.id);
        if (!ids.length) return needKey();
        const mine = usedBy(await events(ctx, 'ListUsers'), ids);
        const ok = mine.find((e) => !e.errorCode);
        if (ok) {
          return {
            status: 'passed',
            evidence: `ListUsers with ${ok.accessKeyId} at ${hhmmss(ok.time)} (${agent(ok)})`,
          };
        }
        const expected = `a successful iam ListUsers call made with ${ids.join(' or ')}`;
        if (mine.length) {
          return {
            status: 'failed',
            expected,
            evidence: `ListUsers with the key failed: ${mine[0].errorCode}`,
            hint: 'Check the profile (step configure) and run `aws iam list-users --profile <your profile>` again.',
          };
        }
        const run = `\`aws iam list-users --profile ${await profileName(ctx, ids)}\``;
        const asSelf = notWithKey(await events(ctx, 'ListUsers'), ids, keys);
        if (asSelf) {
          return {
            status: 'failed',
            expected,
            evidence: `ListUsers at ${hhmmss(asSelf.time)} ran as ${asSelf.callerArn} (your own identity), not with the new key`,
            hint: `Add the profile that holds the key: ${run}.`,
          };
        }
        return missing(ctx, { expected, hint: `Run ${run}.` });
      },
    },

    'denied-ec2': {
      async check(ctx): Promise<StepVerdict> {
        const ids = (await labKeys(ctx)).lab.map((k) => k.id);
        if (!ids.length) return needKey();
        // EC2 calls are recorded in the region they were made in: the learner's profile region
        // (the sandbox's event history is regional too, as AWS's).
        const regions = [
          ...new Set([
            (await ifLocal(() => keyHolders(ctx, ids), [])).find((p) => p.region)?.region ?? REGION,
            ctx.target.region,
          ]),
        ];
        const [evs, grants] = await Promise.all([
          Promise.all(regions.map((r) => events(ctx, 'DescribeInstances', r))).then((l) =>
            usedBy(l.flat(), ids),
          ),
          grantsForService(ctx.clients.iam, USER, 'ec2'),
        ]);
        const expected = `ec2 DescribeInstances with ${ids.join(' or ')} denied (UnauthorizedOperation), and ${USER} still without EC2 permissions`;
        if (grants.length) {
          return {
            status: 'failed',
            expected,
            evidence: `${USER} now has EC2 permissions: ${grants.join(', ')}`,
            hint: `Remove them (e.g. \`aws iam detach-user-policy --user-name ${USER} --policy-arn …\`). The denial is the lesson: the key carries exactly ${USER}'s permissions, for the CLI as for the console. Granting EC2 hides that and breaks least privilege (the README's aside shows how far IAMFullAccess already goes).`,
          };
        }
        const denied = evs.find((e) => e.errorCode && UNAUTHORIZED.has(e.errorCode));
        if (denied) {
          return {
            status: 'passed',
            evidence: `DescribeInstances with ${denied.accessKeyId} denied: ${denied.errorCode} at ${hhmmss(denied.time)}`,
          };
        }
        const other = evs[0];
        if (other) {
          return {
            status: 'failed',
            expected,
            evidence: other.errorCode
              ? `DescribeInstances failed with ${other.errorCode}`
              : 'DescribeInstances succeeded',
            hint: `Run \`aws ec2 describe-instances --profile ${await profileName(ctx, ids)} --region ${REGION}\`: it should be denied.`,
          };
        }
        const all = (
          await Promise.all(regions.map((r) => events(ctx, 'DescribeInstances', r)))
        ).flat();
        const asSelf = notWithKey(all, ids, await labKeys(ctx));
        if (asSelf) {
          return {
            status: 'failed',
            expected,
            evidence: `DescribeInstances at ${hhmmss(asSelf.time)} ran as ${asSelf.callerArn} (your own identity), not with ${USER}'s key, so it was allowed`,
            hint: `Add the profile that holds the key: \`aws ec2 describe-instances --profile ${await profileName(ctx, ids)}\`; expect UnauthorizedOperation.`,
          };
        }
        return missing(ctx, {
          expected,
          hint: `Run \`aws ec2 describe-instances --profile ${await profileName(ctx, ids)}\`; expect UnauthorizedOperation.`,
        });
      },
    },

    cleanup: {
      async check(ctx): Promise<StepVerdict> {
        const keys = await labKeys(ctx);
        if (!keys.lab.length) return needKey();
        const expected = `a key you created retired the safe way: deactivated, then deleted`;
        const [updates, deletes] = await Promise.all([
          events(ctx, 'UpdateAccessKey'),
          events(ctx, 'DeleteAccessKey'),
        ]);
        // Each deletion of one of the run's keys, oldest first, and whether it was deactivated
        // first (requestParameters.status when the trail has it, as AWS's does; else any
        // successful UpdateAccessKey of that key before the delete).
        const retired = keys.lab
          .map((k) => {
            const del = deletes.find((e) => !e.errorCode && targetKeyId(e) === k.id);
            const off =
              del &&
              updates.find(
                (e) =>
                  !e.errorCode &&
                  targetKeyId(e) === k.id &&
                  e.time <= del.time &&
                  (e.requestParameters?.status ?? 'Inactive') === 'Inactive',
              );
            return del && { id: k.id, del, off };
          })
          .filter((r) => !!r)
          .sort((a, b) => a.del.time.getTime() - b.del.time.getTime());
        const last = retired.at(-1);
        // The latest deletion skipped deactivation: say so at once, whatever else remains.
        if (last && !last.off) {
          return {
            status: 'failed',
            expected,
            evidence: `${last.id} was deleted at ${hhmmss(last.del.time)} while still Active, without being deactivated first`,
            hint: `Deactivating first lets you find what still uses a key before it is gone for good. Practise it: create a new key (\`aws iam create-access-key --user-name ${USER}\`), deactivate it, then delete it.`,
          };
        }
        const left = keys.lab.filter((k) => keys.current.some((c) => c.id === k.id));
        // Rotation: a key created after the last retired one may stay (the runner's cleanup
        // removes it when every step has passed); any other key of the run is not retired yet.
        const newest = keys.lab.at(-1);
        if (!last && !left.length) {
          return missing(ctx, {
            expected,
            hint: 'The DeleteAccessKey call is not in the event history yet.',
          });
        }
        const notRetired = last ? left.filter((k) => k.id !== newest?.id) : left;
        if (notRetired.length) {
          const k = notRetired[0];
          const status = keys.current.find((c) => c.id === k.id)?.status;
          const verdict = {
            expected,
            evidence: `${k.id} still exists (${status})`,
            hint:
              status === 'Active'
                ? `Deactivate it first: \`aws iam update-access-key --user-name ${USER} --access-key-id ${k.id} --status Inactive\`, then delete it.`
                : `Now delete it: \`aws iam delete-access-key --user-name ${USER} --access-key-id ${k.id}\`.`,
          };
          // No UpdateAccessKey or DeleteAccessKey of the run's keys at all: the learner has not
          // reached this step (the key is meant to live until then), so it is not a failure.
          const ids = new Set(keys.lab.map((x) => x.id));
          const touched = [...updates, ...deletes].some((e) => ids.has(targetKeyId(e) ?? ''));
          return touched ? { status: 'failed', ...verdict } : notTried(verdict);
        }
        const proof = retired
          .filter((r) => r.off)
          .map((r) => `${r.id} deactivated ${hhmmss(r.off!.time)}, deleted ${hhmmss(r.del.time)}`);
        const kept = left.length ? `; ${left[0].id} (newer) kept` : '';
        return { status: 'passed', evidence: proof.join('; ') + kept };
      },
    },
  },

  // Questions about the learner's own run (README.md's `::: quiz <id> evidence`).
  quiz: {
    /** The error code EC2 gave the learner's DescribeInstances made with the lab key. */
    async 'denied-code'(ctx) {
      const ids = (await labKeys(ctx)).lab.map((k) => k.id);
      const regions = [
        ...new Set([
          (await ifLocal(() => keyHolders(ctx, ids), [])).find((p) => p.region)?.region ?? REGION,
          ctx.target.region,
        ]),
      ];
      const evs = usedBy(
        (await Promise.all(regions.map((r) => events(ctx, 'DescribeInstances', r)))).flat(),
        ids,
      );
      const code = evs.find((e) => e.errorCode)?.errorCode;
      if (!code) {
        return notYet(
          'This question is about the EC2 call you make in step 4 (denied-ec2): make it first.',
        );
      }
      // CloudTrail may record EC2's code with its `Client.` prefix; the CLI prints it without.
      return answer(code.replace(/^Client\./, ''), code);
    },
  },
});
