// What `lab test` compares: the account's IAM users (with their keys, policies,
// groups, console login) and customer managed policies, plus the exact bytes
// of the isolated CLI files. Ids and names only, never a secret.
import {
  GetLoginProfileCommand,
  ListAccessKeysCommand,
  ListAttachedUserPoliciesCommand,
  ListGroupsForUserCommand,
  ListPoliciesCommand,
  ListUserPoliciesCommand,
  ListUsersCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { readFile } from 'node:fs/promises';
import { ignoreGone } from '../cleanup/aws-errors.ts';

export interface UserSnapshot {
  keys: string[];
  attached: string[];
  inline: string[];
  groups: string[];
  consoleLogin: boolean;
}

export interface AccountSnapshot {
  users: Record<string, UserSnapshot>;
  /** Customer managed policies (AWS managed ones are the same in every account). */
  policies: string[];
}

export async function snapshotAccount(iam: IAMClient): Promise<AccountSnapshot> {
  const users: Record<string, UserSnapshot> = {};
  let Marker: string | undefined;
  const names: string[] = [];
  do {
    const r = await iam.send(new ListUsersCommand({ Marker }));
    names.push(...(r.Users ?? []).map((u) => u.UserName!));
    Marker = r.IsTruncated ? r.Marker : undefined;
  } while (Marker);
  for (const UserName of names.sort()) {
    const keys = await iam.send(new ListAccessKeysCommand({ UserName }));
    const attached = await iam.send(new ListAttachedUserPoliciesCommand({ UserName }));
    const inline = await iam.send(new ListUserPoliciesCommand({ UserName }));
    const groups = await iam.send(new ListGroupsForUserCommand({ UserName }));
    const login = await ignoreGone(iam.send(new GetLoginProfileCommand({ UserName })));
    users[UserName] = {
      keys: (keys.AccessKeyMetadata ?? []).map((k) => `${k.AccessKeyId} ${k.Status}`).sort(),
      attached: (attached.AttachedPolicies ?? []).map((p) => p.PolicyArn!).sort(),
      inline: (inline.PolicyNames ?? []).sort(),
      groups: (groups.Groups ?? []).map((g) => g.GroupName!).sort(),
      consoleLogin: !!login,
    };
  }
  const policies = await iam.send(new ListPoliciesCommand({ Scope: 'Local' }));
  return { users, policies: (policies.Policies ?? []).map((p) => p.Arn!).sort() };
}

/** Differences from `a` to `b`, one readable line each; empty when they are the same. */
export function diffSnapshots(a: AccountSnapshot, b: AccountSnapshot): string[] {
  const out: string[] = [];
  for (const u of Object.keys(a.users)) if (!b.users[u]) out.push(`user ${u} is gone`);
  for (const u of Object.keys(b.users)) if (!a.users[u]) out.push(`user ${u} was added`);
  for (const u of Object.keys(a.users)) {
    const x = a.users[u];
    const y = b.users[u];
    if (!y) continue;
    for (const f of ['keys', 'attached', 'inline', 'groups'] as const) {
      for (const v of x[f]) if (!y[f].includes(v)) out.push(`user ${u}: ${f} lost ${v}`);
      for (const v of y[f]) if (!x[f].includes(v)) out.push(`user ${u}: ${f} gained ${v}`);
    }
    if (x.consoleLogin !== y.consoleLogin) {
      out.push(`user ${u}: console login ${y.consoleLogin ? 'added' : 'removed'}`);
    }
  }
  for (const p of a.policies) if (!b.policies.includes(p)) out.push(`policy ${p} is gone`);
  for (const p of b.policies) if (!a.policies.includes(p)) out.push(`policy ${p} was added`);
  return out;
}

export interface FilesSnapshot {
  [path: string]: Buffer | undefined;
}

export async function snapshotFiles(paths: string[]): Promise<FilesSnapshot> {
  const out: FilesSnapshot = {};
  for (const p of paths) out[p] = await readFile(p).catch(() => undefined);
  return out;
}

/** Files whose bytes differ (or that appeared or vanished). */
export function diffFiles(a: FilesSnapshot, b: FilesSnapshot): string[] {
  return Object.keys(a).filter((p) => {
    const x = a[p];
    const y = b[p];
    return x === undefined || y === undefined ? x !== y : !x.equals(y);
  });
}
