// `npm run build` (astro build): every lab becomes a page, the build is plain files,
// and a broken lab file stops the build with its file:line.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { readFileSync, readdirSync, existsSync, writeFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { buildSite } from '../../runner/serve/index.ts';
import { labsRoot } from '../../runner/lab/paths.ts';
import { generatedLabsDir, labSource } from '../helpers/generated-labs.ts';
import { buildOnce, removeTemp } from './helpers.ts';
import { pageWeight } from '../helpers/page-weight.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';

const repoLabs = readdirSync(labsRoot()).filter((d) =>
  existsSync(join(labsRoot(), d, 'README.md')),
);

describe('static build', () => {
  let labsDir: string;
  let out: string;
  beforeAll(async () => {
    // The repository's labs plus three generated ones, so "every lab" means more than day42.
    labsDir = generatedLabsDir(
      3,
      repoLabs.map((d) => join(labsRoot(), d)),
    );
    out = await buildOnce(labsDir);
  });
  afterAll(() => removeTemp(labsDir));

  it('has a page for every lab, linked from the index', () => {
    const ids = readdirSync(labsDir).sort();
    expect(ids).toEqual(expect.arrayContaining(['day42', 'lab001', 'lab002', 'lab003']));
    const index = readFileSync(join(out, 'index.html'), 'utf8');
    for (const id of ids) {
      const page = readFileSync(join(out, 'labs', id, 'index.html'), 'utf8');
      const title = /^title:\s*'?(.*?)'?$/m.exec(
        readFileSync(join(labsDir, id, 'README.md'), 'utf8'),
      )![1];
      expect(page).toContain(`<h1>${title.replace(/&/g, '&amp;')}</h1>`);
      expect(index).toContain(`href="/labs/${id}/"`);
    }
  });

  it('renders each step of day42 with a pending badge and a check command', () => {
    const page = readFileSync(join(out, 'labs', 'day42', 'index.html'), 'utf8');
    const steps = [...page.matchAll(/<section class="lab-step"[^>]*data-step="([^"]+)"/g)].map(
      (m) => m[1],
    );
    expect(steps).toEqual(['create-key', 'configure', 'list-users', 'denied-ec2', 'cleanup']);
    expect(page.match(/data-status="pending">Pending</g)).toHaveLength(5);
    for (const s of steps) expect(page).toContain(`lab check day42 --step ${s}`);
  });

  it('is plain files: HTML, CSS and JS only, nothing server-side', () => {
    const walk = (d: string): string[] =>
      readdirSync(d).flatMap((e) =>
        statSync(join(d, e)).isDirectory() ? walk(join(d, e)) : [join(d, e)],
      );
    const files = walk(out);
    // `.br` and `.gz` are the same files precompressed at build time (site/integrations/
    // precompress.ts): each stands beside the file it compresses.
    const compressed = files.filter((f) => /\.(br|gz)$/.test(f));
    expect(compressed.length).toBeGreaterThan(0);
    for (const f of compressed) expect(files, f).toContain(f.replace(/\.(br|gz)$/, ''));
    const exts = new Set(
      files.filter((f) => !compressed.includes(f)).map((f) => f.split('.').pop()),
    );
    expect([...exts].every((e) => ['html', 'js', 'css', 'svg', 'ico', 'txt'].includes(e!))).toBe(
      true,
    );
  });

  it('keeps a lab page within budget: HTML+CSS+JS <= 60 KB, JS <= 15 KB', () => {
    const w = pageWeight(out, 'labs/day42/index.html');
    expect(w.js).toBeGreaterThan(1000); // the page's script is counted, not missed
    expect(w.js).toBeLessThanOrEqual(15 * 1024);
    expect(w.total).toBeLessThanOrEqual(60 * 1024);
  });
});

describe('a malformed lab file', () => {
  it('fails the build with file:line and what is wrong', async () => {
    const labsDir = generatedLabsDir(1);
    // `minutes` must be a number: line 5 of the file.
    writeFileSync(
      join(labsDir, 'lab001', 'README.md'),
      labSource('lab001').replace('minutes: 10', 'minutes: ten'),
    );
    const out = mkdtempSync(join(tmpdir(), 'lab-site-dist-'));
    const err = await buildSite({ outDir: out, labsDir }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err?.message).toMatch(/lab001\/README\.md:5 — `minutes`/);
    expect(existsSync(join(out, 'labs', 'lab001', 'index.html'))).toBe(false);
    removeTemp(labsDir, out);
  });
});
