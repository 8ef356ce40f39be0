// Renderers on their own: CSV cells (RFC 4180 quoting, formula injection), the
// terminal table (control characters shown, not executed), HTML escaping.
import { describe, expect, it } from 'vitest';
import { csvCell, escapeHtml } from '../../runner/class/render/escape.ts';
import { reportTable } from '../../runner/class/render/table.ts';
import { labReport } from '../../runner/class/report.ts';

describe('class renderers', () => {
  it('defuses spreadsheet formulas and quotes CSV cells', () => {
    expect(csvCell('=1+1')).toBe("'=1+1");
    expect(csvCell('+SUM(A1)')).toBe("'+SUM(A1)");
    expect(csvCell('-2')).toBe("'-2");
    expect(csvCell('@cmd')).toBe("'@cmd");
    expect(csvCell('\tx')).toBe("'\tx");
    expect(csvCell('=HYPERLINK("a","b")')).toBe(`"'=HYPERLINK(""a"",""b"")"`);
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('line\nbreak')).toBe('"line\nbreak"');
    expect(csvCell('Ada')).toBe('Ada');
    expect(csvCell(3)).toBe('3');
    expect(csvCell(null)).toBe('');
  });

  it('escapes HTML', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });

  it('shows control characters in names instead of sending them to the terminal', () => {
    const lab = labReport(
      'day42',
      ['create-key'],
      [{ id: 'l1', name: 'Eve\u001b[2J\u001b[31m', iamUser: null, createdAt: 0 }],
      [
        {
          learnerId: 'l1',
          lab: 'day42',
          step: 'create-key',
          firstAt: 1,
          passedAt: null,
          lastPassedAt: null,
          attempts: 1,
          failures: 1,
          lastStatus: 'failed',
          lastAt: 1,
          lastEvidence: 'none',
        },
      ],
      [],
    );
    const out = reportTable({ class: { id: 'c', name: 'C\u0007' }, generatedAt: 0, labs: [lab] });
    expect(out).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    expect(out).toContain('Eve\\x1b[2J\\x1b[31m');
    expect(out).toContain('stuck at create-key');
  });

  it('keeps the grid narrow when a learner has a very long name', () => {
    const long = 'W'.repeat(80);
    const lab = labReport(
      'day42',
      ['create-key'],
      [
        { id: 'l1', name: long, iamUser: null, createdAt: 0 },
        { id: 'l2', name: 'Ada', iamUser: null, createdAt: 0 },
      ],
      [],
      [],
    );
    const out = reportTable({ class: { id: 'c', name: 'C' }, generatedAt: 0, labs: [lab] });
    const grid = out.split('\n').filter((l) => /^(learner|W|Ada)/.test(l));
    expect(grid).toHaveLength(3);
    // Fits a 100-column terminal; the name is cut with an ellipsis, not dropped.
    for (const l of grid) expect([...l].length, l).toBeLessThanOrEqual(100);
    expect(grid.find((l) => l.startsWith('W'))).toMatch(/^W{29}… /);
  });
});
