// Every answer a learner gives to a knowledge check, kept in the progress store like check
// results: the first try's result, the attempts, and when it was answered right.
import { tx, iso, type Store } from '../store/db.ts';

export interface QuizStanding {
  quiz: string;
  attempts: number;
  /** Right at the first try. */
  firstTry: boolean;
  /** Answered right (at any try). */
  right: boolean;
  /** When first answered right (ISO). */
  rightAt: string | null;
}

export function recordAnswer(
  db: Store,
  a: { lab: string; quiz: string; answer: string; correct: boolean; at?: Date },
): void {
  tx(db, () =>
    db
      .prepare('INSERT INTO quiz_answers (lab, quiz, answer, correct, at) VALUES (?, ?, ?, ?, ?)')
      .run(a.lab, a.quiz, a.answer, a.correct ? 1 : 0, iso(a.at ?? new Date())),
  );
}

/** Each answered quiz of `lab`, in the order of their first answer. */
export function quizStandings(db: Store, lab: string): QuizStanding[] {
  const rows = db
    .prepare('SELECT quiz, correct, at FROM quiz_answers WHERE lab = ? ORDER BY id')
    .all(lab) as { quiz: string; correct: number; at: string }[];
  const by = new Map<string, QuizStanding>();
  for (const r of rows) {
    let s = by.get(r.quiz);
    if (!s) {
      s = { quiz: r.quiz, attempts: 0, firstTry: r.correct === 1, right: false, rightAt: null };
      by.set(r.quiz, s);
    }
    s.attempts++;
    if (r.correct && !s.right) {
      s.right = true;
      s.rightAt = r.at;
    }
  }
  return [...by.values()];
}
