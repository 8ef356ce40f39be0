// A lab's own step checks, run by the class server against a learner's hosted account
// (server-verify.ts). The same code that gives the learner their verdict gives the server its
// word on what the learner reported: no second copy of the rules. Each step says where its
// evidence lives (the SDK's `evidence`): 'account' steps are proven or contradicted by the
// account; 'local' steps (CLI profiles on the learner's machine) are self-reported; a 'mixed'
// step is run, so its account part can contradict a claim, and when it reaches the local part
// the account part is done and the rest is self-reported.
import type { StepVerdict } from '../lab/define.ts';
import type { CheckContext } from '../check/context.ts';
import { systemClock } from '../check/context.ts';
import type { RunnableLab } from '../check/load.ts';
import type { LedgerEntry, LedgerKind } from '../store/index.ts';
import type { Target } from '../target/index.ts';
import { LocalEvidenceElsewhere } from '../target/account.ts';
import type { Verification } from './report.ts';

export interface AccountVerdict {
  step: string;
  verdict: Verification;
  evidence: string;
}

const WHERE = "on the learner's machine (their AWS CLI files), which the server cannot read";
export const LOCAL_EVIDENCE = `its evidence is ${WHERE}`;

/**
 * The server's verdict on each of `steps` (in the lab's order, so what one check remembers
 * reaches the next). `ledger` persists between passes for this learner and lab: the checks'
 * notes of what they saw (a bucket's object before it was deleted) stay proof later.
 */
export async function checkAccount(o: {
  def: RunnableLab;
  target: Target;
  steps: string[];
  /** The run's start as the server knows it: the account's creation or its last reset. */
  startedAt: Date;
  ledger: LedgerEntry[];
}): Promise<AccountVerdict[]> {
  const cache = new Map<string, Promise<unknown>>();
  const ctx: CheckContext = {
    lab: o.def.id,
    target: o.target,
    clients: o.target.clients,
    run: { id: 0, startedAt: o.startedAt, baseline: {} },
    clock: systemClock,
    memo: <T>(key: string, fn: () => Promise<T>) => {
      if (!cache.has(key)) cache.set(key, fn());
      return cache.get(key) as Promise<T>;
    },
    ledger: (kind?: LedgerKind) => o.ledger.filter((e) => !kind || e.kind === kind),
    remember: (kind, resourceId, details = {}) => {
      const had = o.ledger.find((e) => e.kind === kind && e.resourceId === resourceId);
      if (had) Object.assign(had.details, details);
      else
        o.ledger.push({
          id: o.ledger.length + 1,
          runId: 0,
          kind,
          resourceId,
          details: { ...details },
          createdBy: 'learner',
          createdAt: new Date().toISOString(),
          removedAt: null,
        });
    },
  };
  const out: AccountVerdict[] = [];
  for (const [step, s] of Object.entries(o.def.steps)) {
    if (!o.steps.includes(step)) continue;
    if (s.evidence === 'local') {
      out.push({ step, verdict: 'self-reported', evidence: LOCAL_EVIDENCE });
      continue;
    }
    let v: StepVerdict;
    try {
      v = await s.check(ctx);
    } catch (e) {
      if (!(e instanceof LocalEvidenceElsewhere)) throw e;
      // The check got past every account test it makes before this point (a failing one
      // returns early), so the account agrees so far; the rest cannot be seen from here.
      out.push({
        step,
        verdict: 'self-reported',
        evidence: `its account part is in the account; the rest is ${WHERE}`,
      });
      continue;
    }
    const denied = o.target.runnerDenial();
    if (denied) throw denied;
    out.push(
      v.status === 'passed'
        ? { step, verdict: 'verified', evidence: v.evidence ?? 'the account shows it' }
        : {
            step,
            verdict: 'contradicted',
            evidence: `the account shows: ${v.evidence ?? v.status}`,
          },
    );
  }
  return out;
}
