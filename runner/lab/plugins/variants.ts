// `::: variants` holding `::: sandbox` and `::: aws` — the same instruction for the local
// sandbox and for a real AWS account, shown side by side where they differ.
//
//   ::: variants
//   ::: sandbox
//   Run `lab shell` …
//   :::
//   ::: aws
//   Use your own admin profile …
//   :::
//   :::
//
// renders as
//
//   <div class="lab-variants">
//   <div class="lab-variant" data-target="sandbox">
//   <p class="lab-variant-label">Local sandbox</p> … </div>
//   <div class="lab-variant" data-target="aws"> … </div>
//   </div>
//
// A label after the name replaces the default (`::: aws Your company account`). `data-target`
// lets the site highlight the variant for the target in use. A `::: sandbox` or `::: aws`
// outside `::: variants` gets `meta.misplaced` on its open token (the loader reports it).
import type { MarkdownIt, StateCore } from 'markdown-it';
import container, { metaOf } from './container.ts';

export type Target = 'sandbox' | 'aws';

export interface VariantsOptions {
  /** Label shown above each variant when the author gives none. */
  labels?: Partial<Record<Target, string>>;
  /** Class of the wrapper. */
  className?: string;
  /** Class of each variant. */
  variantClass?: string;
}

export const variantsDefaults = {
  labels: { sandbox: 'Local sandbox', aws: 'Your AWS account' } as Record<Target, string>,
  className: 'lab-variants',
  variantClass: 'lab-variant',
};

export const TARGETS: Target[] = ['sandbox', 'aws'];

export default function variantsPlugin(md: MarkdownIt, options: VariantsOptions = {}): void {
  const labels = { ...variantsDefaults.labels, ...options.labels };
  const className = options.className ?? variantsDefaults.className;
  const variantClass = options.variantClass ?? variantsDefaults.variantClass;
  const esc = md.utils.escapeHtml;

  container(md, {
    name: 'variants',
    render: (tokens, idx) =>
      tokens[idx].nesting === 1 ? `<div class="${esc(className)}">\n` : '</div>\n',
  });
  for (const target of TARGETS) {
    container(md, {
      name: target,
      render(tokens, idx) {
        const t = tokens[idx];
        if (t.nesting === -1) return '</div>\n';
        const label = t.info ? md.renderInline(t.info) : esc(labels[target]);
        return (
          `<div class="${esc(variantClass)}" data-target="${target}">\n` +
          `<p class="${esc(variantClass)}-label">${label}</p>\n`
        );
      },
    });
  }

  // A variant belongs directly inside `::: variants`.
  md.core.ruler.push('lab_variants', (state: StateCore) => {
    const stack: string[] = [];
    for (const t of state.tokens) {
      if (!t.type.startsWith('container_')) continue;
      if (t.nesting === 1) {
        const name = t.type.slice('container_'.length, -'_open'.length);
        if ((TARGETS as string[]).includes(name) && stack.at(-1) !== 'variants')
          metaOf(t).misplaced = true;
        stack.push(name);
      } else if (t.nesting === -1) stack.pop();
    }
  });
}
