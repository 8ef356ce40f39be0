// The report for a terminal: live keys first, then completion, stuck points,
// median step times, and the learners × steps grid.
import type { ClassReport, LabReport } from '../report.ts';
import { fmtDuration, fmtTime, terminalText } from './escape.ts';

type Paint = {
  red: (s: string) => string;
  green: (s: string) => string;
  bold: (s: string) => string;
  dim: (s: string) => string;
};
const plain: Paint = { red: (s) => s, green: (s) => s, bold: (s) => s, dim: (s) => s };

const safe = terminalText;

/** Names may be 80 characters; the grid cuts them at 30 so one long name cannot push every
 *  row past the terminal's width (the live-keys list above shows them whole). */
const NAME_COLUMN = 30;
function cell(name: string): string {
  const chars = [...name];
  return chars.length > NAME_COLUMN ? chars.slice(0, NAME_COLUMN - 1).join('') + '…' : name;
}

const LEGEND = 'ok passed, FAIL failed, wait pending, todo not tried, - not started';
const VERIFY_LEGEND =
  '✓v confirmed by the account (--verify, or the server of a hosted class), !v contradicted by the account, ?s self-reported (its evidence is on the learner’s machine)';
const steps = (l: LabReport['learners'][number]) => Object.values(l.cells);

export function reportTable(report: ClassReport, paint: Paint = plain): string {
  const out: string[] = [
    paint.bold(`Class ${safe(report.class.name)}`) +
      paint.dim(` (${report.class.id}, ${fmtTime(report.generatedAt)} UTC)`),
  ];
  if (report.labs.length === 0) out.push('No results yet.');
  for (const lab of report.labs) out.push('', ...labTable(lab, paint));
  return out.join('\n') + '\n';
}

function labTable(lab: LabReport, p: Paint): string[] {
  const out = [p.bold(`Lab ${lab.lab}`)];
  if (lab.keysAtRisk.length) {
    out.push(p.red(`! Lab access keys still live: ${lab.keysAtRisk.length}`));
    for (const k of lab.keysAtRisk) {
      out.push(
        p.red(
          `  - ${safe(k.name)}: ${k.since != null ? `key created ${fmtTime(k.since)} UTC` : 'key creation time not reported'} ${k.verified ? '(verified)' : '(self-reported)'}`,
        ),
      );
    }
  } else {
    out.push(p.green('No lab keys left live.'));
  }
  const waiting = lab.learners.length - lab.completion.learners;
  out.push(
    `Completion: ${lab.completion.completed}/${lab.learners.length} learners (${Math.round(lab.completion.rate * 100)}%${waiting ? ` of those who started; ${waiting} not started yet` : ''})`,
  );
  if (lab.stuck.length) {
    out.push('Stuck points:');
    for (const s of lab.stuck) {
      out.push(`  ${s.step}: ${s.learnersStuck} stuck, ${s.failedAttempts} failed attempts`);
      for (const r of s.reasons) out.push(p.dim(`    ×${r.count} ${safe(r.reason)}`));
    }
  }
  for (const q of lab.quizzes) {
    const share = q.answered ? Math.round((q.rightFirstTry / q.answered) * 100) : 0;
    out.push(
      `Question ${q.quiz}: ${q.rightFirstTry}/${q.answered} right at the first try (${share}%)` +
        (q.commonWrong
          ? `; most common wrong answer: ${safe(q.commonWrong.answer)} (×${q.commonWrong.count})`
          : ''),
    );
  }
  out.push(
    'Median time per step: ' +
      lab.steps.map((s) => `${s} ${fmtDuration(lab.medianStepMs[s])}`).join(', '),
  );
  const header = ['learner', 'state', ...lab.steps, 'last activity'];
  const rows = lab.learners.map((l) => [
    safe(cell(l.name)) +
      (l.accountId ? ` (account ${l.accountId})` : '') +
      (l.keysAtRisk ? ' [key live]' : ''),
    l.state === 'stuck' ? `stuck at ${l.currentStep}` : l.state,
    ...lab.steps.map((s) => {
      const c = l.cells[s];
      const mark = {
        passed: 'ok',
        failed: 'FAIL',
        pending: 'wait',
        'not-tried': 'todo',
        'not-started': '-',
      }[c.status];
      const v =
        c.verification === 'verified'
          ? '✓v'
          : c.verification === 'contradicted'
            ? '!v'
            : c.verification === 'self-reported'
              ? '?s'
              : '';
      return mark + v;
    }),
    fmtTime(l.lastActivity),
  ]);
  const width = (c: string) => [...c].length;
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => width(r[i]))));
  const line = (r: string[]) =>
    r
      .map((c, i) => c + ' '.repeat(widths[i] - width(c)))
      .join('  ')
      .trimEnd();
  out.push(line(header), ...rows.map(line));
  const verified = lab.learners.some((l) => steps(l).some((c) => c.verification));
  out.push(p.dim(`Marks: ${LEGEND}${verified ? `; ${VERIFY_LEGEND}` : ''}`));
  return out;
}
