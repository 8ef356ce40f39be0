// The right answer to a question about the learner's own run (`::: quiz <id> evidence`): the
// lab's `quiz.<id>` function reads the account as a check does, in the lab's current run.
import { LabError } from '../errors.ts';
import { loadDefinition } from '../check/load.ts';
import { systemClock, type CheckContext } from '../check/context.ts';
import { checkContext } from '../check/engine.ts';
import { currentRun, latestRun, openStore } from '../store/index.ts';
import type { Target } from '../target/index.ts';
import type { Env } from '../paths.ts';
import { notYet, type QuizEvidence } from '../sdk/quiz.ts';

export async function evidenceAnswer(o: {
  lab: string;
  quiz: string;
  target: Target;
  home: string;
  env: Env;
  labsDir?: string;
}): Promise<QuizEvidence> {
  const def = await loadDefinition(o.lab, { labsDir: o.labsDir, env: o.env });
  const fn = (def.quiz as Record<string, (ctx: CheckContext) => Promise<QuizEvidence>>)?.[o.quiz];
  if (typeof fn !== 'function') {
    throw new LabError(
      'bad_lab',
      `Lab ${o.lab}: README.md's quiz ${o.quiz} takes its answer from lab.ts, which has no quiz.${o.quiz}.`,
      'Run `lab dev check` for the line and a fix.',
    );
  }
  const store = openStore(o.home);
  try {
    const run =
      currentRun(store, o.lab, o.target.kind, o.target.accountId) ??
      latestRun(store, o.lab, o.target.kind, o.target.accountId);
    if (!run)
      return notYet(
        `This question is about your own run: start the lab first (lab start ${o.lab}).`,
      );
    const ctx = checkContext({ lab: o.lab, target: o.target, store, run, clock: systemClock });
    const r = await fn(ctx);
    const ok =
      r &&
      (('accept' in r && Array.isArray(r.accept) && r.accept.every((a) => typeof a === 'string')) ||
        ('notYet' in r && typeof r.notYet === 'string'));
    if (!ok) {
      throw new LabError(
        'bad_lab',
        `Lab ${o.lab}: quiz.${o.quiz} in lab.ts returned something else than answer(…) or notYet(…).`,
        'Return answer(...accepted) or notYet("do step X first") from the lab SDK.',
      );
    }
    return r;
  } finally {
    store.close();
  }
}
