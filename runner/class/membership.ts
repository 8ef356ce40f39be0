// A learner's class membership: which class server, and the learner token it
// issued. Kept in the lab home, readable by the learner only (0600), like
// ~/.aws/credentials.
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { LabError } from '../errors.ts';

export const Membership = z.object({
  url: z.string(),
  classId: z.string(),
  className: z.string(),
  learnerId: z.string(),
  name: z.string(),
  token: z.string(),
  joinedAt: z.string(),
});
export type Membership = z.infer<typeof Membership>;

export function membershipPath(home: string): string {
  return join(home, 'class.json');
}

export function readMembership(home: string): Membership | undefined {
  const file = membershipPath(home);
  if (!existsSync(file)) return undefined;
  const parsed = Membership.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    throw new LabError(
      'class_membership_corrupt',
      `${file} is not a valid class membership.`,
      'Join again with `lab join <url> --code <code> --name <name>`.',
    );
  }
  return parsed.data;
}

export function writeMembership(home: string, m: Membership): void {
  mkdirSync(home, { recursive: true });
  const file = membershipPath(home);
  const tmp = `${file}.${process.pid}.tmp`;
  // Created 0600 from the first byte: the token is never readable by others.
  writeFileSync(tmp, JSON.stringify(m, null, 2) + '\n', { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}
