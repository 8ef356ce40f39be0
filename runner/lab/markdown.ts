// The one Markdown parser for labs, shared by the runner (`lab hint`, `lab dev check`) and
// the site (lab pages). Everything a lab page shows is decided here, so the terminal and
// the browser can never disagree about what a step is.
import MarkdownItParser, { type MarkdownIt } from 'markdown-it';
import stepPlugin, { type StepOptions } from './plugins/step.ts';
import hintPlugin, { type HintOptions } from './plugins/hint.ts';
import variantsPlugin, { type VariantsOptions } from './plugins/variants.ts';
import expectedPlugin, { type ExpectedOptions } from './plugins/expected.ts';
import codePlugin, { type CodeOptions } from './plugins/code.ts';
import quizPlugin, { type QuizOptions } from './plugins/quiz.ts';

export interface MarkdownOptions {
  step?: StepOptions;
  hint?: HintOptions;
  variants?: VariantsOptions;
  expected?: ExpectedOptions;
  code?: CodeOptions;
  quiz?: QuizOptions;
}

/** The container names the lab format knows (`::: <name>`). */
export const CONTAINERS = [
  'step',
  'hint',
  'variants',
  'sandbox',
  'aws',
  'expected',
  'quiz',
] as const;

/**
 * A markdown-it configured for labs. Raw HTML is off (labs are Markdown; the site's
 * pages stay predictable) and typographer is off: it would turn `--profile` in prose into
 * an en dash that a learner then copies into a terminal.
 */
export function createMarkdown(options: MarkdownOptions = {}): MarkdownIt {
  return new MarkdownItParser({ html: false, linkify: false, typographer: false })
    .use(stepPlugin, options.step)
    .use(hintPlugin, options.hint)
    .use(variantsPlugin, options.variants)
    .use(expectedPlugin, options.expected)
    .use(codePlugin, options.code)
    .use(quizPlugin, options.quiz);
}
