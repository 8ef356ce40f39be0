// Read the steps out of a parsed lab body and check the container structure. Every
// problem is collected with its file line, so `lab dev check` can show them all at once.
import type { Token } from 'markdown-it';
import type { LabProblem } from './error-map.ts';
import { ID_PATTERN } from './schema.ts';
import { CONTAINERS } from './markdown.ts';
import { metaOf, parseOpener } from './plugins/container.ts';
import type { QuizMeta } from './plugins/quiz.ts';
import type { LabQuiz } from './quiz.ts';

export interface LabStep {
  /** The id after `::: step`; the key of this step's check in lab.ts. */
  id: string;
  /** 1-based position in the lab. */
  index: number;
  /** Text of the step's first heading. */
  title: string;
  /** File line of the `::: step` marker (1-based). */
  line: number;
  /** Markdown source of each `::: hint` in the step, in order. */
  hints: string[];
  /** The summary written after each `::: hint` ('' when none), parallel to `hints`. */
  hintSummaries: string[];
  /** Markdown source between the step's opening and closing markers. */
  body: string;
}

const KNOWN = CONTAINERS as readonly string[];

/**
 * @param tokens  markdown-it tokens of the body
 * @param lines   the body split into lines
 * @param offset  file lines before the body (body line 0 is file line offset + 1)
 */
export function extractSteps(
  tokens: Token[],
  lines: string[],
  file: string,
  offset: number,
): { steps: LabStep[]; quizzes: LabQuiz[]; problems: LabProblem[] } {
  const problems: LabProblem[] = [];
  const fileLine = (bodyLine: number) => bodyLine + offset + 1;
  const problem = (bodyLine: number, message: string, fix: string) =>
    problems.push({ file, line: fileLine(bodyLine), message, fix });
  const slice = (t: Token) => lines.slice(t.map![0] + 1, metaOf(t).closeLine).join('\n');

  const steps: LabStep[] = [];
  const quizzes: LabQuiz[] = [];
  const seen = new Map<string, number>();
  const seenQuiz = new Map<string, number>();
  let current: LabStep | undefined;
  // Containers open around the current token, to name the parent of a misplaced step.
  const open: { marker: string; line: number }[] = [];
  // Misspelt openers whose closing `:::` has not been seen yet (that close is not stray).
  let unknownOpen = 0;

  for (const t of tokens) {
    if (t.type.startsWith('container_') && t.nesting === -1) {
      open.pop();
      if (t.type === 'container_step_close' && open.length === 0) current = undefined;
      continue;
    }
    if (t.type.startsWith('container_') && t.nesting === 1) {
      const line = t.map![0];
      const m = metaOf(t);
      const marker = lines[line].trim();
      const parent = open.at(-1);
      open.push({ marker, line: fileLine(line) });
      if (m.unclosed) {
        const nested = lines.slice(line + 1, m.closeLine).some((l) => parseOpener(l.trim()));
        problem(
          line,
          `\`${marker}\` is never closed`,
          nested
            ? 'add a line `:::` where it ends; every container inside it needs its own `:::` too'
            : 'add a line `:::` where it ends',
        );
      }
      if (m.misplaced) {
        problem(
          line,
          `\`${marker}\` is outside a \`::: variants\` block`,
          'put the `::: sandbox` and `::: aws` blocks together inside `::: variants` … `:::`',
        );
      }
      if (t.type === 'container_quiz_open') {
        const qm = t.meta as QuizMeta;
        for (const p of qm.quizProblems ?? []) {
          problems.push({ ...p, file, line: p.line + offset });
        }
        if (qm.quiz) {
          const first = seenQuiz.get(qm.quiz.id);
          if (first !== undefined) {
            problem(
              line,
              `quiz id \`${qm.quiz.id}\` is used twice (first at line ${first})`,
              'give each quiz its own id',
            );
          } else {
            seenQuiz.set(qm.quiz.id, fileLine(line));
            quizzes.push({ ...qm.quiz, line: fileLine(line), after: steps.at(-1)?.id });
          }
        }
        continue;
      }
      if (t.type === 'container_hint_open' && current) {
        current.hints.push(slice(t));
        current.hintSummaries.push(t.info);
      }
      if (t.type !== 'container_step_open') continue;

      const id = m.stepId ?? '';
      if (parent) {
        problem(
          line,
          `\`${marker}\` is inside \`${parent.marker}\` (line ${parent.line})`,
          'steps belong at the top level: close the container above with a `:::` line first',
        );
        continue;
      }
      if (!id) {
        problem(line, '`::: step` has no id', 'give it one, like `::: step create-key`');
        continue;
      }
      if (!ID_PATTERN.test(id)) {
        problem(
          line,
          `step id \`${id}\` is not a valid id`,
          'use lowercase letters, digits and single hyphens, like `create-key`',
        );
        continue;
      }
      const first = seen.get(id);
      if (first !== undefined) {
        problem(
          line,
          `step id \`${id}\` is used twice (first at line ${first})`,
          'give each step its own id',
        );
        continue;
      }
      seen.set(id, fileLine(line));
      if (!m.title) {
        problem(
          line,
          `step \`${id}\` has no title`,
          'start the step with a heading, like `## Create an access key`',
        );
      }
      current = {
        id,
        index: steps.length + 1,
        title: m.title ?? '',
        line: fileLine(line),
        hints: [],
        hintSummaries: [],
        body: slice(t),
      };
      steps.push(current);
    } else if (t.type === 'inline' && t.map) {
      // A `:::` line that no container rule took: a misspelt name or a stray closing marker.
      const at = t.map[0];
      t.content.split('\n').forEach((text, k) => {
        if (!/^:{3,}/.test(text)) return;
        const opener = parseOpener(text);
        if (opener && !KNOWN.includes(opener.name)) {
          unknownOpen++;
          problem(
            at + k,
            `unknown container \`::: ${opener.name}\``,
            `use one of: ${KNOWN.join(', ')}`,
          );
        } else if (!opener && unknownOpen > 0) {
          unknownOpen--; // the close of the misspelt container reported above
        } else if (!opener) {
          problem(
            at + k,
            'a closing `:::` has no container to close',
            'remove it, or add the opening line (like `::: hint`) above',
          );
        }
      });
    }
  }
  return { steps, quizzes, problems };
}
