// loadLab / listLabs / renderLab on fixture labs, and the exact file:line message for
// each malformed lab under fixtures/malformed/<name>/ (README.md + expected.txt).
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  findLab,
  inspectLab,
  isLabFileError,
  LabFileError,
  listLabs,
  loadLab,
  renderLab,
  DEFAULT_LABS_ROOT,
} from '../../../runner/lab/index.ts';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const labs = join(fixtures, 'labs');
const malformed = join(fixtures, 'malformed');

describe('loadLab', () => {
  it('reads frontmatter with defaults filled in, and the steps with titles, lines and hints', async () => {
    const lab = await loadLab(join(labs, 'alpha'));
    expect(lab.id).toBe('alpha');
    expect(lab.file).toBe(join(labs, 'alpha', 'README.md'));
    expect(lab.meta).toMatchObject({
      title: 'Alpha',
      minutes: 10,
      services: ['IAM', 'STS'],
      region: 'ap-southeast-2',
      level: 'beginner',
      timeLimitMinutes: 120,
      targets: ['sandbox', 'aws'],
      prerequisites: [],
    });
    expect(lab.steps.map(({ id, index, title, line }) => ({ id, index, title, line }))).toEqual([
      { id: 'one', index: 1, title: 'Step one', line: 14 },
      { id: 'two', index: 2, title: 'Step two', line: 31 },
    ]);
    expect(lab.steps[0].hints).toEqual(['First hint for **one**.', 'Second hint.']);
    expect(lab.steps[1].hints).toEqual([]);
    expect(lab.steps[0].body).toContain('aws iam list-users');
    expect(lab.bodyLine).toBe(11);
  });

  it('reads a file with Windows line endings and a byte-order mark the same way', async () => {
    const file = join(labs, 'alpha', 'README.md');
    const unix = readFileSync(file, 'utf8');
    const windows = '\uFEFF' + unix.replace(/\n/g, '\r\n');
    const a = inspectLab(unix, file).lab!;
    const b = inspectLab(windows, file).lab!;
    expect(b.meta).toEqual(a.meta);
    expect(b.steps).toEqual(a.steps);
    expect(renderLab(b)).toBe(renderLab(a));
  });

  it('a missing README.md is a LabFileError naming the file', async () => {
    const err = await loadLab(join(labs, 'notalab')).catch((e) => e);
    expect(isLabFileError(err)).toBe(true);
    expect(err.exitCode).toBe(2);
    expect(err.message).toMatch(/notalab\/README\.md:1 — README\.md is missing — /);
  });
});

describe('malformed labs give file:line — what — how to fix', () => {
  const cases = readdirSync(malformed).sort();
  it('covers the required failure kinds', () => {
    for (const name of ['bad-fields', 'duplicate-step', 'step-without-title', 'unclosed-step'])
      expect(cases).toContain(name);
  });
  for (const name of cases) {
    it(name, async () => {
      const err = await loadLab(join(malformed, name)).catch((e) => e);
      expect(err).toBeInstanceOf(LabFileError);
      const expected = readFileSync(join(malformed, name, 'expected.txt'), 'utf8').trimEnd();
      expect(err.message).toBe(expected);
      // The first problem's file and line are on the error for tools (the site's build).
      expect(`${err.file}:${err.line}`).toBe(
        join(process.cwd(), expected.split(' — ')[0]).replace(/:(\d+)$/, ':$1'),
      );
    });
  }

  it('inspectLab collects every problem instead of stopping at the first', () => {
    const file = join(malformed, 'bad-fields', 'README.md');
    const { lab, problems } = inspectLab(readFileSync(file, 'utf8'), file);
    expect(lab).toBeUndefined();
    expect(problems.map((p) => p.line)).toEqual([1, 1, 4, 5, 6, 9, 10, 11]);
  });
});

describe('listLabs and findLab', () => {
  it('lists every folder with a README.md, in natural id order, skipping _ and . folders', async () => {
    const all = await listLabs(labs);
    expect(all.map((l) => l.id)).toEqual(['alpha', 'day9', 'day10']);
  });

  it('finds a lab by id, and names the valid ids for an unknown one', async () => {
    expect((await findLab('day10', labs)).meta.title).toBe('Lab day10');
    const err = await findLab('day11', labs).catch((e) => e);
    expect(err.code).toBe('unknown_lab');
    expect(err.exitCode).toBe(2);
    expect(err.hint).toContain('alpha, day9, day10');
  });

  it('defaults to the repository labs/ folder, which holds day42', async () => {
    expect(DEFAULT_LABS_ROOT).toBe(join(process.cwd(), 'labs'));
    const ids = (await listLabs()).map((l) => l.id);
    expect(ids).toContain('day42');
  });
});

describe('renderLab', () => {
  it('renders the body (not the frontmatter) with the shared plugins', async () => {
    const html = renderLab(await loadLab(join(labs, 'alpha')));
    expect(html).not.toContain('summary: ');
    expect(html).toContain('<p>Intro text.</p>');
    expect(html).toContain('data-step="one" data-step-index="1"');
    expect(html).toContain('data-step="two" data-step-index="2"');
    expect(html).toContain('data-copy="aws iam list-users"');
    expect(html).toContain('<details class="lab-hint"><summary>Second</summary>');
  });

  it('renders a lab that went through JSON (no cached tokens) the same way', async () => {
    const lab = await loadLab(join(labs, 'alpha'));
    expect(renderLab(JSON.parse(JSON.stringify(lab)))).toBe(renderLab(lab));
  });
});
