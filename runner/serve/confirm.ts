// The confirmation of a cleanup in a real AWS account, asked from the lab page.
//
// In a terminal, `lab cleanup --target aws` asks the learner to type the account id back.
// The page cannot ask the same: the account id is no secret from the API (the plan, the
// evidence and ARNs carry it), so a caller that only talked to the API could "confirm"
// (issue 16: one did, and the learner's key and ~/.aws files went). Instead the page asks
// for a one-time code that `lab serve` prints only in its own terminal, where the learner
// started it: no API answer ever contains it. A code is for one lab's one run, used once,
// good for ten minutes; a wrong one is void and a new one is printed, so guessing gains
// nothing (8 characters of 31: 2^39 possibilities per try).
import { randomInt } from 'node:crypto';

const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789'; // no 0/O, 1/I/L: read off a terminal
const LIFETIME_MS = 10 * 60_000;

export interface CleanupCodes {
  /** Make a code for `lab`'s run and print it in `lab serve`'s terminal (never returned). */
  issue(lab: string, runId: number, accountId: string): void;
  /** Whether `given` is the pending code of this run; a code works once, a wrong one is void. */
  take(lab: string, runId: number, given: string | undefined): 'ok' | 'wrong' | 'none';
}

const normal = (s: string) => s.toUpperCase().replace(/[^A-Z0-9]/g, '');

export function cleanupCodes(o: { say: (line: string) => void; now?: () => number }): CleanupCodes {
  const now = o.now ?? Date.now;
  const pending = new Map<string, { code: string; expires: number }>();
  const key = (lab: string, runId: number) => `${lab}\u0000${runId}`;
  return {
    issue(lab, runId, accountId) {
      let code = '';
      for (let i = 0; i < 8; i++) code += ALPHABET[randomInt(ALPHABET.length)];
      pending.set(key(lab, runId), { code, expires: now() + LIFETIME_MS });
      const shown = `${code.slice(0, 4)}-${code.slice(4)}`;
      o.say(
        `The lab page asks to clean up ${lab} (run ${runId}) in AWS account ${accountId}.\n` +
          `  To delete what the lab created, type this code on the page: ${shown}\n` +
          '  (one use, 10 minutes). If you did not ask for it, ignore it: nothing is deleted.',
      );
    },
    take(lab, runId, given) {
      const k = key(lab, runId);
      const p = pending.get(k);
      if (!p || p.expires < now()) {
        pending.delete(k);
        return 'none';
      }
      pending.delete(k); // used or void: either way, never again
      return given !== undefined && normal(given) === p.code ? 'ok' : 'wrong';
    },
  };
}
