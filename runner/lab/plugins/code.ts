// Code fences wrapped so the site can add a copy button:
//
//   <div class="lab-code" data-copy="aws iam list-users"><pre><code class="language-sh">…</code></pre></div>
//
// `data-copy` holds exactly the text to copy. For transcripts (```console), only the command
// lines are copied, without their `$ ` prompt, so a learner never pastes output into a shell.
// Output blocks (inside `::: expected`, `meta.output`) get class `lab-output` and no data-copy.
import type { MarkdownIt, Token } from 'markdown-it';

export interface CodeOptions {
  /** Class of the wrapper. */
  className?: string;
  /** Fence languages that are prompt transcripts (`$ command` lines plus output). */
  transcripts?: string[];
}

export const codeDefaults: Required<CodeOptions> = {
  className: 'lab-code',
  transcripts: ['console', 'shell-session'],
};

/** The text a copy button should put on the clipboard for this fence. */
export function copyText(token: Token, transcripts: string[] = codeDefaults.transcripts): string {
  const lang = token.info.trim().split(/\s+/)[0];
  const text = token.content.replace(/\n$/, '');
  if (!transcripts.includes(lang)) return text;
  return text
    .split('\n')
    .filter((l) => /^\$ /.test(l))
    .map((l) => l.slice(2))
    .join('\n');
}

export default function codePlugin(md: MarkdownIt, options: CodeOptions = {}): void {
  const opts = { ...codeDefaults, ...options };
  const esc = md.utils.escapeHtml;
  const fence = md.renderer.rules.fence!;
  md.renderer.rules.fence = (tokens, idx, o, env, self) => {
    const html = fence(tokens, idx, o, env, self);
    const t = tokens[idx];
    if (t.meta?.output) return `<div class="${esc(opts.className)} lab-output">${html}</div>\n`;
    const copy = esc(copyText(t, opts.transcripts));
    return `<div class="${esc(opts.className)}" data-copy="${copy}">${html}</div>\n`;
  };
}
