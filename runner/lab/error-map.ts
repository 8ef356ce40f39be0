// Friendly errors for lab files: every problem reads
//   labs/day42/README.md:7 — `minutes` should be a number, not text — write it like `minutes: 45`
// so an author can jump to the line and knows what to type. (The idea is starlight's
// utils/error-map.ts; ours also carries the line, because the author edits a file, not an object.)
import { relative, isAbsolute } from 'node:path';
import type { z } from 'zod';
import { LabError, EXIT } from '../errors.ts';
import { FIELD_EXAMPLES } from './fields.ts';

/** One thing wrong in a lab file. `line` is 1-based. */
export interface LabProblem {
  file: string;
  line: number;
  /** What is wrong. */
  message: string;
  /** How to fix it. */
  fix: string;
}

/** The line on which `key` is written as an object key in `source` (1 when not found). */
export function keyLine(source: string, key: string): number {
  const esc = key.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
  const re = new RegExp(`(^|[\\s{,])(['"\`]?)${esc}\\2\\s*:`);
  const i = source.split('\n').findIndex((l) => re.test(l));
  return i < 0 ? 1 : i + 1;
}

/** Show a path relative to the working directory when it is inside it (shorter, clickable). */
export function displayPath(file: string, cwd: string = process.cwd()): string {
  const rel = relative(cwd, file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

/** `file:line — what is wrong — how to fix it` */
export function formatProblem(p: LabProblem, cwd?: string): string {
  return `${displayPath(p.file, cwd)}:${p.line} — ${p.message} — ${p.fix}`;
}

/** A lab file that cannot be used as it is. Exit code 2 (an authoring error, not a lab step). */
export class LabFileError extends LabError {
  readonly file: string;
  readonly line: number;
  readonly problems: LabProblem[];
  constructor(problems: LabProblem[]) {
    if (problems.length === 0) throw new TypeError('LabFileError needs at least one problem');
    super(
      'lab_file',
      problems.map((p) => formatProblem(p)).join('\n'),
      problems.length > 1 ? `${problems.length} problems; fix them top to bottom.` : undefined,
      EXIT.usage,
    );
    this.file = problems[0].file;
    this.line = problems[0].line;
    this.problems = problems;
  }
}

export function isLabFileError(e: unknown): e is LabFileError {
  return e instanceof LabFileError;
}

/** Where a frontmatter path (`['services', 1]`) is written; undefined when it is not there. */
export type Locate = (path: PropertyKey[]) => number | undefined;

const name = (path: PropertyKey[]) =>
  path.length === 0
    ? 'the frontmatter'
    : '`' +
      path.map((k, i) => (typeof k === 'number' ? `[${k}]` : (i ? '.' : '') + String(k))).join('') +
      '`';

function typeName(v: unknown): string {
  if (v === null) return 'nothing (null)';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'string') return 'text';
  if (typeof v === 'object') return 'a mapping';
  return `a ${typeof v}`;
}

const EXPECTED: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  array: 'a list',
  object: 'a mapping of fields',
  boolean: 'true or false',
};

/** Closest known field for a misspelt key (edit distance ≤ 2), for "did you mean". */
function closest(key: string, known: string[]): string | undefined {
  const dist = (a: string, b: string) => {
    const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
    for (let j = 1; j <= b.length; j++) d[0][j] = j;
    for (let i = 1; i <= a.length; i++)
      for (let j = 1; j <= b.length; j++)
        d[i][j] = Math.min(
          d[i - 1][j] + 1,
          d[i][j - 1] + 1,
          d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
        );
    return d[a.length][b.length];
  };
  let best: string | undefined;
  let bestD = 3;
  for (const k of known) {
    const dd = dist(key.toLowerCase(), k.toLowerCase());
    if (dd < bestD) [best, bestD] = [k, dd];
  }
  return best;
}

function example(path: PropertyKey[]): string {
  const field = path[0] as keyof typeof FIELD_EXAMPLES;
  return FIELD_EXAMPLES[field]
    ? `write it like \`${FIELD_EXAMPLES[field]}\``
    : 'see docs/lab-format.md';
}

/** zod's own size messages ("Too small: expected number to be >0") rewritten for authors. */
function sizeMessage(issue: {
  code: 'too_small' | 'too_big';
  origin: string;
  inclusive?: boolean;
  minimum?: number | bigint;
  maximum?: number | bigint;
  message: string;
}): string {
  if (!issue.message.startsWith('Too ')) return issue.message; // our own wording from schema.ts
  const small = issue.code === 'too_small';
  const limit = small ? issue.minimum : issue.maximum;
  if (issue.origin === 'array')
    return `must have ${small ? 'at least' : 'at most'} ${limit} item(s)`;
  if (issue.origin === 'string')
    return `must be ${small ? 'at least' : 'at most'} ${limit} characters`;
  const bound = issue.inclusive
    ? small
      ? 'at least'
      : 'at most'
    : small
      ? 'greater than'
      : 'less than';
  return `must be ${bound} ${limit}`;
}

/**
 * Turn a zod error on the frontmatter into problems with lines. `locate` maps a path to the
 * line it is written on; `fallbackLine` (the frontmatter's first line) is used for missing keys.
 */
export function frontmatterProblems(
  error: z.core.$ZodError,
  file: string,
  locate: Locate,
  fallbackLine: number,
  input: unknown,
): LabProblem[] {
  const lineOf = (path: PropertyKey[]) => {
    for (let n = path.length; n >= 0; n--) {
      const line = locate(path.slice(0, n));
      if (line !== undefined) return line;
    }
    return fallbackLine;
  };
  const valueAt = (path: PropertyKey[]) =>
    path.reduce<any>((v, k) => (v == null ? undefined : v[k as any]), input);

  const problems: LabProblem[] = [];
  for (const issue of error.issues) {
    const path = issue.path as PropertyKey[];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const guess = closest(key, Object.keys(FIELD_EXAMPLES));
        problems.push({
          file,
          line: lineOf([...path, key]),
          message: `unknown field \`${key}\``,
          fix: guess
            ? `did you mean \`${guess}\`? (fields: see docs/lab-format.md)`
            : `remove it; the known fields are ${Object.keys(FIELD_EXAMPLES).join(', ')}`,
        });
      }
      continue;
    }
    const value = valueAt(path);
    if (issue.code === 'invalid_type' && value === undefined) {
      problems.push({
        file,
        line: lineOf(path),
        message: `${name(path)} is missing`,
        fix: FIELD_EXAMPLES[path[0] as keyof typeof FIELD_EXAMPLES]
          ? `add a line like \`${FIELD_EXAMPLES[path[0] as keyof typeof FIELD_EXAMPLES]}\``
          : example(path),
      });
      continue;
    }
    let message: string;
    if (issue.code === 'invalid_type') {
      message = `${name(path)} should be ${EXPECTED[issue.expected] ?? issue.expected}, not ${typeName(value)}`;
    } else if (issue.code === 'invalid_value') {
      message = `${name(path)} is ${JSON.stringify(value)}, but must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    } else if (issue.code === 'too_small' || issue.code === 'too_big') {
      message = `${name(path)} ${sizeMessage(issue)}`;
    } else {
      message = `${name(path)} ${issue.message}`;
    }
    problems.push({ file, line: lineOf(path), message, fix: example(path) });
  }
  return problems;
}
