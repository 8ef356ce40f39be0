// The class server verifies (issue 21): in a class that hosts the sandbox, every learner's
// account is on the server, so the server itself reads each learner's evidence there and marks
// what they reported as verified, or as not backed by the account. A client can send any
// "passed" it likes; it cannot make the account show it.
//
// The evidence is judged by the lab's own step checks (account-checks.ts), run against the
// learner's account with a short-lived key of the server's hidden identity there (sandbox
// account_ops.py): its reads are the runner's, so they never appear in the learner's history.
// Steps whose evidence is on the learner's machine (the lab says `evidence: 'local'`) are
// recorded as self-reported, never as contradicted. Every lab in labs/ works the same way.
import { loadDefinition } from '../check/load.ts';
import type { LedgerEntry } from '../store/index.ts';
import { accountTarget } from '../target/account.ts';
import { buildReport } from './report.ts';
import type { StepOrder } from './labs.ts';
import { needOps, type HostedSandbox } from './hosted.ts';
import type { ClassStore, VerificationRow } from './store/index.ts';
import { checkAccount } from './account-checks.ts';

/** The hosted account's learner identity (sandbox/engine/identities.py USERS['learner']). */
const LEARNER_USER = 'sandbox-admin';
/** The region a hosted learner's profile is given (hosted.ts hostedJoin). */
const REGION = 'us-east-1';

export interface ServerVerifier {
  /** Verify this learner's reported steps of these labs soon (debounced, one learner at a time). */
  schedule(classId: string, learnerId: string, labs: string[]): void;
  /** Resolves when nothing is queued or running (tests, shutdown). */
  idle(): Promise<void>;
}

export function serverVerifier(o: {
  store: ClassStore;
  sandbox: HostedSandbox;
  /** The gateway as the server reaches it (loopback). */
  endpoint: string;
  stepOrder: StepOrder;
  now: () => number;
  log?: (line: string) => void;
}): ServerVerifier {
  const queued = new Map<string, { classId: string; labs: Set<string> }>();
  let running: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  const log = o.log ?? ((l: string) => console.error(l));

  const drain = async () => {
    while (queued.size) {
      const [learnerId, job] = queued.entries().next().value!;
      queued.delete(learnerId);
      try {
        await verifyOne(job.classId, learnerId, [...job.labs]);
      } catch (e) {
        // Never a key in the message: the SDK's errors name codes and ids only.
        log(`class server: could not verify learner ${learnerId}: ${(e as Error).message}`);
      }
    }
  };

  /** What the checks noted per learner and lab (the ledger a learner's lab home keeps). */
  const ledgers = new Map<string, LedgerEntry[]>();

  async function verifyOne(classId: string, learnerId: string, labs: string[]) {
    const account = await o.store.hosted.account(learnerId);
    if (!account) return;
    const ops = needOps(o.sandbox);
    const startedAt = new Date(account.resetAt ?? account.createdAt);
    const rows: VerificationRow[] = [];
    let target: ReturnType<typeof accountTarget> | undefined;
    try {
      for (const lab of labs) {
        const report = await buildReport(o.store, classId, {
          lab,
          stepOrder: o.stepOrder,
          now: o.now(),
        });
        const learner = report?.labs[0]?.learners.find((l) => l.id === learnerId);
        // Only what the learner claimed needs the account's word; once seen, it stays seen.
        const done = await o.store.hosted.verifications(classId, lab);
        const already = (step: string) =>
          done.some(
            (v) =>
              v.learnerId === learnerId &&
              v.lab === lab &&
              v.step === step &&
              v.verdict === 'verified',
          );
        const claimed = Object.entries(learner?.cells ?? {})
          .filter(([step, c]) => c.status === 'passed' && !already(step))
          .map(([step]) => step);
        if (!claimed.length) continue;
        const def = await loadDefinition(lab).catch(() => undefined);
        if (!def) continue; // a lab this server does not have: left self-reported
        if (!target) {
          const key = await ops.verifierKey(account.accountId);
          if (!key) return; // the account is gone (reset or ended since)
          target = accountTarget({
            accountId: account.accountId,
            learnerArn: `arn:aws:iam::${account.accountId}:user/${LEARNER_USER}`,
            caller: key,
            endpoint: o.endpoint,
            region: REGION,
          });
        }
        const ledgerKey = `${learnerId}\u0000${lab}\u0000${startedAt.getTime()}`;
        const ledger = ledgers.get(ledgerKey) ?? [];
        ledgers.set(ledgerKey, ledger);
        // Every step the learner claimed, in the lab's order: what one check notes, the next reads.
        // A check that throws (the lab's bug, or the engine gone) costs that lab's verdicts only.
        const verdicts = await checkAccount({
          def,
          target,
          steps: claimed,
          startedAt,
          ledger,
        }).catch((e: Error) => {
          log(`class server: could not verify ${lab} for learner ${learnerId}: ${e.message}`);
          return [];
        });
        for (const v of verdicts) {
          rows.push({
            learnerId,
            lab,
            step: v.step,
            verdict: v.verdict,
            evidence: v.evidence,
            at: o.now(),
          });
        }
      }
    } finally {
      target?.close();
      if (target) await ops.dropVerifier(account.accountId);
    }
    await o.store.hosted.saveVerifications(classId, rows);
  }

  let scheduled = false;
  return {
    schedule(classId, learnerId, labs) {
      const job = queued.get(learnerId) ?? { classId, labs: new Set<string>() };
      for (const l of labs) job.labs.add(l);
      queued.set(learnerId, job);
      // A check sends its steps in one request, an outbox flush in a few: wait for the rest.
      clearTimeout(timer);
      scheduled = true;
      timer = setTimeout(() => {
        scheduled = false;
        running = running.then(drain);
      }, 300);
    },
    async idle() {
      do {
        while (scheduled) await new Promise((r) => setTimeout(r, 50));
        await running;
      } while (scheduled || queued.size);
    },
  };
}
