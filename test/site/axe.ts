// axe-core (from npm) injected into a real page: the serious and critical findings, in a
// form a failing assertion can print (rule, impact, the first offending elements).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

// Evaluated through the DevTools protocol rather than added as a <script>: the dashboard's
// CSP (no script at all) would refuse a script tag.
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface Finding {
  rule: string;
  impact: string;
  nodes: string[];
}

/** Serious and critical axe violations of the page as it is now. */
export async function axeFindings(page: Page): Promise<Finding[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE);
  const violations = await page.evaluate(async () => {
    const r = await (window as any).axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v: any) => ({
      rule: v.id,
      impact: v.impact,
      nodes: v.nodes.slice(0, 3).map((n: any) => n.target.join(' ')),
    }));
  });
  return (violations as Finding[]).filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** The page in each colour scheme: findings per scheme (both must be empty). */
export async function axeBothSchemes(page: Page): Promise<Record<string, Finding[]>> {
  const out: Record<string, Finding[]> = {};
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    out[scheme] = await axeFindings(page);
  }
  return out;
}
