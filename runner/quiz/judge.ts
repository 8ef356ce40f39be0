// Judging one answer to a knowledge check. The runner alone holds the right answers (the page
// and its build never do): `lab quiz` and `lab serve` both come here.
import { LabError } from '../errors.ts';
import { sameAnswer, type LabQuiz } from '../lab/quiz.ts';
import type { QuizEvidence } from '../sdk/quiz.ts';

/** Choices by 1-based number, or free text. */
export type QuizAnswer = number[] | string;

export interface Judgement {
  correct: boolean;
  /** Markdown: why the picked choice is wrong (or right), or what to try. */
  feedback: string;
  /** Markdown: the quiz's explanation, once right. */
  explain?: string;
  /** What was answered, as text (what the class sees for the "most common wrong answer"). */
  answerText: string;
}

/** Read an answer as typed (`2`, `1,3`, or text) for a quiz. Throws a usage error if it cannot fit. */
export function parseAnswer(quiz: LabQuiz, raw: string | string[] | number[]): QuizAnswer {
  if (quiz.kind !== 'choice') {
    const text = (Array.isArray(raw) ? raw.join(' ') : raw).trim();
    if (!text) throw new LabError('usage', `Quiz ${quiz.id} needs an answer.`, 'Type your answer.');
    if (text.length > 200) {
      throw new LabError('usage', `That answer is over 200 characters.`, 'Answer in a few words.');
    }
    return text;
  }
  const parts = (Array.isArray(raw) ? raw.map(String) : String(raw).split(/[\s,]+/)).filter(
    Boolean,
  );
  const picked = parts.map(Number);
  if (
    picked.length === 0 ||
    picked.some((n) => !Number.isInteger(n) || n < 1 || n > quiz.choices.length)
  ) {
    throw new LabError(
      'usage',
      `Quiz ${quiz.id} takes choice numbers from 1 to ${quiz.choices.length}${parts.length ? `, not ${parts.join(', ')}` : ''}.`,
      quiz.choices.filter((c) => c.right).length > 1
        ? 'Several may be right: give them all, like `--answer 1,3`.'
        : 'Give one number, like `--answer 2`.',
    );
  }
  return [...new Set(picked)].sort((a, b) => a - b);
}

/**
 * Judge `answer` to `quiz`. An evidence question needs what lab.ts computed from the run:
 * `notYet` there is an error for the learner (do the step first), not a wrong answer.
 */
export function judge(quiz: LabQuiz, answer: QuizAnswer, evidence?: QuizEvidence): Judgement {
  if (quiz.kind === 'choice') {
    const picked = answer as number[];
    const right = quiz.choices.flatMap((c, i) => (c.right ? [i + 1] : []));
    const correct = right.length === picked.length && right.every((n) => picked.includes(n));
    const answerText = picked.map((n) => quiz.choices[n - 1].text).join(' + ');
    const wrongPick = picked.find((n) => !quiz.choices[n - 1].right);
    const feedback = correct
      ? picked
          .map((n) => quiz.choices[n - 1].why)
          .filter(Boolean)
          .join('\n\n')
      : wrongPick && quiz.choices[wrongPick - 1].why
        ? quiz.choices[wrongPick - 1].why
        : right.length > 1
          ? `Not quite: ${right.length} of the choices are right. Try again.`
          : 'Not quite. Try again.';
    return { correct, feedback, ...(correct ? { explain: quiz.explain } : {}), answerText };
  }
  const text = answer as string;
  let accept = quiz.accept;
  if (quiz.kind === 'evidence') {
    if (!evidence) throw new Error(`evidence quiz ${quiz.id} judged without its evidence`);
    if ('notYet' in evidence) {
      throw new LabError('quiz_not_yet', evidence.notYet, 'Do that step, then answer again.');
    }
    accept = evidence.accept;
  }
  const correct = accept.some((a) => sameAnswer(a, text));
  return {
    correct,
    feedback: correct
      ? ''
      : quiz.kind === 'evidence'
        ? 'That is not what your own run shows. Look back at what the account answered you, and try again.'
        : 'Not quite. Try again.',
    ...(correct ? { explain: quiz.explain } : {}),
    answerText: text,
  };
}
