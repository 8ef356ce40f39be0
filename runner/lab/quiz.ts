// Knowledge checks in the lab format: `::: quiz <id>` blocks in README.md. A quiz is a
// question, then either choices (a task list: `- [x]` right, `- [ ]` wrong, each optionally
// followed by indented lines saying why) or, without choices, accepted answers in
// `::: accept` (one per line) — or, with `::: quiz <id> evidence`, an answer lab.ts computes
// from the learner's own run. `::: explain` holds what the learner reads once they are right.
//
//   ::: quiz secret-once
//   Can you look up a secret access key again later?
//
//   - [ ] Yes, with `aws iam list-access-keys`
//     It lists key ids and their status; never a secret.
//   - [x] No: AWS shows it once, when the key is created
//
//   ::: explain
//   Only CreateAccessKey returns the secret. Lost means: make a new key, delete the old one.
//   :::
//   :::
//
// Only the runner reads the right answers: the site renders the question and the choices,
// never which is right, nor the explanations (plugins/quiz.ts).
import type { LabProblem } from './error-map.ts';
import { ID_PATTERN } from './schema.ts';

export interface QuizChoice {
  /** Markdown of the choice (one line). */
  text: string;
  right: boolean;
  /** Markdown: why this choice is wrong (or right), shown after it is picked. */
  why: string;
}

export interface LabQuiz {
  id: string;
  /** `choice`: pick from the choices; `text`: type one of `accept`; `evidence`: lab.ts computes it. */
  kind: 'choice' | 'text' | 'evidence';
  /** Markdown of the question. */
  question: string;
  choices: QuizChoice[];
  /** Accepted free-text answers (compared without case and surrounding space). */
  accept: string[];
  /** Markdown shown once answered right. */
  explain: string;
  /** The step the quiz follows in README.md (undefined before the first step). */
  after?: string;
  /** File line of the `::: quiz` marker (1-based). */
  line: number;
  /** The author's `<!-- … -->` notes in the block (where each fact comes from); never shown. */
  sources: string[];
}

const CHOICE = /^\s{0,3}[-*]\s+\[( |x|X)\]\s+(.*)$/;
const INNER = /^:{3,}\s*(explain|accept)\s*$/;

/**
 * Read one quiz from its marker's params and the lines between its opener and closer.
 * `line0` is the file line (1-based) of the opener. Problems carry file lines.
 */
export function parseQuiz(
  params: string,
  inner: string[],
  file: string,
  line0: number,
): { quiz?: LabQuiz; problems: LabProblem[] } {
  const problems: LabProblem[] = [];
  const problem = (line: number, message: string, fix: string) =>
    problems.push({ file, line, message, fix });
  const [id = '', ...flags] = params.split(/\s+/).filter(Boolean);
  if (!id) {
    problem(line0, '`::: quiz` has no id', 'give it one, like `::: quiz secret-once`');
    return { problems };
  }
  if (!ID_PATTERN.test(id)) {
    problem(
      line0,
      `quiz id \`${id}\` is not a valid id`,
      'use lowercase letters, digits and single hyphens, like `secret-once`',
    );
    return { problems };
  }
  const unknown = flags.filter((f) => f !== 'evidence');
  if (unknown.length) {
    problem(
      line0,
      `\`::: quiz ${id}\` has an unknown word \`${unknown[0]}\``,
      'the only word allowed after the id is `evidence` (its answer comes from lab.ts)',
    );
  }
  // `<!-- … -->` notes (the sources of the facts) are for authors and reviewers only.
  const sources: string[] = [];
  const joined = inner.join('\n').replace(/<!--([\s\S]*?)-->/g, (c, note: string) => {
    sources.push(note.trim());
    return c.replace(/[^\n]/g, ''); // keep the line count, so lines stay right
  });
  inner = joined.split('\n');
  const question: string[] = [];
  const choices: QuizChoice[] = [];
  const blocks: Record<'explain' | 'accept', string[]> = { explain: [], accept: [] };
  for (let i = 0; i < inner.length; i++) {
    const text = inner[i];
    const at = line0 + 1 + i;
    const block = INNER.exec(text.trim());
    if (block) {
      const name = block[1] as 'explain' | 'accept';
      const end = inner.findIndex((l, k) => k > i && /^:{3,}\s*$/.test(l.trim()));
      if (end < 0) {
        problem(at, `\`::: ${name}\` is never closed`, 'add a line `:::` where it ends');
        break;
      }
      blocks[name].push(...inner.slice(i + 1, end));
      i = end;
      continue;
    }
    const choice = CHOICE.exec(text);
    if (choice) {
      choices.push({ text: choice[2].trim(), right: choice[1] !== ' ', why: '' });
      continue;
    }
    if (choices.length && (/^\s{2,}\S/.test(text) || text.trim() === '')) {
      const last = choices.at(-1)!;
      last.why = (last.why ? `${last.why}\n` : '') + text.trim();
      continue;
    }
    if (choices.length) {
      problem(
        at,
        `quiz \`${id}\` has text after its choices`,
        'indent it under the choice it explains, or move it into `::: explain`',
      );
      continue;
    }
    if (/^:{3,}/.test(text.trim())) {
      problem(
        at,
        `\`${text.trim()}\` is not allowed in a quiz`,
        'a quiz holds a question, choices, `::: explain` and `::: accept`',
      );
      continue;
    }
    question.push(text);
  }
  for (const c of choices) c.why = c.why.trim();
  const accept = blocks.accept.map((l) => l.trim()).filter(Boolean);
  const evidence = flags.includes('evidence');
  const kind = evidence ? 'evidence' : choices.length ? 'choice' : 'text';
  const q = question.join('\n').trim();
  if (!q) problem(line0, `quiz \`${id}\` has no question`, 'write the question first');
  if (kind === 'choice') {
    if (choices.length < 2) {
      problem(line0, `quiz \`${id}\` has one choice`, 'give at least two choices');
    }
    if (!choices.some((c) => c.right)) {
      problem(
        line0,
        `quiz \`${id}\` has no right choice`,
        'mark the right one(s) with `- [x]`, the others with `- [ ]`',
      );
    }
    if (accept.length) {
      problem(line0, `quiz \`${id}\` has both choices and \`::: accept\``, 'keep one of them');
    }
  }
  if (kind === 'text' && !accept.length) {
    problem(
      line0,
      `quiz \`${id}\` has neither choices nor accepted answers`,
      'add choices (`- [x] …`, `- [ ] …`), a `::: accept` block, or write `::: quiz ' +
        id +
        ' evidence` and compute the answer in lab.ts',
    );
  }
  if (evidence && (choices.length || accept.length)) {
    problem(
      line0,
      `evidence quiz \`${id}\` lists answers in README.md`,
      'its answer comes from lab.ts (`quiz.' + id + '`): remove the choices and `::: accept`',
    );
  }
  if (problems.length) return { problems };
  return {
    quiz: {
      id,
      kind,
      question: q,
      choices,
      accept,
      explain: blocks.explain.join('\n').trim(),
      line: line0,
      sources,
    },
    problems,
  };
}

/** Compare free-text answers as people type them: case, spaces and a final full stop aside. */
export function sameAnswer(a: string, b: string): boolean {
  const norm = (s: string) =>
    s
      .normalize('NFKC')
      .trim()
      .replace(/[.!]+$/, '')
      .replace(/\s+/g, ' ')
      .toLowerCase();
  return norm(a) === norm(b);
}
