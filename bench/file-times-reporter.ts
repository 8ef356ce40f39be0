// A vitest reporter that records each test file's wall time (its hooks included: a file's
// beforeAll often does most of its work) and the run's, for bench/README.md's suite table.
//   npx vitest run --reporter=default --reporter=./bench/file-times-reporter.ts
// Writes FILE_TIMES_OUT (default test-results/file-times.json) and prints the slowest files.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';

interface Row {
  file: string;
  /** Collecting (importing) the file plus running it, hooks included, ms. */
  ms: number;
  tests: number;
  failed: number;
  skipped: number;
}

export default class FileTimesReporter implements Reporter {
  private rows: Row[] = [];
  private t0 = Date.now();

  onTestModuleEnd(m: TestModule): void {
    const d = m.diagnostic();
    const tests = [...m.children.allTests()];
    this.rows.push({
      file: relative(process.cwd(), m.moduleId),
      ms: Math.round(d.collectDuration + d.duration),
      tests: tests.length,
      failed: tests.filter((t) => t.result().state === 'failed').length,
      skipped: tests.filter((t) => t.result().state === 'skipped').length,
    });
  }

  onTestRunEnd(): void {
    const out = process.env.FILE_TIMES_OUT ?? 'test-results/file-times.json';
    const rows = this.rows.sort((a, b) => b.ms - a.ms);
    const wallMs = Date.now() - this.t0;
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, JSON.stringify({ wallMs, load: loadavg(), rows }, null, 2) + '\n');
    const failed = rows.reduce((n, r) => n + r.failed, 0);
    console.log(
      `\nfile times (${out}): wall ${(wallMs / 1000).toFixed(0)} s, ${rows.length} files, ${failed} failed tests; slowest:`,
    );
    for (const r of rows.slice(0, 15))
      console.log(`  ${(r.ms / 1000).toFixed(1).padStart(7)} s  ${r.file}`);
  }
}

function loadavg(): string {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  } catch {
    return '?';
  }
}
