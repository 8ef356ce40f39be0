// Layers point down (docs/runner.md, "Layers"): runner/commands → check, cleanup, class, serve,
// labtest → runner/target → runner/aws → runner/lab. These read every import under runner/, so a
// new upward import fails here with the file and what it reached for.
import { describe, expect, test } from 'vitest';
import { importsOf, sourceFiles } from '../helpers/imports.ts';

const RUNNER = sourceFiles('runner');

/** "runner/check/engine.ts" → "check"; "runner/main.ts" → "main". */
const layerOf = (path: string) => path.split('/')[1]!.replace(/\.ts$/, '');

/** Imports from files of layer `from` into any of the layers `banned`, as "file → import". */
function upward(from: string, banned: string[]): string[] {
  return RUNNER.filter((f) => layerOf(f) === from).flatMap((f) =>
    importsOf(f)
      .filter((i) => i.startsWith('runner/') && banned.includes(layerOf(i)))
      .map((i) => `${f} → ${i}`),
  );
}

const VERBS = ['check', 'cleanup', 'class', 'serve', 'labtest'];

describe('runner layering', () => {
  test('the import reader sees imports (so an empty list below means something)', () => {
    expect(importsOf('runner/target/index.ts')).toContain('runner/aws/index.ts');
    expect(importsOf('runner/main.ts').some((i) => i.startsWith('runner/commands/'))).toBe(true);
    expect(upward('target', ['aws']).length).toBeGreaterThan(0);
  });

  test('only runner/main.ts imports runner/commands; nothing imports runner/main.ts', () => {
    // runner/snapshot is an entry too: the program of `lab`'s start-up snapshot runs main.ts.
    const below = [...new Set(RUNNER.map(layerOf))].filter(
      (l) => l !== 'commands' && l !== 'main' && l !== 'snapshot',
    );
    expect(below.flatMap((l) => upward(l, ['commands', 'main']))).toEqual([]);
  });

  test('runner/aws (clients, error mapping, event history) imports none of its users', () => {
    expect(
      upward('aws', [...VERBS, 'commands', 'main', 'target', 'sdk', 'resources', 'store']),
    ).toEqual([]);
  });

  test('outside runner/aws, its plumbing is reached only through runner/aws/index.ts', () => {
    const offenders = RUNNER.filter((f) => layerOf(f) !== 'aws').flatMap((f) =>
      importsOf(f)
        .filter((i) => i.startsWith('runner/aws/') && i !== 'runner/aws/index.ts')
        .map((i) => `${f} → ${i}`),
    );
    expect(offenders).toEqual([]);
  });

  test('runner/target (which account, profile, region) imports no command or verb', () => {
    expect(upward('target', [...VERBS, 'commands', 'main', 'sdk', 'resources'])).toEqual([]);
  });

  test('runner/lab (lab definitions) imports no AWS plumbing, target or verb', () => {
    expect(upward('lab', ['aws', 'target', ...VERBS, 'commands', 'main'])).toEqual([]);
  });

  test('runner/ownership (what the run created) imports no verb: cleanup and check import it', () => {
    expect(RUNNER.some((f) => layerOf(f) === 'ownership')).toBe(true);
    expect(upward('ownership', [...VERBS, 'commands', 'main', 'sdk'])).toEqual([]);
    expect(upward('resources', ['ownership', ...VERBS, 'commands', 'main'])).toEqual([]);
  });

  test('check, cleanup and class do not import each other upward or sideways', () => {
    expect(upward('check', ['class', 'serve', 'labtest'])).toEqual([]);
    expect(upward('cleanup', ['check', 'class', 'serve', 'labtest'])).toEqual([]);
    expect(upward('class', ['cleanup', 'serve', 'labtest'])).toEqual([]);
  });

  test('class reaches check only where a hosted class verifies: by running the lab’s own checks', () => {
    // A hosted class's server judges a learner's reported passes with the lab's check functions
    // against their account (issue 21); nothing else in runner/class runs checks.
    const uses = RUNNER.filter((f) => layerOf(f) === 'class').filter((f) =>
      importsOf(f).some((i) => i.startsWith('runner/check/')),
    );
    expect(uses.sort()).toEqual([
      'runner/class/account-checks.ts',
      'runner/class/server-verify.ts',
    ]);
  });
});
