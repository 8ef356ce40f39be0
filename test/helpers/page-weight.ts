// What a browser downloads for one built page: its HTML (with inline CSS/JS) plus every
// /_astro/ asset it links and the JS chunks those import. Uncompressed bytes.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface PageWeight {
  html: number;
  /** Inline <style> plus linked stylesheets. */
  css: number;
  /** Inline <script> plus linked scripts and the chunks they import. */
  js: number;
  total: number;
}

export function pageWeight(outDir: string, page: string): PageWeight {
  const html = readFileSync(join(outDir, page), 'utf8');
  const inline = (tag: string) =>
    [...html.matchAll(new RegExp(`<${tag}[^>]*>([\\s\\S]*?)</${tag}>`, 'g'))].reduce(
      (n, m) => n + Buffer.byteLength(m[1]),
      0,
    );
  const assets = new Set<string>();
  const visit = (p: string) => {
    if (assets.has(p)) return;
    assets.add(p);
    if (!p.endsWith('.js')) return;
    const text = readFileSync(join(outDir, p), 'utf8');
    for (const m of text.matchAll(/(?:from|import)\s*["']\.\/([^"']+\.js)["']/g)) {
      visit(`/_astro/${m[1]}`);
    }
  };
  for (const m of html.matchAll(/(?:src|href)="(\/_astro\/[^"]+)"/g)) visit(m[1]);
  const size = (ext: string) =>
    [...assets]
      .filter((p) => p.endsWith(ext))
      .reduce((n, p) => n + statSync(join(outDir, p)).size, 0);
  const htmlBytes = Buffer.byteLength(html);
  const css = inline('style') + size('.css');
  const js = inline('script') + size('.js');
  return { html: htmlBytes, css, js, total: htmlBytes + size('.css') + size('.js') };
}
