// The sandbox is a separate product (docs/ARCHITECTURE: "the sandbox is a separate product with its
// own errors, paths and one public surface, imported by the runner and importing nothing from it").
// These read the import statements of every file, so a new reach across the boundary fails here.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return name === 'node_modules' ? [] : files(p);
    return /\.(ts|mjs|js)$/.test(name) ? [p] : [];
  });
}

/** Repo-relative paths this file imports (static and dynamic), relative specifiers only. */
function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((m) => m[1]!);
  return specs.map((s) => relative(ROOT, resolve(dirname(file), s)));
}

describe('sandbox layering', () => {
  test('nothing under sandbox/ imports from runner/', () => {
    const offenders = files(join(ROOT, 'sandbox')).flatMap((f) =>
      imports(f)
        .filter((i) => i.startsWith('runner/'))
        .map((i) => `${relative(ROOT, f)} → ${i}`),
    );
    expect(offenders).toEqual([]);
  });

  test('no sandbox file imports the facade back (no cycle through sandbox/index.ts)', () => {
    const offenders = files(join(ROOT, 'sandbox'))
      .filter((f) => relative(ROOT, f) !== 'sandbox/index.ts')
      .flatMap((f) =>
        imports(f)
          .filter((i) => i === 'sandbox/index.ts')
          .map(() => relative(ROOT, f)),
      );
    expect(offenders).toEqual([]);
  });

  test('the runner, site and bench reach the sandbox only through sandbox/index.ts', () => {
    const offenders = ['runner', 'site', 'bench']
      .flatMap((d) => files(join(ROOT, d)))
      .flatMap((f) =>
        imports(f)
          .filter((i) => i.startsWith('sandbox/') && i !== 'sandbox/index.ts')
          .map((i) => `${relative(ROOT, f)} → ${i}`),
      );
    expect(offenders).toEqual([]);
  });
});
