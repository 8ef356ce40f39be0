// Read a tree's import statements as text (static, dynamic and re-exports; relative specifiers
// only), for the layering tests: a new import across a boundary fails them without running code.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Every .ts/.mjs/.js file under `dir` (repo-relative), node_modules left out. */
export function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(join(ROOT, p)).isDirectory()) return name === 'node_modules' ? [] : sourceFiles(p);
    return /\.(ts|mjs|js)$/.test(name) ? [p] : [];
  });
}

/** Repo-relative paths the file (repo-relative) imports. */
export function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const specs = [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((m) => m[1]!);
  return specs.map((s) => relative(ROOT, resolve(dirname(join(ROOT, file)), s)));
}
