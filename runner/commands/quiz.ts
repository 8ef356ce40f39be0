import { defineCommand } from 'citty';
import { LabError } from '../errors.ts';
import { labsRoot } from '../lab/paths.ts';
import { labHome } from '../paths.ts';
import { targetArgs } from '../target/args.ts';
import { color, printJson } from '../ui.ts';

// `lab quiz <lab> [question]`: the lab's knowledge checks in the terminal. In a terminal
// without --answer it asks each question not yet answered right, one after the other; with
// --answer (scripts, or one question) it judges that answer. The runner judges: the page and
// this command give the same verdicts, recorded in the same place.
export default defineCommand({
  meta: { name: 'quiz', description: "Answer a lab's knowledge-check questions" },
  args: {
    lab: { type: 'positional', required: true, description: 'Lab id, e.g. day42' },
    question: {
      type: 'positional',
      required: false,
      description: 'Question id, e.g. secret-once (default: every question not answered right yet)',
    },
    answer: {
      type: 'string',
      description:
        'Answer without a prompt: choice number(s) like 2 or 1,3, or the text to give (needs the question)',
    },
    labs: {
      type: 'string',
      description: 'Folder holding the labs (default: the repository labs/)',
    },
    json: {
      type: 'boolean',
      description:
        'Print one JSON object: with --answer {lab, quiz, correct, feedback, explain, attempts, firstTry}; without, {lab, questions:[{id, kind, after, question, choices, multiple, attempts, firstTry, right}]}',
    },
    ...targetArgs,
  },
  async run({ args }) {
    const { findLab } = await import('../lab/index.ts');
    const { answerQuiz, findQuiz, quizStandings } = await import('../quiz/index.ts');
    const { openStore } = await import('../store/index.ts');
    const { publishQuizAnswer } = await import('../class/outbox.ts');
    const { markdownToTerminal } = await import('../lab/terminal.ts');
    const home = labHome(process.env);
    const lab = await findLab(args.lab, labsRoot(args.labs));
    if (args.question) findQuiz(lab, args.question);
    if (args.answer !== undefined && !args.question) {
      throw new LabError(
        'usage',
        '--answer needs the question it answers.',
        `Example: lab quiz ${lab.id} ${lab.quizzes[0]?.id ?? '<question>'} --answer 2`,
      );
    }
    const target = async () => {
      const { resolveTarget } = await import('../target/index.ts');
      return resolveTarget({
        target: args.target,
        profile: args.profile,
        region: args.region,
        env: process.env,
        home,
      });
    };
    const answer = (quiz: string, given: string) =>
      answerQuiz({
        lab,
        quiz,
        answer: given,
        home,
        env: process.env,
        labsDir: args.labs,
        target,
        publish: (r) => publishQuizAnswer(home, r),
      });
    const standings = () => {
      const db = openStore(home);
      try {
        return quizStandings(db, lab.id);
      } finally {
        db.close();
      }
    };

    if (args.answer !== undefined) {
      const r = await answer(args.question!, args.answer);
      if (args.json) {
        printJson({
          lab: r.lab,
          quiz: r.quiz,
          correct: r.correct,
          feedback: r.feedback,
          explain: r.explain ?? null,
          attempts: r.standing.attempts,
          firstTry: r.standing.firstTry,
        });
      } else printJudgement(r, markdownToTerminal);
      process.exitCode = r.correct ? 0 : 1;
      return;
    }

    const quizzes = args.question ? [findQuiz(lab, args.question)] : lab.quizzes;
    const mine = new Map(standings().map((s) => [s.quiz, s]));
    const interactive = process.stdin.isTTY && process.stdout.isTTY && !args.json;
    if (!interactive) {
      const questions = quizzes.map((q) => ({
        id: q.id,
        kind: q.kind,
        after: q.after ?? null,
        question: q.question,
        choices: q.choices.map((c) => c.text),
        multiple: q.choices.filter((c) => c.right).length > 1,
        attempts: mine.get(q.id)?.attempts ?? 0,
        firstTry: mine.get(q.id)?.firstTry ?? null,
        right: mine.get(q.id)?.right ?? false,
      }));
      if (args.json) {
        printJson({ lab: lab.id, questions });
        return;
      }
      console.log(color.bold(`${lab.id} — knowledge checks`));
      for (const q of questions) {
        const state = q.right
          ? color.green(
              `answered right${q.firstTry ? ' at the first try' : ` (${q.attempts} tries)`}`,
            )
          : q.attempts
            ? color.yellow(`not right yet (${q.attempts} tries)`)
            : color.dim('not answered');
        console.log(
          `\n${color.bold(q.id)} ${color.dim(q.after ? `(after ${q.after})` : '')} ${state}`,
        );
        console.log(markdownToTerminal(q.question).trimEnd());
        q.choices.forEach((c, i) => console.log(`  ${i + 1}. ${markdownToTerminal(c).trim()}`));
      }
      console.log(
        `\nAnswer one: lab quiz ${lab.id} <question> --answer <number(s) or text>${lab.quizzes.length ? ` (e.g. lab quiz ${lab.id} ${lab.quizzes[0].id} --answer 1)` : ''}.`,
      );
      return;
    }

    // Interactive: each question not answered right yet, asked until right or skipped.
    const p = await import('@clack/prompts');
    const todo = quizzes.filter((q) => args.question || !mine.get(q.id)?.right);
    if (todo.length === 0) {
      console.log(
        `Every question of ${lab.id} is answered right. \`lab status ${lab.id}\` shows how.`,
      );
      return;
    }
    p.intro(`${lab.id}: ${todo.length} question${todo.length === 1 ? '' : 's'}`);
    let skipped = 0;
    for (const q of todo) {
      const title = markdownToTerminal(q.question).trim();
      const multiple = q.choices.filter((c) => c.right).length > 1;
      for (;;) {
        const options = q.choices.map((c, i) => ({
          value: String(i + 1),
          label: markdownToTerminal(c.text).trim(),
        }));
        const given =
          q.kind === 'choice'
            ? multiple
              ? await p.multiselect({
                  message: `${title}\n(choose every right answer)`,
                  options,
                  required: true,
                })
              : await p.select({ message: title, options })
            : await p.text({ message: title, placeholder: 'your answer' });
        if (p.isCancel(given)) {
          skipped++;
          p.log.info(`Skipped ${q.id}.`);
          break;
        }
        let r;
        try {
          r = await answer(q.id, Array.isArray(given) ? given.join(',') : String(given));
        } catch (e) {
          if (e instanceof LabError && e.code === 'quiz_not_yet') {
            p.log.warn(`${e.message} ${e.hint ?? ''}`);
            skipped++;
            break;
          }
          throw e;
        }
        if (r.correct) {
          p.log.success(
            [
              'Right.',
              markdownToTerminal(r.feedback).trim(),
              markdownToTerminal(r.explain ?? '').trim(),
            ]
              .filter(Boolean)
              .join('\n'),
          );
          break;
        }
        p.log.error(markdownToTerminal(r.feedback).trim());
      }
    }
    p.outro(skipped ? `${skipped} skipped: \`lab quiz ${lab.id}\` asks them again.` : 'Done.');
  },
});

function printJudgement(
  r: { correct: boolean; feedback: string; explain?: string; quiz: string },
  md: (s: string) => string,
) {
  console.log(r.correct ? color.green(`✓ ${r.quiz}: right`) : color.red(`✗ ${r.quiz}: not right`));
  if (r.feedback) console.log(md(r.feedback).trimEnd());
  if (r.explain) console.log(md(r.explain).trimEnd());
}
