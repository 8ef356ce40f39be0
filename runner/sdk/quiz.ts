// What a lab.ts returns for a `::: quiz <id> evidence` question: the accepted answers, read
// from the learner's own run, or why the question cannot be answered yet.
export type QuizEvidence = { accept: string[] } | { notYet: string };

/** The right answer(s) to an evidence question; any of them is accepted. */
export const answer = (...accepted: string[]): QuizEvidence => ({
  accept: accepted.filter((a) => a.trim() !== ''),
});

/** The run holds no answer yet: say which step to do first. */
export const notYet = (why: string): QuizEvidence => ({ notYet: why });
