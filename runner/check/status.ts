// `lab status`: every lab, its latest run, and the latest result of each step.
import { existsSync } from 'node:fs';
import type { Env } from '../paths.ts';
import type { StepStatus } from '../lab/define.ts';
import { listLabs, labsRoot } from '../lab/index.ts';
import { openStore, progressSummary, storePath, type LabProgress } from '../store/index.ts';
import { quizStandings, type QuizStanding } from '../quiz/record.ts';

export interface LabStatus {
  lab: string;
  title: string;
  run: LabProgress['run'];
  steps: {
    id: string;
    status: StepStatus | null;
    evidence: string | null;
    hint: string | null;
    at: string | null;
  }[];
  /** The lab's knowledge checks and the learner's standing on each (null: not answered). */
  quizzes: { id: string; after: string | null; standing: QuizStanding | null }[];
}

export async function labStatus(o: {
  home: string;
  env?: Env;
  labsDir?: string;
}): Promise<LabStatus[]> {
  const labs = await listLabs(labsRoot(o.labsDir, o.env));
  let progress: LabProgress[] = [];
  const standings = new Map<string, QuizStanding[]>();
  // No store yet (nothing started): every lab is simply not started; do not create one to say so.
  if (existsSync(storePath(o.home))) {
    const store = openStore(o.home);
    try {
      progress = progressSummary(store);
      for (const lab of labs) standings.set(lab.id, quizStandings(store, lab.id));
    } finally {
      store.close();
    }
  }
  return labs.map((lab) => {
    const p = progress.find((x) => x.lab === lab.id);
    return {
      lab: lab.id,
      title: lab.meta.title,
      run: p?.run ?? null,
      steps: lab.steps.map((s) => {
        const r = p?.steps.find((x) => x.step === s.id);
        return {
          id: s.id,
          status: r?.status ?? null,
          evidence: r?.evidence ?? null,
          hint: r?.hint ?? null,
          at: r?.at ?? null,
        };
      }),
      quizzes: lab.quizzes.map((q) => ({
        id: q.id,
        after: q.after ?? null,
        standing: standings.get(lab.id)?.find((s) => s.quiz === q.id) ?? null,
      })),
    };
  });
}
