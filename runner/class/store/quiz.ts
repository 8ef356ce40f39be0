// Knowledge-check answers as the class received them: results marked `quiz` (schema.ts), read
// back in the order each learner gave them, for the report's per-question figures.
import type { Sql } from './sql.ts';

export interface QuizAnswerRow {
  learnerId: string;
  quiz: string;
  correct: boolean;
  answer: string;
  at: number;
}

export async function quizAnswers(
  sql: Sql,
  classId: string,
  lab: string,
): Promise<QuizAnswerRow[]> {
  const rows = await sql.arrays<[string, string, string, string | null, number | string]>(
    `SELECT learner_id, step, status, evidence, at FROM results
     WHERE class_id = ? AND lab = ? AND quiz = 1 ORDER BY learner_id, step, at, idem_key`,
    [classId, lab],
  );
  return rows.map((r) => ({
    learnerId: r[0],
    quiz: r[1],
    correct: r[2] === 'passed',
    answer: r[3] ?? '',
    at: Number(r[4]),
  }));
}
