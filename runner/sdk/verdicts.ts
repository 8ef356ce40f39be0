// What a check returns. Use these instead of writing the object by hand: the fields are the
// contract (validated by the runner; a wrong shape names the lab, the step and lab.ts:line).
import type { StepVerdict } from '../lab/define.ts';

/** The step is done; `evidence` says what in the account proves it (one line, no secrets). */
export const passed = (evidence: string): StepVerdict => ({ status: 'passed', evidence });

/** Not done: what was expected, what was found instead, and what to do next. */
export const failed = (v: { expected: string; evidence: string; hint: string }): StepVerdict => ({
  status: 'failed',
  ...v,
});

/** Nothing shows the learner tried the step yet (shown "not tried yet", not as a failure). */
export const notTried = (v: {
  expected: string;
  hint: string;
  evidence?: string;
}): StepVerdict => ({
  status: 'not-tried',
  evidence: v.evidence ?? 'nothing yet',
  expected: v.expected,
  hint: v.hint,
});

/** Not decidable yet (e.g. CloudTrail has not delivered the event): `lab check --watch` waits. */
export const pending = (v: {
  evidence: string;
  expected?: string;
  hint?: string;
}): StepVerdict => ({
  status: 'pending',
  ...v,
});
