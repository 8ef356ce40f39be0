// `::: step <id>` … `:::` — one step of a lab. The step's first heading is its title.
//
//   ::: step create-key
//   ## Create an access key
//   …
//   :::
//
// renders as
//
//   <section class="lab-step" id="step-create-key" data-step="create-key" data-step-index="1"
//            aria-labelledby="step-create-key-title">
//   <h2 id="step-create-key-title" class="lab-step-title">Create an access key</h2> … </section>
//
// The site hangs its status badge and "Check my progress" button on `data-step`; the id is
// the same id `lab.ts` uses for the step's check. Parsing facts for the loader are left on
// the open token's `meta`: stepId, index, title, titleLine (0-based, relative to the body).
import type { MarkdownIt, StateCore } from 'markdown-it';
import container, { metaOf } from './container.ts';

export interface StepOptions {
  /** Prefix of the section's HTML id (`step-` gives `id="step-create-key"`). */
  idPrefix?: string;
  /** Class of the section. */
  className?: string;
  /** Class added to the step's title heading. */
  titleClass?: string;
}

export const stepDefaults: Required<StepOptions> = {
  idPrefix: 'step-',
  className: 'lab-step',
  titleClass: 'lab-step-title',
};

export default function stepPlugin(md: MarkdownIt, options: StepOptions = {}): void {
  const opts = { ...stepDefaults, ...options };
  const esc = md.utils.escapeHtml;

  container(md, {
    name: 'step',
    tag: 'section',
    render(tokens, idx) {
      const t = tokens[idx];
      if (t.nesting === -1) return '</section>\n';
      const m = metaOf(t);
      const id = m.stepId ?? '';
      const htmlId = esc(opts.idPrefix + id);
      const labelled = m.title !== undefined ? ` aria-labelledby="${htmlId}-title"` : '';
      return (
        `<section class="${esc(opts.className)}" id="${htmlId}" data-step="${esc(id)}"` +
        ` data-step-index="${m.index}"${labelled}>\n`
      );
    },
  });

  // After inline parsing, so the title heading's text is known.
  md.core.ruler.push('lab_step', (state: StateCore) => {
    const tokens = state.tokens;
    let index = 0;
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i];
      if (t.type !== 'container_step_open') continue;
      const m = metaOf(t);
      m.stepId = t.info.split(/\s+/)[0] ?? '';
      m.index = ++index;
      // The title is the first heading directly inside this step, before its close.
      for (let j = i + 1; j < tokens.length; j++) {
        const u = tokens[j];
        if (u.type === 'container_step_close' && u.level === t.level) break;
        if (u.type === 'heading_open' && u.level === t.level + 1) {
          const inline = tokens[j + 1];
          m.title = (inline.children ?? [])
            .filter((c) => c.type === 'text' || c.type === 'code_inline')
            .map((c) => c.content)
            .join('')
            .trim();
          m.titleLine = u.map?.[0];
          u.attrSet('id', `${opts.idPrefix}${m.stepId}-title`);
          u.attrJoin('class', opts.titleClass);
          break;
        }
      }
    }
  });
}
