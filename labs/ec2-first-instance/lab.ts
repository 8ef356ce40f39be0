// ec2-first-instance: key pair, an SSH-from-one-address security group, a free-tier instance
// through its states, a refused launch decoded by STS, then everything gone. EC2 calls are
// management events in the region's event history; the account's state confirms each step.
import { CreateUserCommand, GetUserCommand } from '@aws-sdk/client-iam';
import {
  DescribeInstancesCommand,
  DescribeKeyPairsCommand,
  DescribeSecurityGroupsCommand,
} from '@aws-sdk/client-ec2';
import {
  callsWithKey,
  defineLab,
  elsewhereText,
  failed,
  hhmmss,
  ignoreNotFound,
  keysCreatedFor,
  learnerCalls,
  madeElsewhere,
  missing,
  notTried,
  passed,
  type CheckContext,
  type TrailEvent,
  answer,
  notYet,
} from '../../runner/sdk/index.ts';

const KEY = 'lab-ec2-key';
const GROUP = 'lab-ec2-ssh';
const INTERN = 'lab-ec2-intern';
const AMI = 'resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64';
const FREE_TIER = new Set(['t2.micro', 't3.micro']);
// CloudTrail records EC2's code with its fault prefix (Client.UnauthorizedOperation).
const UNAUTHORIZED = /^(Client\.)?UnauthorizedOperation$/;

/** The learner's successful EC2 call `name` in the target region whose parameters match. */
async function did(ctx: CheckContext, name: string, params: Record<string, string> = {}) {
  const evs = await learnerCalls(ctx, name, { service: 'regional' });
  return evs.find(
    (e) => !e.errorCode && Object.entries(params).every(([k, v]) => e.requestParameters?.[k] === v),
  );
}

/** The learner's successful launches with the lab's key pair, newest first, with their ids. */
async function launches(ctx: CheckContext) {
  const runs = await learnerCalls(ctx, 'RunInstances', { service: 'regional' });
  return runs.flatMap((e) => {
    // CloudTrail nests the launch specification: instancesSet.items[0].keyName.
    const spec = e.requestParameters?.instancesSet as { items?: { keyName?: string }[] };
    const items: { instanceId?: string }[] = e.responseElements?.instancesSet?.items ?? [];
    if (e.errorCode || spec?.items?.[0]?.keyName !== KEY) return [];
    return items.filter((i) => i.instanceId).map((i) => ({ event: e, id: i.instanceId! }));
  });
}

const GONE = new Set(['shutting-down', 'terminated']);

/**
 * The instance this lab follows: the newest one the learner launched with the lab's key pair that
 * is not terminated (after a retried launch, the one the README's `ID=$(…)` picks: the latest
 * launch among pending and running), else the newest launched. `others`: the learner's other
 * launches with the key that are still alive.
 */
async function launched(ctx: CheckContext) {
  return ctx.memo('ec2:launched', async () => {
    const all = await launches(ctx);
    if (!all.length) return undefined;
    // One id at a time: a single unknown id fails a DescribeInstances of several.
    const found = await Promise.all(
      all.map((l) =>
        ignoreNotFound(
          ctx.clients.ec2.send(new DescribeInstancesCommand({ InstanceIds: [l.id] })),
        ).then((o) => o?.Reservations?.[0]?.Instances?.[0]),
      ),
    );
    const byId = new Map(found.filter((i) => i?.InstanceId).map((i) => [i!.InstanceId!, i!]));
    const known = all.filter((l) => byId.has(l.id));
    const alive = known.filter((l) => !GONE.has(byId.get(l.id)!.State?.Name ?? ''));
    const pick = alive[0] ?? known[0];
    if (!pick) return undefined;
    return {
      event: pick.event,
      instance: byId.get(pick.id)!,
      others: alive.filter((l) => l.id !== pick.id).map((l) => l.id),
    };
  });
}

const groupNow = async (ctx: CheckContext) =>
  (
    await ignoreNotFound(
      ctx.clients.ec2.send(
        new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: [GROUP] }] }),
      ),
    )
  )?.SecurityGroups?.[0];

const keyNow = async (ctx: CheckContext) =>
  (await ignoreNotFound(ctx.clients.ec2.send(new DescribeKeyPairsCommand({ KeyNames: [KEY] }))))
    ?.KeyPairs?.[0];

function stateStep(name: string, event: string, states: string[], command: (id: string) => string) {
  return {
    after: ['launch'] as const,
    async check(ctx: CheckContext) {
      const found = await launched(ctx);
      const expected = `your instance ${states.join(' or ')}, by your ${event} call`;
      if (!found) {
        return failed({
          expected,
          evidence: 'no instance launched with the key pair lab-ec2-key during this lab',
          hint: 'Do step launch first.',
        });
      }
      const id = found.instance.InstanceId!;
      const state = found.instance.State?.Name ?? 'unknown';
      const calls = await learnerCalls(ctx, event, { service: 'regional' });
      const call = calls.find(
        (e) => !e.errorCode && JSON.stringify(e.requestParameters ?? {}).includes(id),
      );
      // Never asked for (no such call at all, and the instance not there by other means): not
      // tried yet, rather than failed.
      if (!calls.length && !states.includes(state)) {
        return missing(ctx, { expected, hint: `Run \`${command(id)}\`.` });
      }
      if (!states.includes(state) || !call) {
        return failed({
          expected,
          evidence: `${id} is ${state}${call ? '' : `; no ${event} of it recorded`}`,
          hint: `Run \`${command(id)}\`.`,
        });
      }
      return passed(`${id} is ${state}; ${event} at ${hhmmss(call.time)} (${name})`);
    },
  };
}

export default defineLab({
  id: 'ec2-first-instance',
  creates: ['ec2-instance', 'security-group', 'key-pair', 'access-key', 'profile-section'],

  async setup(ctx) {
    const iam = ctx.clients.iam;
    const there = await ignoreNotFound(iam.send(new GetUserCommand({ UserName: INTERN })));
    if (!there) {
      ctx.say(`creating IAM user ${INTERN}, with no permissions`);
      await iam.send(
        new CreateUserCommand({
          UserName: INTERN,
          Tags: [{ Key: 'labrunner:lab', Value: 'ec2-first-instance' }],
        }),
      );
      ctx.created('iam-user', INTERN, {});
    }
  },

  steps: {
    'create-key-pair': {
      async check(ctx) {
        const e = await did(ctx, 'CreateKeyPair', { keyName: KEY });
        const expected = `a key pair ${KEY} created by you during this lab`;
        // Made, but in another region (`--region us-west-2`): say so, rather than "not tried".
        const away = e ? [] : await madeElsewhere(ctx, 'key-pair', KEY);
        if (away.length) {
          return failed({
            expected: `${expected}, in ${ctx.target.region}`,
            evidence: elsewhereText(KEY, away, ctx.target.region),
            hint: `Create it in ${ctx.target.region}: \`aws ec2 create-key-pair --key-name ${KEY} --region ${ctx.target.region} --query KeyMaterial --output text > ${KEY}.pem\`.`,
          });
        }
        const create = `\`aws ec2 create-key-pair --key-name ${KEY} --query KeyMaterial --output text > ${KEY}.pem\``;
        if (!e) {
          const calls = await learnerCalls(ctx, 'CreateKeyPair', { service: 'regional' });
          // A typo in the name: a key pair made, but not this lab's.
          const other = calls.find((c) => !c.errorCode);
          if (other) {
            const name = String(other.requestParameters?.keyName);
            return failed({
              expected,
              evidence: `you created the key pair ${name} at ${hhmmss(other.time)}; this lab's is ${KEY}`,
              hint: `Delete it (\`aws ec2 delete-key-pair --key-name ${name}\`) and run ${create}.`,
            });
          }
          return missing(ctx, { expected, attempts: calls, hint: `Run ${create}.` });
        }
        const key = await keyNow(ctx);
        const removed = key ? undefined : await did(ctx, 'DeleteKeyPair', { keyName: KEY });
        if (removed && removed.time >= e.time) {
          return passed(
            `CreateKeyPair ${KEY} at ${hhmmss(e.time)} (deleted at ${hhmmss(removed.time)}, as the last step asks)`,
          );
        }
        if (!key) {
          return failed({
            expected,
            evidence: `CreateKeyPair at ${hhmmss(e.time)}, but ${KEY} does not exist now`,
            hint: 'Create it again.',
          });
        }
        return passed(`CreateKeyPair ${KEY} (${key.KeyPairId}) at ${hhmmss(e.time)}`);
      },
    },

    'ssh-group': {
      async check(ctx) {
        const expected = `a security group ${GROUP} allowing TCP 22 from one address (/32) only`;
        const e = await did(ctx, 'CreateSecurityGroup', { groupName: GROUP });
        const g = await groupNow(ctx);
        if (e && !g) {
          // Deleted in the last step: the rule seen earlier (noted on the group's ledger entry).
          const id = e.responseElements?.groupId as string | undefined;
          const noted = ctx.ledger('security-group').find((x) => x.resourceId === id)?.details;
          const removed = await did(ctx, 'DeleteSecurityGroup');
          if (noted?.sshFrom && removed && removed.time >= e.time) {
            return passed(
              `${GROUP} allowed SSH from ${String(noted.sshFrom)} only (deleted at ${hhmmss(removed.time)})`,
            );
          }
        }
        const away = e || g ? [] : await madeElsewhere(ctx, 'security-group', GROUP);
        if (away.length) {
          return failed({
            expected: `${expected}, in ${ctx.target.region}`,
            evidence: elsewhereText(GROUP, away, ctx.target.region),
            hint: `Create it in ${ctx.target.region}: \`aws ec2 create-security-group --group-name ${GROUP} --description "SSH from one address" --region ${ctx.target.region}\`.`,
          });
        }
        if (!e || !g) {
          return missing(ctx, {
            expected,
            attempts: e
              ? []
              : await learnerCalls(ctx, 'CreateSecurityGroup', { service: 'regional' }),
            hint: `Run \`aws ec2 create-security-group --group-name ${GROUP} --description "SSH from one address"\`.`,
          });
        }
        const ssh = (g.IpPermissions ?? []).filter(
          (p) => p.IpProtocol === 'tcp' && p.FromPort! <= 22 && p.ToPort! >= 22,
        );
        const ranges = ssh.flatMap((p) => (p.IpRanges ?? []).map((r) => r.CidrIp!));
        const hint = `Run \`aws ec2 authorize-security-group-ingress --group-id ${g.GroupId} --protocol tcp --port 22 --cidr <your-address>/32\`.`;
        if (ranges.some((r) => !r.endsWith('/32'))) {
          return failed({
            expected,
            evidence: `SSH is open to ${ranges.filter((r) => !r.endsWith('/32')).join(', ')}`,
            hint: `Remove that rule: \`aws ec2 revoke-security-group-ingress --group-id ${g.GroupId} --protocol tcp --port 22 --cidr ${ranges.find((r) => !r.endsWith('/32'))}\`.`,
          });
        }
        if (ranges.length !== 1) {
          return failed({
            expected,
            evidence: ranges.length ? `SSH from ${ranges.join(', ')}` : `${GROUP} has no SSH rule`,
            hint,
          });
        }
        ctx.remember('security-group', g.GroupId!, {
          groupId: g.GroupId!,
          groupName: GROUP,
          sshFrom: ranges[0],
        });
        return passed(`${GROUP} (${g.GroupId}) allows SSH from ${ranges[0]} only`);
      },
    },

    launch: {
      after: ['create-key-pair', 'ssh-group'],
      async check(ctx) {
        const expected = `an instance of a free-tier type (${[...FREE_TIER].join(' or ')}) launched by you with ${KEY} and ${GROUP}`;
        const found = await launched(ctx);
        const runIt = `\`aws ec2 run-instances --image-id ${AMI} --instance-type t3.micro --key-name ${KEY} --security-group-ids ${(await groupNow(ctx))?.GroupId ?? `<the id of ${GROUP}>`}\``;
        const away = found ? [] : await madeElsewhere(ctx, 'ec2-instance', KEY);
        if (away.length) {
          return failed({
            expected: `${expected}, in ${ctx.target.region}`,
            evidence: elsewhereText(`instance ${away[0].resourceId}`, away, ctx.target.region),
            hint: `Terminate it there (\`aws ec2 terminate-instances --instance-ids ${away[0].resourceId} --region ${away[0].region}\`) and launch it in ${ctx.target.region}: ${runIt}.`,
          });
        }
        if (!found) {
          const runs = await learnerCalls(ctx, 'RunInstances', { service: 'regional' });
          // Launched, but not with the lab's key pair (a typo, or none): an attempt.
          const other = runs.find((e) => !e.errorCode);
          const id = other?.responseElements?.instancesSet?.items?.[0]?.instanceId;
          if (other && id) {
            return failed({
              expected,
              evidence: `you launched ${id} at ${hhmmss(other.time)} without the key pair ${KEY}`,
              hint: `Terminate it (\`aws ec2 terminate-instances --instance-ids ${id}\`) and run ${runIt}.`,
            });
          }
          return missing(ctx, { expected, attempts: runs, hint: `Run ${runIt}.` });
        }
        const i = found.instance;
        if (found.others.length) {
          // A retried launch left more than one running: each costs money on AWS.
          return failed({
            expected,
            evidence: `you have ${found.others.length + 1} instances with ${KEY} running: ${i.InstanceId} (the newest, which this lab follows) and ${found.others.join(', ')}`,
            hint: `Keep one: run \`aws ec2 terminate-instances --instance-ids ${found.others.join(' ')}\`.`,
          });
        }
        const groups = (i.SecurityGroups ?? []).map((s) => s.GroupName);
        if (!FREE_TIER.has(i.InstanceType ?? '') || !groups.includes(GROUP)) {
          return failed({
            expected,
            evidence: `${i.InstanceId} is ${i.InstanceType} with groups ${groups.join(', ') || 'none'}`,
            hint: `Terminate it (\`aws ec2 terminate-instances --instance-ids ${i.InstanceId}\`) and launch again: ${runIt}.`,
          });
        }
        return passed(
          `${i.InstanceId} (${i.InstanceType}, ${i.ImageId}) launched at ${hhmmss(found.event.time)}`,
        );
      },
    },

    inspect: {
      after: ['launch'],
      async check(ctx) {
        const expected = 'your instance looked up with describe-instances after its launch';
        const found = await launched(ctx);
        const looks = await learnerCalls(ctx, 'DescribeInstances', { service: 'regional' });
        // A look at this instance, by its id: the launch step's `ID=$(…)` lookup by key name
        // (no ids) is not this step.
        const id = found?.instance.InstanceId ?? '';
        const named = (e: TrailEvent) =>
          JSON.stringify(e.requestParameters?.instancesSet ?? '').includes(`"${id}"`);
        const look =
          found && looks.find((e) => !e.errorCode && e.time >= found.event.time && named(e));
        if (!found || !look) {
          const tried = found
            ? looks.filter(
                (e) =>
                  e.time >= found.event.time &&
                  (e.requestParameters?.instancesSet as { items?: unknown[] })?.items?.length,
              )
            : [];
          const hint = `Run \`aws ec2 describe-instances --instance-ids ${id || '$ID'} --query 'Reservations[0].Instances[0].[State.Name,PublicIpAddress,PublicDnsName]' --output text\`.`;
          const wrong = tried.find((e) => !e.errorCode);
          if (wrong) {
            return failed({
              expected,
              evidence: `DescribeInstances at ${hhmmss(wrong.time)} asked for ${JSON.stringify(wrong.requestParameters?.instancesSet)}, not ${id}`,
              hint,
            });
          }
          return missing(ctx, { expected, attempts: tried, hint });
        }
        const i = found.instance;
        return passed(
          `DescribeInstances at ${hhmmss(look.time)}; ${i.InstanceId} is ${i.State?.Name}${i.PublicIpAddress ? ` at ${i.PublicIpAddress}` : ''}`,
        );
      },
    },

    stop: stateStep(
      'stopped',
      'StopInstances',
      // Later states count too: a terminated instance was stopped first if StopInstances is recorded.
      ['stopped', 'stopping', 'shutting-down', 'terminated'],
      (id) => `aws ec2 stop-instances --instance-ids ${id}`,
    ),

    'denied-launch': {
      async check(ctx) {
        const expected = `RunInstances refused to ${INTERN} (UnauthorizedOperation), then the message decoded by you`;
        const keys = await keysCreatedFor(ctx, INTERN);
        if (!keys.length) {
          return missing(ctx, {
            expected,
            hint: `Run \`aws iam create-access-key --user-name ${INTERN}\` and \`aws configure --profile ${INTERN}\`.`,
          });
        }
        const region = ctx.target.kind === 'aws' ? ctx.target.region : undefined;
        const calls = (await Promise.all(keys.map((k) => callsWithKey(ctx, k, { region })))).flat();
        const refused = calls.find(
          (e: TrailEvent) => e.name === 'RunInstances' && UNAUTHORIZED.test(e.errorCode ?? ''),
        );
        if (!refused) {
          // Without --profile the launch runs as the admin, and succeeds: an instance to stop paying for.
          const first = (await learnerCalls(ctx, 'CreateAccessKey')).find(
            (e) => e.responseElements?.accessKey?.userName === INTERN,
          );
          const asAdmin = (await learnerCalls(ctx, 'RunInstances', { service: 'regional' })).find(
            (e) =>
              !e.errorCode &&
              first &&
              e.time >= first.time &&
              !keys.includes(e.accessKeyId ?? '') &&
              (e.requestParameters?.instancesSet as { items?: { keyName?: string }[] })?.items?.[0]
                ?.keyName !== KEY,
          );
          const id = asAdmin?.responseElements?.instancesSet?.items?.[0]?.instanceId;
          const run = `\`aws ec2 run-instances --image-id ${AMI} --instance-type t3.micro --profile ${INTERN}\``;
          return failed({
            expected,
            evidence: asAdmin
              ? `RunInstances at ${hhmmss(asAdmin.time)} ran as ${asAdmin.callerArn}, not as ${INTERN}, and launched ${id}`
              : `no RunInstances by ${INTERN}'s key ${keys.join(', ')} was refused`,
            hint: asAdmin
              ? `Terminate it (\`aws ec2 terminate-instances --instance-ids ${id}\`), then run it as the intern: ${run}.`
              : `Run it as the intern: ${run}.`,
          });
        }
        const decoded = (
          await learnerCalls(ctx, 'DecodeAuthorizationMessage', { service: 'regional' })
        ).find((e) => !e.errorCode && e.time >= refused.time);
        if (!decoded) {
          return failed({
            expected,
            evidence: `RunInstances refused at ${hhmmss(refused.time)}; nothing decoded since`,
            hint: "As your admin, run `aws sts decode-authorization-message --encoded-message '<the encoded message>'`.",
          });
        }
        return passed(
          `RunInstances refused (${refused.errorCode}) at ${hhmmss(refused.time)}; decoded at ${hhmmss(decoded.time)}`,
        );
      },
    },

    terminate: stateStep(
      'terminated',
      'TerminateInstances',
      ['terminated', 'shutting-down'],
      (id) => `aws ec2 terminate-instances --instance-ids ${id}`,
    ),

    'clean-up': {
      after: ['terminate'],
      async check(ctx) {
        const expected = `the security group ${GROUP} and the key pair ${KEY} deleted by you`;
        const [g, k] = await Promise.all([groupNow(ctx), keyNow(ctx)]);
        if (g || k) {
          // No deletion tried yet: the group and key pair are meant to exist until this step.
          const tries = (
            await Promise.all([
              learnerCalls(ctx, 'DeleteSecurityGroup', { service: 'regional' }),
              learnerCalls(ctx, 'DeleteKeyPair', { service: 'regional' }),
            ])
          ).flat();
          return (tries.length ? failed : notTried)({
            expected,
            evidence: [g && `${GROUP} (${g.GroupId}) still exists`, k && `${KEY} still exists`]
              .filter(Boolean)
              .join('; '),
            hint: g
              ? `Run \`aws ec2 delete-security-group --group-id ${g.GroupId}\`.`
              : `Run \`aws ec2 delete-key-pair --key-name ${KEY}\`.`,
          });
        }
        const [dg, dk] = await Promise.all([
          did(ctx, 'DeleteSecurityGroup'),
          did(ctx, 'DeleteKeyPair', { keyName: KEY }),
        ]);
        if (!dg || !dk) {
          return missing(ctx, {
            expected,
            hint: 'Create them (steps create-key-pair and ssh-group), then delete them as this step shows.',
          });
        }
        return passed(
          `DeleteSecurityGroup at ${hhmmss(dg.time)}, DeleteKeyPair at ${hhmmss(dk.time)}`,
        );
      },
    },
  },
  // Questions about the learner's own run (README.md's `::: quiz <id> evidence`).
  quiz: {
    /** The ID of the instance the learner launched with the lab's key pair. */
    async 'instance-id'(ctx) {
      const id = (await launched(ctx))?.instance.InstanceId;
      if (!id) return notYet('This question is about step 3 (launch): launch the instance first.');
      return answer(id);
    },
  },
});
