// `::: hint [summary]` … `:::` — a hint, folded away until the learner opens it.
//
//   ::: hint Where is the button?
//   Open **Security credentials**, then scroll to *Access keys*.
//   :::
//
// renders as `<details class="lab-hint"><summary>Where is the button?</summary> … </details>`;
// without a summary the summary reads "Hint". A plain <details> works without JavaScript
// and with the keyboard. `lab hint <lab> <step>` prints the same hints in the terminal.
import type { MarkdownIt } from 'markdown-it';
import container from './container.ts';

export interface HintOptions {
  /** Summary text when the author gives none. */
  summary?: string;
  /** Class of the <details> element. */
  className?: string;
}

export const hintDefaults: Required<HintOptions> = { summary: 'Hint', className: 'lab-hint' };

export default function hintPlugin(md: MarkdownIt, options: HintOptions = {}): void {
  const opts = { ...hintDefaults, ...options };
  container(md, {
    name: 'hint',
    tag: 'details',
    render(tokens, idx) {
      const t = tokens[idx];
      if (t.nesting === -1) return '</details>\n';
      const summary = t.info ? md.renderInline(t.info) : md.utils.escapeHtml(opts.summary);
      return `<details class="${md.utils.escapeHtml(opts.className)}"><summary>${summary}</summary>\n`;
    },
  });
}
