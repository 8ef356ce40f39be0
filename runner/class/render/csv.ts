// The report as CSV: one row per learner × step, flat, so a spreadsheet can
// pivot it any way the instructor likes. Times are ISO 8601 UTC.
import type { ClassReport } from '../report.ts';
import { csvLine } from './escape.ts';

const iso = (ms: number | null | undefined) => (ms == null ? '' : new Date(ms).toISOString());

export function reportCsv(report: ClassReport): string {
  let out = csvLine([
    'lab',
    'learner',
    'iam_user',
    'learner_state',
    'keys_at_risk',
    'step',
    'status',
    'passed_at',
    'attempts',
    'failures',
    'last_evidence',
    'verification',
    'last_activity',
    // Last, so readers of the older columns by position keep working.
    'account_id',
  ]);
  for (const lab of report.labs) {
    for (const l of lab.learners) {
      for (const step of lab.steps) {
        const c = l.cells[step];
        out += csvLine([
          lab.lab,
          l.name,
          l.iamUser ?? '',
          l.state === 'stuck' ? `stuck at ${l.currentStep}` : l.state,
          l.keysAtRisk ? 'yes' : 'no',
          step,
          c.status,
          iso(c.passedAt),
          c.attempts,
          c.failures,
          c.evidence ?? '',
          c.verification ?? 'self-reported',
          iso(l.lastActivity),
          l.accountId ?? '',
        ]);
      }
      // Knowledge checks: `quiz:<id>` rows; status right-first-try, right or wrong, the first
      // answer given as the evidence.
      for (const [quiz, c] of Object.entries(l.quizzes ?? {})) {
        out += csvLine([
          lab.lab,
          l.name,
          l.iamUser ?? '',
          l.state === 'stuck' ? `stuck at ${l.currentStep}` : l.state,
          l.keysAtRisk ? 'yes' : 'no',
          `quiz:${quiz}`,
          c.firstTry ? 'right-first-try' : c.right ? 'right' : 'wrong',
          '',
          c.attempts,
          c.wrong.length,
          c.firstAnswer,
          'self-reported',
          iso(l.lastActivity),
          l.accountId ?? '',
        ]);
      }
    }
    // Per question, for the whole class: learner `(class)`, the share right at the first try
    // as the status, the most common wrong answer as the evidence.
    for (const q of lab.quizzes) {
      out += csvLine([
        lab.lab,
        '(class)',
        '',
        '',
        '',
        `quiz:${q.quiz}`,
        `${q.rightFirstTry}/${q.answered} right at the first try`,
        '',
        q.answered,
        q.answered - q.rightFirstTry,
        q.commonWrong
          ? `most common wrong answer: ${q.commonWrong.answer} (×${q.commonWrong.count})`
          : '',
        '',
        '',
      ]);
    }
  }
  return out;
}
