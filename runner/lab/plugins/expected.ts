// `::: expected [label]` … `:::` — what the learner should see after a command.
//
//   ::: expected
//   ```json
//   { "Users": [ … ] }
//   ```
//   :::
//
// renders as `<div class="lab-expected"><p class="lab-expected-label">Expected output</p> … </div>`.
// Code fences inside are output, not commands: they get `meta.output = true`, and the code
// plugin renders them without a copy button.
import type { MarkdownIt, StateCore } from 'markdown-it';
import container from './container.ts';

export interface ExpectedOptions {
  /** Label when the author gives none. */
  label?: string;
  /** Class of the wrapper. */
  className?: string;
}

export const expectedDefaults: Required<ExpectedOptions> = {
  label: 'Expected output',
  className: 'lab-expected',
};

export default function expectedPlugin(md: MarkdownIt, options: ExpectedOptions = {}): void {
  const opts = { ...expectedDefaults, ...options };
  const esc = md.utils.escapeHtml;
  container(md, {
    name: 'expected',
    render(tokens, idx) {
      const t = tokens[idx];
      if (t.nesting === -1) return '</div>\n';
      const label = t.info ? md.renderInline(t.info) : esc(opts.label);
      return `<div class="${esc(opts.className)}">\n<p class="${esc(opts.className)}-label">${label}</p>\n`;
    },
  });

  md.core.ruler.push('lab_expected', (state: StateCore) => {
    let depth = 0;
    for (const t of state.tokens) {
      if (t.type === 'container_expected_open') depth++;
      else if (t.type === 'container_expected_close') depth--;
      else if (depth > 0 && (t.type === 'fence' || t.type === 'code_block'))
        t.meta = { ...t.meta, output: true };
    }
  });
}
