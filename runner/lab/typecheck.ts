// `lab dev check` type-checks lab.ts files with the project's TypeScript (the same compiler
// and settings as `npm run typecheck`), so a misspelt step id in `after`, an unknown kind in
// `creates` or a wrong verdict field is reported with its lab.ts:line before any learner runs it.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LabProblem } from './error-map.ts';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Type errors in `files`, as problems (one per diagnostic). */
export async function typecheckLabs(files: string[]): Promise<LabProblem[]> {
  if (!files.length) return [];
  const require = createRequire(join(REPO, 'package.json'));
  const tsc = join(dirname(require.resolve('typescript/package.json')), 'bin', 'tsc');
  const dir = await mkdtemp(join(tmpdir(), 'lab-typecheck-'));
  try {
    const config = join(dir, 'tsconfig.json');
    await writeFile(
      config,
      JSON.stringify({
        extends: join(REPO, 'tsconfig.json'),
        // "preserve"/"bundler": a lab folder outside the repository (--labs) has no
        // package.json saying "type": "module"; Node runs its lab.ts as ESM all the same.
        compilerOptions: {
          typeRoots: [join(REPO, 'node_modules/@types')],
          module: 'preserve',
          moduleResolution: 'bundler',
        },
        files,
        include: [],
      }),
    );
    const out = await new Promise<string>((res) => {
      execFile(
        process.execPath,
        [tsc, '--noEmit', '--pretty', 'false', '-p', config],
        { cwd: REPO, maxBuffer: 8 * 1024 * 1024 },
        (_err, stdout, stderr) => res(`${stdout}${stderr}`),
      );
    });
    const problems: LabProblem[] = [];
    for (const line of out.split('\n')) {
      const m = /^(.+?)\((\d+),\d+\): error (TS\d+): (.*)$/.exec(line.trim());
      if (!m) continue;
      const file = resolve(REPO, m[1]);
      // Only the labs' own files: an error inside the runner is not the author's to fix here.
      if (!files.some((f) => dirname(f) === dirname(file))) continue;
      if (
        problems.some((p) => p.file === file && p.line === Number(m[2]) && p.message.includes(m[4]))
      )
        continue;
      problems.push({
        file,
        line: Number(m[2]),
        message: `type error ${m[3]}: ${m[4]}`,
        fix: 'fix the type (the lab SDK types every field: see docs/lab-format.md)',
      });
    }
    return problems;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
