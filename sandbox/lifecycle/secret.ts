// The engine's per-start secret: the engine answers only requests that carry it, and only the
// gateway is given it, so nobody can skip the gateway's checks by calling the engine's port.
// Made when the sandbox starts (kept while either process runs, so one can restart alone),
// stored 0600 next to run.json, handed to both processes in their environment (never argv,
// which `ps` shows every local user), and deleted by `lab sandbox stop`.
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Layout } from './layout.ts';

export function readSecret(l: Layout): string | undefined {
  try {
    const s = readFileSync(l.secretFile, 'utf8').trim();
    return s.length >= 32 ? s : undefined;
  } catch {
    return undefined;
  }
}

/** A new random secret, written (0600, replacing any old one) before either process starts. */
export function newSecret(l: Layout): string {
  const secret = randomBytes(32).toString('base64url');
  rmSync(l.secretFile, { force: true });
  writeFileSync(l.secretFile, secret + '\n', { mode: 0o600, flag: 'wx' });
  return secret;
}

export function clearSecret(l: Layout): void {
  rmSync(l.secretFile, { force: true });
}
