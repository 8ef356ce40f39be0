import { defineCommand } from 'citty';
import { labHome } from '../paths.ts';
import { color } from '../ui.ts';
import { cleanedSummary } from '../check/format.ts';
import { LabError } from '../errors.ts';

export default defineCommand({
  meta: { name: 'status', description: "Each lab's progress per step, and its current run" },
  args: {
    lab: { type: 'positional', description: 'Only this lab (default: every lab)', required: false },
    json: {
      type: 'boolean',
      description: 'Print one JSON object: {labs:[{lab,title,run,steps,quizzes}]}',
    },
  },
  async run({ args }) {
    const { labStatus } = await import('../check/status.ts');
    let labs = await labStatus({ home: labHome(process.env), env: process.env });
    if (args.lab) {
      labs = labs.filter((l) => l.lab === args.lab);
      if (!labs.length) {
        throw new LabError(
          'unknown_lab',
          `"${args.lab}" is not a lab id.`,
          'See the labs with `lab list`.',
        );
      }
    }
    if (args.json) {
      console.log(JSON.stringify({ labs }));
      return;
    }
    if (!labs.length) {
      console.log('No labs found. See `lab list`.');
      return;
    }
    const mark = {
      passed: color.green('✔'),
      failed: color.red('✘'),
      pending: color.yellow('…'),
      'not-tried': color.dim('○'),
    };
    for (const l of labs) {
      const done = l.steps.filter((s) => s.status === 'passed').length;
      const run = l.run
        ? `run ${l.run.id} on ${l.run.target} (account ${l.run.accountId}), started ${l.run.startedAt.slice(0, 16).replace('T', ' ')} UTC, ${l.run.status}`
        : 'not started';
      console.log(`${color.bold(l.lab)}  ${l.title}  ${done}/${l.steps.length}  ${color.dim(run)}`);
      if (l.run?.status === 'cleaned') {
        // The account no longer holds what these results talk about: no stale evidence or hints.
        console.log(`  ${cleanedSummary(l.steps)}`);
        continue;
      }
      const width = Math.max(12, ...l.steps.map((s) => s.id.length));
      for (const s of l.steps) {
        const m = s.status ? mark[s.status] : color.dim('·');
        const detail =
          s.status === 'passed'
            ? s.evidence
            : s.status === 'not-tried'
              ? `not tried yet${s.hint ? ` — ${s.hint}` : ''}`
              : s.status
                ? (s.hint ?? s.evidence)
                : 'not checked yet';
        console.log(`  ${m} ${s.id.padEnd(width)} ${color.dim(detail ?? '')}`);
      }
      if (l.quizzes.length) {
        const answered = l.quizzes.filter((q) => q.standing?.right);
        const first = answered.filter((q) => q.standing?.firstTry).length;
        console.log(
          `  ${color.bold('?')} ${'questions'.padEnd(width)} ${color.dim(
            `${answered.length}/${l.quizzes.length} answered right (${first} at the first try)` +
              (answered.length < l.quizzes.length ? ` — \`lab quiz ${l.lab}\` asks the rest` : ''),
          )}`,
        );
      }
    }
  },
});
