// `lab test`'s hostile phase: after the solve, before cleanup, the account is no longer the lab's
// alone. Another administrator (a second admin user the test creates) makes things with the
// names the learner used — the learner deleted theirs in the lab's last steps — and adds an access
// key to the lab's own user; the learner makes a copy of a lab resource in another region.
// Cleanup must keep every foreign thing, remove the wrong-region copy, and say exactly that
// (docs/lab-format.md, "The hostile phase"). Ownership (runner/ownership) is what is tested.
import {
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateGroupCommand,
  CreateRoleCommand,
  CreateUserCommand,
  DeleteAccessKeyCommand,
  DeleteGroupCommand,
  DeleteRoleCommand,
  DeleteUserCommand,
  DetachUserPolicyCommand,
  GetGroupCommand,
  GetRoleCommand,
  GetUserCommand,
  IAMClient,
  ListAccessKeysCommand,
} from '@aws-sdk/client-iam';
import {
  CreateKeyPairCommand,
  CreateSecurityGroupCommand,
  DeleteKeyPairCommand,
  DeleteSecurityGroupCommand,
  DescribeKeyPairsCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  HeadBucketCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import type { Shell } from 'zx';
import { ignoreNotFound } from '../aws/index.ts';
import type { LedgerEntry } from '../store/index.ts';
import type { Target } from '../target/index.ts';
import type { SandboxInfo } from '../../sandbox/index.ts';

export const OTHER_ADMIN = 'lab-test-other-admin';
/** The region the learner's copy goes to: one no lab uses. */
export const OTHER_REGION = 'us-west-2';

/** A thing another identity made: how to tell it is still there (the same one), and remove it. */
export interface Foreign {
  label: string;
  name: string;
  /** Recorded by id (key pair, security group): the lab's own one is gone by id, not by name. */
  byId?: boolean;
  present(): Promise<boolean>;
  remove(): Promise<void>;
}

/** The learner's copy of a lab resource in OTHER_REGION: it must be gone after cleanup. */
export interface Copy {
  label: string;
  name: string;
  /** Ids a cleanup line may name it by instead (a key pair's KeyPairId). */
  ids?: string[];
  present(): Promise<boolean>;
}

interface OtherAdmin {
  iam: IAMClient;
  ec2(region: string): EC2Client;
  s3(region: string): S3Client;
  keyId: string;
}

/** A second admin user with its own key (made by the runner's identity, as an admin would). */
async function otherAdmin(target: Target, info: SandboxInfo): Promise<OtherAdmin> {
  const iam = target.clients.iam;
  await iam.send(new CreateUserCommand({ UserName: OTHER_ADMIN }));
  await iam.send(
    new AttachUserPolicyCommand({
      UserName: OTHER_ADMIN,
      PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess',
    }),
  );
  const key = (await iam.send(new CreateAccessKeyCommand({ UserName: OTHER_ADMIN }))).AccessKey!;
  const credentials = { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
  const config = (region: string) => ({ endpoint: info.endpoint, region, credentials });
  return {
    iam: new IAMClient(config('us-east-1')),
    ec2: (region) => new EC2Client(config(region)),
    s3: (region) => new S3Client({ ...config(region), forcePathStyle: true }),
    keyId: key.AccessKeyId!,
  };
}

/** The other admin and its key go once the phase is over (the account diff must be clean). */
export async function removeOtherAdmin(target: Target): Promise<void> {
  const iam = target.clients.iam;
  const keys = await ignoreNotFound(iam.send(new ListAccessKeysCommand({ UserName: OTHER_ADMIN })));
  for (const k of keys?.AccessKeyMetadata ?? [])
    await iam.send(
      new DeleteAccessKeyCommand({ UserName: OTHER_ADMIN, AccessKeyId: k.AccessKeyId }),
    );
  await ignoreNotFound(
    iam.send(
      new DetachUserPolicyCommand({
        UserName: OTHER_ADMIN,
        PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess',
      }),
    ),
  );
  await ignoreNotFound(iam.send(new DeleteUserCommand({ UserName: OTHER_ADMIN })));
}

const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
  ],
});

/** Re-create one thing the learner made and deleted, by name, as the other admin. */
async function recreate(
  o: OtherAdmin,
  e: LedgerEntry,
  labRegion: string,
): Promise<Foreign | undefined> {
  const region = String(e.details.region ?? labRegion);
  // Kinds recorded by id (a key pair by KeyPairId) keep their name in the details.
  const name = String(e.details.keyName ?? e.resourceId);
  switch (e.kind) {
    case 'iam-user': {
      if (await ignoreNotFound(o.iam.send(new GetUserCommand({ UserName: name })))) return;
      const id = (await o.iam.send(new CreateUserCommand({ UserName: name }))).User!.UserId;
      return {
        label: `IAM user ${name}`,
        name,
        present: async () =>
          (await ignoreNotFound(o.iam.send(new GetUserCommand({ UserName: name }))))?.User
            ?.UserId === id,
        remove: async () => void (await o.iam.send(new DeleteUserCommand({ UserName: name }))),
      };
    }
    case 'iam-group': {
      if (await ignoreNotFound(o.iam.send(new GetGroupCommand({ GroupName: name })))) return;
      const id = (await o.iam.send(new CreateGroupCommand({ GroupName: name }))).Group!.GroupId;
      return {
        label: `IAM group ${name}`,
        name,
        present: async () =>
          (await ignoreNotFound(o.iam.send(new GetGroupCommand({ GroupName: name }))))?.Group
            ?.GroupId === id,
        remove: async () => void (await o.iam.send(new DeleteGroupCommand({ GroupName: name }))),
      };
    }
    case 'iam-role': {
      if (await ignoreNotFound(o.iam.send(new GetRoleCommand({ RoleName: name })))) return;
      const id = (
        await o.iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: TRUST }))
      ).Role!.RoleId;
      return {
        label: `IAM role ${name}`,
        name,
        present: async () =>
          (await ignoreNotFound(o.iam.send(new GetRoleCommand({ RoleName: name }))))?.Role
            ?.RoleId === id,
        remove: async () => void (await o.iam.send(new DeleteRoleCommand({ RoleName: name }))),
      };
    }
    case 'key-pair': {
      const ec2 = o.ec2(region);
      const find = async () =>
        (await ignoreNotFound(ec2.send(new DescribeKeyPairsCommand({ KeyNames: [name] }))))
          ?.KeyPairs?.[0]?.KeyPairId;
      if (await find()) return;
      const id = (await ec2.send(new CreateKeyPairCommand({ KeyName: name }))).KeyPairId;
      return {
        label: `key pair ${name} (${region})`,
        name,
        byId: true,
        present: async () => (await find()) === id,
        remove: async () => void (await ec2.send(new DeleteKeyPairCommand({ KeyName: name }))),
      };
    }
    case 'security-group': {
      const groupName = String(e.details.groupName ?? (name.startsWith('sg-') ? '' : name));
      if (!groupName) return;
      const ec2 = o.ec2(region);
      const find = async () =>
        (
          await ec2.send(
            new DescribeSecurityGroupsCommand({
              Filters: [{ Name: 'group-name', Values: [groupName] }],
            }),
          )
        ).SecurityGroups?.[0]?.GroupId;
      if (await find()) return;
      const id = (
        await ec2.send(
          new CreateSecurityGroupCommand({ GroupName: groupName, Description: 'not the lab’s' }),
        )
      ).GroupId;
      return {
        label: `security group ${groupName} (${region})`,
        name: groupName,
        byId: true,
        present: async () => (await find()) === id,
        remove: async () => void (await ec2.send(new DeleteSecurityGroupCommand({ GroupId: id }))),
      };
    }
    case 's3-bucket': {
      const s3 = o.s3(region);
      if (await ignoreNotFound(s3.send(new HeadBucketCommand({ Bucket: name })))) return;
      await s3.send(
        new CreateBucketCommand({
          Bucket: name,
          ...(region === 'us-east-1'
            ? {}
            : { CreateBucketConfiguration: { LocationConstraint: region as 'us-west-2' } }),
        }),
      );
      return {
        label: `S3 bucket ${name}`,
        name,
        present: async () =>
          Boolean(await ignoreNotFound(s3.send(new HeadBucketCommand({ Bucket: name })))),
        remove: async () => void (await s3.send(new DeleteBucketCommand({ Bucket: name }))),
      };
    }
  }
  return undefined;
}

/** The learner's copy of a regional lab resource in OTHER_REGION, with the real CLI. */
async function copyElsewhere(
  $: Shell,
  entries: LedgerEntry[],
  target: Target,
): Promise<Copy | undefined> {
  const ec2 = target.clientsForRegion(OTHER_REGION).ec2!;
  const key = entries.find((e) => e.kind === 'key-pair');
  if (key) {
    const name = String(key.details.keyName ?? key.resourceId);
    const id = (
      await $`aws ec2 create-key-pair --key-name ${name} --region ${OTHER_REGION} --query KeyPairId --output text`
    ).stdout.trim();
    return {
      label: `key pair ${name} in ${OTHER_REGION}`,
      name,
      ids: [id],
      present: async () =>
        Boolean(
          (await ignoreNotFound(ec2.send(new DescribeKeyPairsCommand({ KeyNames: [name] }))))
            ?.KeyPairs?.length,
        ),
    };
  }
  const bucket = entries.find((e) => e.kind === 's3-bucket');
  if (bucket) {
    const name = `${bucket.resourceId}-${OTHER_REGION}`.slice(0, 63);
    await $`aws s3 mb s3://${name} --region ${OTHER_REGION}`;
    const s3 = target.clientsForRegion(OTHER_REGION).s3!;
    return {
      label: `S3 bucket ${name} in ${OTHER_REGION}`,
      name,
      present: async () =>
        Boolean(await ignoreNotFound(s3.send(new HeadBucketCommand({ Bucket: name })))),
    };
  }
  return undefined;
}

export interface Hostility {
  foreign: Foreign[];
  copy?: Copy;
  /** The other admin's keys on the lab's own users (setup's): kept, and the user with them. */
  foreignKeys: { user: string; keyId: string }[];
  other: OtherAdmin;
}

/** Do the hostile things. `entries`: the run's ledger after the solve. */
export async function beHostile(o: {
  target: Target;
  info: SandboxInfo;
  $: Shell;
  entries: LedgerEntry[];
}): Promise<Hostility> {
  const other = await otherAdmin(o.target, o.info);
  const foreign: Foreign[] = [];
  for (const e of o.entries.filter((x) => x.createdBy === 'learner')) {
    const f = await recreate(other, e, o.target.region);
    if (f) foreign.push(f);
  }
  const foreignKeys: Hostility['foreignKeys'] = [];
  for (const e of o.entries.filter((x) => x.createdBy === 'lab' && x.kind === 'iam-user')) {
    if (!(await ignoreNotFound(other.iam.send(new GetUserCommand({ UserName: e.resourceId })))))
      continue;
    const k = await other.iam.send(new CreateAccessKeyCommand({ UserName: e.resourceId }));
    foreignKeys.push({ user: e.resourceId, keyId: k.AccessKey!.AccessKeyId! });
  }
  const copy = await copyElsewhere(o.$, o.entries, o.target);
  return { foreign, copy, foreignKeys, other };
}

/** The other admin takes back what it made (after cleanup was judged). */
export async function undoHostility(h: Hostility): Promise<void> {
  for (const k of h.foreignKeys)
    await ignoreNotFound(
      h.other.iam.send(new DeleteAccessKeyCommand({ UserName: k.user, AccessKeyId: k.keyId })),
    );
  for (const f of h.foreign) await f.remove().catch(() => {});
}

/** What the hostile phase did, in one line. */
export function hostileText(h: Hostility): string {
  const parts = [
    h.foreign.length
      ? `${OTHER_ADMIN} re-created ${h.foreign.map((f) => f.label).join(', ')}`
      : `${OTHER_ADMIN} found nothing of the learner's to re-create by name`,
    ...(h.foreignKeys.length
      ? [`added key(s) ${h.foreignKeys.map((k) => `${k.keyId} to ${k.user}`).join(', ')}`]
      : []),
    h.copy ? `the learner made a copy: ${h.copy.label}` : 'no regional kind to copy elsewhere',
  ];
  return parts.join('; ');
}

/**
 * Did cleanup keep every foreign thing (and say so), remove the wrong-region copy (and say so),
 * and leave nothing else of the lab's but the lab users that hold a foreign key?
 */
export async function judgeCleanup(
  h: Hostility,
  report: {
    done: string[];
    remaining: { resource: string; why: string }[];
    plan: { kept: { resource: string; why: string }[] };
  },
  log: string,
): Promise<{ ok: boolean; detail: string }> {
  const wrong: string[] = [];
  const said = (name: string) =>
    report.plan.kept.some((k) => k.resource.includes(name)) ||
    log.split('\n').some((l) => l.includes(name) && /\bkeep|kept\b/i.test(l));
  // Kinds cleanup knows by id say what they did with the lab's one ("forget key pair
  // lab-ec2-key (key-…) (already gone)"): the same-named foreign one is never looked at, which
  // the plan does not spell out. Name-keyed kinds must say "keep".
  const forgot = (name: string) =>
    log.split('\n').some((l) => l.includes(name) && /\bforget\b.*already gone/.test(l));
  const unsaid: string[] = [];
  for (const f of h.foreign) {
    if (!(await f.present())) wrong.push(`DELETED ${f.label}, made by ${OTHER_ADMIN}`);
    else if (!said(f.name) && !(f.byId && forgot(f.name)))
      wrong.push(`kept ${f.label} without saying so`);
    else if (!said(f.name)) unsaid.push(f.label);
  }
  for (const k of h.foreignKeys) {
    const keys = await ignoreNotFound(
      h.other.iam.send(new ListAccessKeysCommand({ UserName: k.user })),
    );
    if (!keys?.AccessKeyMetadata?.some((m) => m.AccessKeyId === k.keyId))
      wrong.push(`DELETED access key ${k.keyId} of ${k.user}, made by ${OTHER_ADMIN}`);
    else if (!said(k.keyId) && !said(k.user))
      wrong.push(`kept ${k.keyId} of ${k.user} without saying so`);
  }
  if (h.copy) {
    if (await h.copy.present()) wrong.push(`LEFT the learner's ${h.copy.label}`);
    else if (
      !report.done.some(
        (d) =>
          [h.copy!.name, ...(h.copy!.ids ?? [])].some((n) => d.includes(n)) &&
          d.includes(OTHER_REGION),
      )
    )
      wrong.push(`removed the ${h.copy.label} without naming it with its region`);
  }
  // Only the lab users that hold a foreign key may remain (their removal would take the key).
  const held = new Set(h.foreignKeys.map((k) => k.user));
  const other = report.remaining.filter((r) => ![...held].some((u) => r.resource.includes(u)));
  for (const r of other) wrong.push(`left ${r.resource} (${r.why})`);
  if (wrong.length) return { ok: false, detail: wrong.join('; ') };
  const keptSaid = [
    ...h.foreign.filter((f) => !unsaid.includes(f.label)).map((f) => f.label),
    ...h.foreignKeys.map(
      (k) => `key ${k.keyId} of ${k.user}${report.remaining.length ? ' (and the user)' : ''}`,
    ),
  ];
  return {
    ok: true,
    detail: [
      keptSaid.length ? `kept ${keptSaid.join(', ')}, saying why` : '',
      unsaid.length
        ? `left ${unsaid.join(', ')} untouched (the plan forgets the lab's one by id and does not name the foreign one)`
        : '',
      h.copy ? `removed ${h.copy.label}` : '',
      `${report.done.length} thing(s) done`,
    ]
      .filter(Boolean)
      .join('; '),
  };
}
