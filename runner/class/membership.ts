// A learner's class membership: which class server, and the learner token it
// issued. Kept in the lab home, readable by the learner only (0600), like
// ~/.aws/credentials. (Validated by hand, without zod: `lab check` reads this
// on every run and should not pay for loading a schema library.)
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LabError } from '../errors.ts';
import { privateHome } from '../paths.ts';

export interface Membership {
  url: string;
  classId: string;
  className: string;
  learnerId: string;
  name: string;
  token: string;
  joinedAt: string;
}

const FIELDS = ['url', 'classId', 'className', 'learnerId', 'name', 'token', 'joinedAt'] as const;

export function membershipPath(home: string): string {
  return join(home, 'class.json');
}

export function readMembership(home: string): Membership | undefined {
  const file = membershipPath(home);
  if (!existsSync(file)) return undefined;
  let data: Record<string, unknown> | undefined;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    data = undefined;
  }
  if (!data || FIELDS.some((f) => typeof data![f] !== 'string')) {
    throw new LabError(
      'class_membership_corrupt',
      `${file} is not a valid class membership.`,
      'Join again with `lab join <url> --code <code> --name <name>`.',
    );
  }
  return Object.fromEntries(FIELDS.map((f) => [f, data![f]])) as unknown as Membership;
}

export function writeMembership(home: string, m: Membership): void {
  privateHome(home);
  const file = membershipPath(home);
  const tmp = `${file}.${process.pid}.tmp`;
  // Created 0600 from the first byte: the token is never readable by others.
  writeFileSync(tmp, JSON.stringify(m, null, 2) + '\n', { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}
