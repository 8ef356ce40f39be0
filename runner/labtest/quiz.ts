// `lab test` proves a lab's knowledge checks after its solve, before its cleanup: every right
// answer is accepted; every wrong choice is refused and says why; a text question refuses a
// wrong answer; a question about the learner's own run is answered right from the solve's own
// run. One verdict per question.
import { findLab, labsRoot } from '../lab/index.ts';
import { judge, type QuizAnswer } from '../quiz/judge.ts';
import { evidenceAnswer } from '../quiz/evidence.ts';
import type { LabQuiz } from '../lab/quiz.ts';
import type { Target } from '../target/index.ts';
import type { Env } from '../paths.ts';

export interface QuizProof {
  phase: string;
  ok: boolean;
  detail: string;
}

const WRONG_TEXT = 'certainly-not-the-answer';

export async function proveQuizzes(o: {
  lab: string;
  labsDir?: string;
  home: string;
  env: Env;
  target: Target;
}): Promise<QuizProof[]> {
  const lab = await findLab(o.lab, labsRoot(o.labsDir, o.env));
  const out: QuizProof[] = [];
  for (const q of lab.quizzes) {
    const problems = await prove(q, o);
    out.push({
      phase: `quiz ${q.id}`,
      ok: problems.length === 0,
      detail: problems.length ? problems.join('; ') : passedDetail(q),
    });
  }
  return out;
}

function passedDetail(q: LabQuiz): string {
  if (q.kind === 'choice') {
    const wrong = q.choices.filter((c) => !c.right).length;
    return `the right answer accepted, ${wrong} wrong choice(s) refused with their why`;
  }
  return q.kind === 'evidence'
    ? "answered right from this run's evidence, a wrong answer refused"
    : `${q.accept.length} accepted form(s) accepted, a wrong answer refused`;
}

async function prove(
  q: LabQuiz,
  o: { lab: string; labsDir?: string; home: string; env: Env; target: Target },
): Promise<string[]> {
  const problems: string[] = [];
  const right = (a: QuizAnswer, label: string, ev?: Parameters<typeof judge>[2]) => {
    if (!judge(q, a, ev).correct) problems.push(`${label} is refused`);
  };
  const wrong = (a: QuizAnswer, label: string, ev?: Parameters<typeof judge>[2]) => {
    if (judge(q, a, ev).correct) problems.push(`${label} is accepted`);
  };
  if (q.kind === 'choice') {
    const rightOnes = q.choices.flatMap((c, i) => (c.right ? [i + 1] : []));
    right(rightOnes, `the right answer (${rightOnes.join(', ')})`);
    q.choices.forEach((c, i) => {
      if (c.right) return;
      const j = judge(q, [i + 1]);
      if (j.correct) problems.push(`wrong choice ${i + 1} is accepted`);
      else if (!c.why) problems.push(`wrong choice ${i + 1} says nothing about why it is wrong`);
      else if (j.feedback !== c.why)
        problems.push(`wrong choice ${i + 1} is refused without its why`);
      // With several right answers, one wrong choice added to them must still be refused.
      if (rightOnes.length > 1)
        wrong([...rightOnes, i + 1], `the right answers plus choice ${i + 1}`);
    });
    if (rightOnes.length > 1) wrong([rightOnes[0]], `only choice ${rightOnes[0]} of several right`);
    return problems;
  }
  if (q.kind === 'text') {
    for (const a of q.accept) right(a, `the accepted answer "${a}"`);
    wrong(WRONG_TEXT, `"${WRONG_TEXT}"`);
    return problems;
  }
  const ev = await evidenceAnswer({
    lab: o.lab,
    quiz: q.id,
    target: o.target,
    home: o.home,
    env: o.env,
    labsDir: o.labsDir,
  }).catch((e) => ({ notYet: `lab.ts failed: ${(e as Error).message}` }));
  if ('notYet' in ev) return [`after the solve, its answer is still "not yet": ${ev.notYet}`];
  if (!ev.accept.length) return ['lab.ts gave no accepted answer after the solve'];
  right(ev.accept[0], `the run's own answer "${ev.accept[0]}"`, ev);
  wrong(WRONG_TEXT, `"${WRONG_TEXT}"`, ev);
  return problems;
}
