// Knowledge checks at run time: find a lab's quiz, judge an answer (computing the answer of a
// question about the learner's own run from the account), record it like a check result, and
// hand it to the class. `lab quiz` and `lab serve` share this; neither judges on its own.
import { LabError } from '../errors.ts';
import type { Lab, LabQuiz } from '../lab/load.ts';
import type { Env } from '../paths.ts';
import type { Target } from '../target/index.ts';
import { openStore } from '../store/index.ts';
import { judge, parseAnswer, type Judgement, type QuizAnswer } from './judge.ts';
import { recordAnswer, quizStandings, type QuizStanding } from './record.ts';

export { judge, parseAnswer, type Judgement, type QuizAnswer } from './judge.ts';
export { quizStandings, type QuizStanding } from './record.ts';

/** The quiz `id` of `lab`, or a LabError naming the lab's quizzes. */
export function findQuiz(lab: Lab, id: string): LabQuiz {
  const q = lab.quizzes.find((x) => x.id === id);
  if (q) return q;
  throw new LabError(
    'unknown_quiz',
    `Lab ${lab.id} has no question "${id}".`,
    lab.quizzes.length
      ? `Its questions: ${lab.quizzes.map((x) => x.id).join(', ')}.`
      : 'This lab has no questions.',
  );
}

export interface AnswerOptions {
  lab: Lab;
  quiz: string;
  answer: string | string[] | number[];
  home: string;
  env: Env;
  /** Needed for questions about the learner's own run (their account holds the answer). */
  target?: () => Promise<Target>;
  labsDir?: string;
  /** Send the answer to the class the lab home joined (default: yes). */
  publish?: (r: {
    lab: string;
    quiz: string;
    answer: string;
    correct: boolean;
  }) => Promise<unknown>;
}

export interface Answered extends Judgement {
  lab: string;
  quiz: string;
  /** The learner's standing on this question after this answer. */
  standing: QuizStanding;
}

/** Judge, record and publish one answer. A question whose evidence is not there yet throws. */
export async function answerQuiz(o: AnswerOptions): Promise<Answered> {
  const quiz = findQuiz(o.lab, o.quiz);
  const answer: QuizAnswer = parseAnswer(quiz, o.answer);
  let evidence;
  if (quiz.kind === 'evidence') {
    if (!o.target) throw new Error('an evidence question needs a target');
    const { evidenceAnswer } = await import('./evidence.ts');
    evidence = await evidenceAnswer({
      lab: o.lab.id,
      quiz: quiz.id,
      target: await o.target(),
      home: o.home,
      env: o.env,
      labsDir: o.labsDir,
    });
  }
  const j = judge(quiz, answer, evidence);
  const db = openStore(o.home);
  let standing: QuizStanding;
  try {
    recordAnswer(db, { lab: o.lab.id, quiz: quiz.id, answer: j.answerText, correct: j.correct });
    standing = quizStandings(db, o.lab.id).find((s) => s.quiz === quiz.id)!;
  } finally {
    db.close();
  }
  await o.publish?.({ lab: o.lab.id, quiz: quiz.id, answer: j.answerText, correct: j.correct });
  return { ...j, lab: o.lab.id, quiz: quiz.id, standing };
}
