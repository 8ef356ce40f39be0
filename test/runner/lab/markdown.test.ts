// The shared parser's plugins, checked against fixture files of Markdown and expected HTML.
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { createMarkdown } from '../../../runner/lab/index.ts';
import { readFixtures } from './fixtures.ts';

const file = fileURLToPath(new URL('./fixtures/render.txt', import.meta.url));
const fixtures = readFixtures(file);

describe('createMarkdown() renders the lab containers', () => {
  it('has fixtures to check', () => {
    expect(fixtures.length).toBeGreaterThan(10);
  });
  const md = createMarkdown();
  for (const f of fixtures) {
    it(`${f.title} (render.txt:${f.line})`, () => {
      expect(md.render(f.input)).toBe(f.expected);
    });
  }
});

describe('createMarkdown() options', () => {
  it('changes labels and class names without changing the structure', () => {
    const md = createMarkdown({
      hint: { summary: 'Tip' },
      variants: { labels: { sandbox: 'Sandbox' } },
      step: { idPrefix: 's-' },
    });
    const html = md.render(
      '::: step x\n## X\n::: hint\nh\n:::\n:::\n::: variants\n::: sandbox\n:::\n:::\n',
    );
    expect(html).toContain('<section class="lab-step" id="s-x" data-step="x"');
    expect(html).toContain('<summary>Tip</summary>');
    expect(html).toContain('<p class="lab-variant-label">Sandbox</p>');
  });

  it('gives each call its own parser, so options never leak between them', () => {
    createMarkdown({ hint: { summary: 'Tip' } });
    expect(createMarkdown().render('::: hint\nx\n:::\n')).toContain('<summary>Hint</summary>');
  });
});
