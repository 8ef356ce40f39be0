// `::: quiz <id> [evidence]` … `:::` — a knowledge check (the format is in ../quiz.ts).
//
// Renders as a form the learner answers on the page:
//
//   <form class="lab-quiz" id="quiz-secret-once" data-quiz="secret-once" data-kind="choice">
//   <fieldset><legend>…question…</legend>
//   <label><input type="radio" name="answer" value="1"> …choice…</label> …
//   <button type="submit">Check answer</button><p class="lab-quiz-result" role="status"></p>
//   </fieldset></form>
//
// The right answers and the explanations are never rendered: a page (or its build) must not
// hand out what the runner judges (`lab serve` answers POST /api/labs/<lab>/quiz/<id>). The
// quiz's own tokens are dropped after parsing; the parsed quiz (or its problems, for the
// loader) is left on the open token's `meta.quiz` / `meta.quizProblems`.
import type { MarkdownIt, StateCore } from 'markdown-it';
import container, { metaOf } from './container.ts';
import { parseQuiz, type LabQuiz } from '../quiz.ts';
import type { LabProblem } from '../error-map.ts';

export interface QuizOptions {
  /** Class of the form. */
  className?: string;
  /** Text of the submit button. */
  submit?: string;
}

export const quizDefaults: Required<QuizOptions> = {
  className: 'lab-quiz',
  submit: 'Check answer',
};

export interface QuizMeta {
  quiz?: LabQuiz;
  /** Problems with body-relative lines (1-based) and no file; the loader completes them. */
  quizProblems?: LabProblem[];
}

export default function quizPlugin(md: MarkdownIt, options: QuizOptions = {}): void {
  const opts = { ...quizDefaults, ...options };
  const esc = md.utils.escapeHtml;

  container(md, {
    name: 'quiz',
    tag: 'form',
    render(tokens, idx) {
      const t = tokens[idx];
      if (t.nesting === -1) return '';
      const quiz = (t.meta as QuizMeta).quiz;
      return quiz ? form(quiz) : '';
    },
  });

  function form(q: LabQuiz): string {
    const id = esc(q.id);
    const [first, ...rest] = q.question.split(/\n\s*\n/);
    const multiple = q.choices.filter((c) => c.right).length > 1;
    const input =
      q.kind === 'choice'
        ? q.choices
            .map(
              (c, i) =>
                `<label class="lab-quiz-choice"><input type="${multiple ? 'checkbox' : 'radio'}" name="answer" value="${i + 1}"${multiple ? '' : ' required'}> ${md.renderInline(c.text)}</label>`,
            )
            .join('\n')
        : `<label for="quiz-${id}-answer">Your answer</label>
<input id="quiz-${id}-answer" name="answer" type="text" autocomplete="off" spellcheck="false" required>`;
    return `<form class="${esc(opts.className)}" id="quiz-${id}" data-quiz="${id}" data-kind="${q.kind}" novalidate>
<fieldset><legend><span class="lab-quiz-tag">Check your understanding</span> ${md.renderInline(first)}</legend>
${rest.length ? md.render(rest.join('\n\n')) : ''}${multiple ? '<p class="lab-quiz-multi">Choose every right answer.</p>\n' : ''}${input}
<button type="submit">${esc(opts.submit)}</button>
<div class="lab-quiz-result" role="status" aria-live="polite"></div>
</fieldset></form>\n`;
  }

  // Parse each quiz from its source lines, then drop the tokens inside it: they hold the
  // right answers and explanations, which must not reach the page.
  md.core.ruler.push('lab_quiz', (state: StateCore) => {
    const lines = state.src.split(/\r?\n/);
    const out = [];
    for (let i = 0; i < state.tokens.length; i++) {
      const t = state.tokens[i];
      out.push(t);
      if (t.type !== 'container_quiz_open') continue;
      const m = metaOf(t);
      const start = t.map![0];
      const { quiz, problems } = parseQuiz(
        t.info,
        lines.slice(start + 1, m.closeLine),
        '',
        start + 1,
      );
      Object.assign(t.meta as object, { quiz, quizProblems: problems } satisfies QuizMeta);
      let j = i + 1;
      while (
        j < state.tokens.length &&
        !(state.tokens[j].type === 'container_quiz_close' && state.tokens[j].level === t.level)
      )
        j++;
      i = j - 1; // the close token is pushed next round
    }
    state.tokens = out;
  });
}
