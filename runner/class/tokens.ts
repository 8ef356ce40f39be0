// Tokens are 32 random bytes (base64url) with a prefix saying what they are;
// only their sha256 is stored. A lookup by hash finds the row, and the hash is
// then compared in constant time, so no timing difference says how much of a
// guess was right.
import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

export type TokenRole = 'instructor' | 'learner' | 'admin';

const PREFIX: Record<TokenRole, string> = { instructor: 'lci_', learner: 'lcl_', admin: 'lca_' };

export function newToken(role: TokenRole): string {
  return PREFIX[role] + randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Constant-time comparison of two hex sha256 digests. */
export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === 32 && y.length === 32 && timingSafeEqual(x, y);
}

// No 0/O/1/I/L: a join code is read aloud and typed from a slide.
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

/** A join code like `K7QX-M2PA-9TZD` (about 59 bits). */
export function newJoinCode(): string {
  const chars = Array.from({ length: 12 }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]);
  return [0, 4, 8].map((i) => chars.slice(i, i + 4).join('')).join('-');
}

/** Codes are typed by people: ignore case, spaces and dashes. */
export function normalizeJoinCode(code: string): string {
  return code.toUpperCase().replace(/[\s-]/g, '');
}

export function newId(prefix: string): string {
  return prefix + randomBytes(9).toString('base64url');
}
