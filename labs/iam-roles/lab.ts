// iam-roles: a role with a trust policy, a CLI profile that assumes it, the session's limits.
// Checks read the event history: the learner's calls, and the calls of role sessions the
// learner started (their AssumeRole names the session).
import { GetRoleCommand } from '@aws-sdk/client-iam';
import {
  defineLab,
  failed,
  hhmmss,
  ignoreNotFound,
  learnerCalls,
  learnerDid,
  learnerProfiles,
  missing,
  notTried,
  passed,
  roleSessionCalls,
  whatItGot,
  type CheckContext,
  answer,
  notYet,
  type TrailEvent,
} from '../../runner/sdk/index.ts';

const ROLE = 'lab-viewer';
const POLICY_ARN = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
const DENIED = new Set(['AccessDenied', 'AccessDeniedException']);
const READS = ['ListRoles', 'ListUsers', 'GetRole'];
const WRITES = ['CreateUser', 'CreateRole', 'DeleteRole', 'DetachRolePolicy', 'AttachRolePolicy'];

const param = (e: TrailEvent, k: string) => String(e.requestParameters?.[k] ?? '');
const roleArn = (ctx: CheckContext) => `arn:aws:iam::${ctx.target.accountId}:role/${ROLE}`;

/** Does the trust policy let identities of this account assume the role? */
function trustsAccount(doc: string | undefined, account: string): boolean {
  let policy: { Statement?: unknown };
  try {
    policy = JSON.parse(decodeURIComponent(doc ?? ''));
  } catch {
    return false;
  }
  const list = Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement];
  return list.some((s: any) => {
    const actions = [s?.Action].flat();
    const who = [s?.Principal?.AWS].flat().map(String);
    return (
      s?.Effect === 'Allow' &&
      actions.some((a) => a === 'sts:AssumeRole' || a === 'sts:*') &&
      who.some((p) => p === account || p === `arn:aws:iam::${account}:root`)
    );
  });
}

export default defineLab({
  id: 'iam-roles',
  creates: ['iam-role', 'policy-attachment', 'profile-section'],

  steps: {
    'create-role': {
      async check(ctx) {
        const e = await learnerDid(ctx, 'CreateRole', { roleName: ROLE });
        const expected = `a role ${ROLE} whose trust policy lets identities of account ${ctx.target.accountId} assume it`;
        if (!e) {
          return missing(ctx, {
            expected,
            attempts: (await learnerCalls(ctx, 'CreateRole')).filter(
              (c) => param(c, 'roleName') === ROLE,
            ),
            hint: `Write trust.json as the step shows, then \`aws iam create-role --role-name ${ROLE} --assume-role-policy-document file://trust.json\`.`,
          });
        }
        const role = await ignoreNotFound(
          ctx.clients.iam.send(new GetRoleCommand({ RoleName: ROLE })),
        );
        if (role && !trustsAccount(role.Role?.AssumeRolePolicyDocument, ctx.target.accountId)) {
          return failed({
            expected,
            evidence: `the trust policy of ${ROLE} does not allow sts:AssumeRole to arn:aws:iam::${ctx.target.accountId}:root`,
            hint: `Fix trust.json and run \`aws iam update-assume-role-policy --role-name ${ROLE} --policy-document file://trust.json\`.`,
          });
        }
        return passed(
          `CreateRole ${ROLE} at ${hhmmss(e.time)}; it trusts account ${ctx.target.accountId}`,
        );
      },
    },

    'attach-policy': {
      async check(ctx) {
        const e = await learnerDid(ctx, 'AttachRolePolicy', {
          roleName: ROLE,
          policyArn: POLICY_ARN,
        });
        if (e) return passed(`ReadOnlyAccess attached to ${ROLE} at ${hhmmss(e.time)}`);
        return missing(ctx, {
          expected: `${POLICY_ARN} attached to the role ${ROLE}`,
          attempts: (await learnerCalls(ctx, 'AttachRolePolicy')).filter(
            (c) => param(c, 'roleName') === ROLE || param(c, 'policyArn') === POLICY_ARN,
          ),
          hint: `Run \`aws iam attach-role-policy --role-name ${ROLE} --policy-arn ${POLICY_ARN}\`.`,
        });
      },
    },

    'configure-profile': {
      // Only the learner's CLI config shows it: a class server cannot verify it.
      evidence: 'local',
      async check(ctx) {
        const profiles = [...(await learnerProfiles(ctx)).values()];
        const p = profiles.find((x) => x.roleArn === roleArn(ctx));
        const expected = `a CLI profile with role_arn = ${roleArn(ctx)} and a source_profile`;
        if (!p) {
          const near = profiles.find((x) => x.roleArn);
          return near
            ? failed({
                expected,
                evidence: `profile ${near.name} has role_arn ${near.roleArn}`,
                hint: `Run \`aws configure set role_arn ${roleArn(ctx)} --profile ${near.name}\`.`,
              })
            : // The CLI files are read directly: no event to wait for, on AWS either.
              notTried({
                expected,
                evidence: 'no profile in your CLI config has a role_arn',
                hint: `Run \`aws configure set role_arn ${roleArn(ctx)} --profile ${ROLE}\` and set its source_profile.`,
              });
        }
        if (!p.sourceProfile) {
          return failed({
            expected,
            evidence: `profile ${p.name} has the role but no source_profile`,
            hint: `Run \`aws configure set source_profile ${ctx.target.kind === 'sandbox' ? 'default' : '<your-admin-profile>'} --profile ${p.name}\`.`,
          });
        }
        // The CLI resolves source_profile by name when the profile is used: a name that is not a
        // profile fails there ("The source profile … could not be found").
        const source = profiles.find((x) => x.name === p.sourceProfile);
        const admin = ctx.target.kind === 'sandbox' ? 'default' : '<your-admin-profile>';
        if (!source) {
          return failed({
            expected,
            evidence: `profile ${p.name} has source_profile ${p.sourceProfile}, and there is no profile named ${p.sourceProfile} in your CLI files`,
            hint: `Run \`aws configure set source_profile ${admin} --profile ${p.name}\` (a profile that holds your admin's keys).`,
          });
        }
        if (!source.accessKeyId && !source.credentialProcess && !source.roleArn) {
          return failed({
            expected,
            evidence: `profile ${p.name} has source_profile ${p.sourceProfile}, which holds no credentials`,
            hint: `Run \`aws configure set source_profile ${admin} --profile ${p.name}\` (a profile that holds your admin's keys).`,
          });
        }
        return passed(`profile ${p.name} assumes ${ROLE} with the keys of ${p.sourceProfile}`);
      },
    },

    'assume-role': {
      async check(ctx) {
        const who = await roleSessionCalls(ctx, ROLE, 'GetCallerIdentity');
        const ok = who.find((e) => !e.errorCode);
        if (ok) return passed(`GetCallerIdentity as ${ok.callerArn} at ${hhmmss(ok.time)}`);
        const refused = (await learnerCalls(ctx, 'AssumeRole')).find(
          (e) => e.requestParameters?.roleArn === roleArn(ctx) && e.errorCode,
        );
        const expected = `\`aws sts get-caller-identity --profile ${ROLE}\` answered as the assumed role`;
        if (refused) {
          return failed({
            expected,
            evidence: `AssumeRole on ${ROLE} was refused: ${refused.errorCode}`,
            hint: "Check the role's trust policy (step create-role) and the profile's source_profile.",
          });
        }
        // The command ran without --profile: it answered as the learner's own identity. (The
        // step create-role reads the account id the same way, before the role exists: only a
        // call after the role was made and given its policy counts as this step's.)
        const made = (
          await Promise.all([
            learnerDid(ctx, 'CreateRole', { roleName: ROLE }),
            learnerDid(ctx, 'AttachRolePolicy', { roleName: ROLE }),
          ])
        ).map((e) => e?.time.getTime() ?? Infinity);
        const asSelf = (await learnerCalls(ctx, 'GetCallerIdentity')).find(
          (e) =>
            !e.errorCode &&
            !e.callerArn?.includes(':assumed-role/') &&
            e.time.getTime() > Math.max(...made),
        );
        if (asSelf) {
          return failed({
            expected,
            evidence: `GetCallerIdentity at ${hhmmss(asSelf.time)} answered as ${asSelf.callerArn}, not as the role`,
            hint: `Add the role's profile: \`aws sts get-caller-identity --profile ${ROLE}\`.`,
          });
        }
        return missing(ctx, {
          expected,
          hint: `Run \`aws sts get-caller-identity --profile ${ROLE}\`.`,
        });
      },
    },

    'session-limits': {
      async check(ctx) {
        const [reads, writes] = await Promise.all([
          Promise.all(READS.map((n) => roleSessionCalls(ctx, ROLE, n))).then((l) => l.flat()),
          Promise.all(WRITES.map((n) => roleSessionCalls(ctx, ROLE, n))).then((l) => l.flat()),
        ]);
        const expected = 'as the role: a read that succeeds and a change denied with AccessDenied';
        const allowed = writes.find((e) => !e.errorCode);
        if (allowed) {
          return failed({
            expected,
            evidence: `${allowed.name} succeeded as the role: it has more than ReadOnlyAccess`,
            hint: `List its policies: \`aws iam list-attached-role-policies --role-name ${ROLE}\`; keep only ReadOnlyAccess.`,
          });
        }
        const read = reads.find((e) => !e.errorCode);
        const denied = writes.find((e) => e.errorCode && DENIED.has(e.errorCode));
        if (read && denied) {
          return passed(
            `${read.name} allowed at ${hhmmss(read.time)}; ${denied.name} denied (${denied.errorCode}) at ${hhmmss(denied.time)}`,
          );
        }
        const hint = read
          ? `Now try a change: \`aws iam create-user --user-name not-allowed --profile ${ROLE}\`.`
          : `Run \`aws iam list-roles --profile ${ROLE}\`, then \`aws iam create-user --user-name not-allowed --profile ${ROLE}\`.`;
        // Half of the step done is an attempt: say what is there and what is still to do.
        if (read || denied) {
          return failed({
            expected,
            evidence: read
              ? `${read.name} allowed at ${hhmmss(read.time)} as the role; no change denied yet`
              : `${denied!.name} denied at ${hhmmss(denied!.time)} as the role; no read allowed yet`,
            hint,
          });
        }
        return missing(ctx, { expected, attempts: [...reads, ...writes], hint });
      },
    },

    'remove-role': {
      async check(ctx) {
        const role = await ignoreNotFound(
          ctx.clients.iam.send(new GetRoleCommand({ RoleName: ROLE })),
        );
        const expected = `the role ${ROLE} deleted by you`;
        if (role) {
          const verdict = {
            expected,
            evidence: `the role ${ROLE} still exists`,
            hint: `IAM deletes a role only once no policy is attached: run \`aws iam detach-role-policy --role-name ${ROLE} --policy-arn ${POLICY_ARN}\`, then \`aws iam delete-role --role-name ${ROLE}\`.`,
          };
          // No DetachRolePolicy or DeleteRole on it yet: the learner has not reached this step.
          const tries = (
            await Promise.all(['DetachRolePolicy', 'DeleteRole'].map((n) => learnerCalls(ctx, n)))
          )
            .flat()
            .filter((e) => e.requestParameters?.roleName === ROLE)
            .sort((a, b) => b.time.getTime() - a.time.getTime());
          const refused = tries.find((e) => e.errorCode);
          if (refused) verdict.evidence = whatItGot(refused);
          return tries.length ? failed(verdict) : notTried(verdict);
        }
        const e = await learnerDid(ctx, 'DeleteRole', { roleName: ROLE });
        if (e) return passed(`DeleteRole ${ROLE} at ${hhmmss(e.time)}`);
        return missing(ctx, {
          expected,
          hint: 'Create it first (step create-role), then delete it as this step shows.',
        });
      },
    },
  },

  // Questions about the learner's own run (README.md's `::: quiz <id> evidence`).
  quiz: {
    /** The RoleId AWS gave the role the learner created (CreateRole's responseElements). */
    async 'role-id'(ctx) {
      const e = (await learnerCalls(ctx, 'CreateRole')).find(
        (x) => !x.errorCode && x.requestParameters?.roleName === ROLE,
      );
      const id = e?.responseElements?.role?.roleId;
      if (typeof id !== 'string') {
        return notYet('This question is about step 1 (create-role): create the role first.');
      }
      return answer(id);
    },
  },
});
