// Every lab is a tenant (ARCHITECTURE.md): lab.ts imports the one public lab SDK
// (runner/sdk/index.ts), AWS SDK v3 clients' commands (@aws-sdk/client-*), and files of its own
// folder (which follow the same rule), and nothing else. A lab reaching into the runner's
// internals breaks when they move; a lab that reads files or the network itself (`node:fs`,
// `node:child_process`…) does what its checks must never do, and what the runner cannot see.
// Read as text, so a lab that would do harm on import is refused before it is imported.
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LabProblem } from './error-map.ts';

const SDK = fileURLToPath(new URL('../sdk/index.ts', import.meta.url));
const AWS_CLIENT = /^@aws-sdk\/client-[a-z0-9-]+$/;
// import … from '…', import '…', export … from '…', import('…'), require('…').
const SPEC =
  /(?:\bimport\s*(?:type\s+)?(?:[\w*{}\s,$]+\s+from\s+)?|\bexport\s+(?:type\s+)?[\w*{}\s,$]+\s+from\s+|\bimport\s*\(\s*|\brequire\s*\(\s*)(['"])([^'"]+)\1/g;

function lineAt(source: string, index: number): number {
  return source.slice(0, index).split('\n').length;
}

/** What a lab module imports, with lines, and why each forbidden one is. */
export function labImportProblems(
  file: string,
  labDir: string,
  seen = new Set<string>(),
): LabProblem[] {
  if (seen.has(file)) return [];
  seen.add(file);
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  // Comments are not imports (a `// import x from 'node:fs'` in a comment is fine).
  const code = source
    .replace(/\/\*[\s\S]*?\*\//g, (m) => m.replace(/[^\n]/g, ' '))
    .replace(/\/\/[^\n]*/g, (m) => ' '.repeat(m.length));
  const problems: LabProblem[] = [];
  for (const m of code.matchAll(SPEC)) {
    const spec = m[2];
    const line = lineAt(code, m.index ?? 0);
    if (AWS_CLIENT.test(spec)) continue;
    if (spec.startsWith('.')) {
      const target = resolve(dirname(file), spec);
      if (target === SDK) continue;
      if (target.startsWith(labDir + sep)) {
        problems.push(...labImportProblems(target, labDir, seen));
        continue;
      }
      problems.push({
        file,
        line,
        message: `imports ${spec} (${relative(process.cwd(), target) || target}), which is labrunner's own code, not the lab SDK`,
        fix: `import what you need from the lab SDK (${relative(dirname(file), SDK).replace(/\\/g, '/')}); docs/lab-format.md lists what it exports`,
      });
      continue;
    }
    const builtin =
      spec.startsWith('node:') ||
      /^(fs|path|os|child_process|net|http|https|url|crypto|process|worker_threads)(\/|$)/.test(
        spec,
      );
    problems.push({
      file,
      line,
      message: builtin
        ? `imports ${spec}: a lab does not touch files, processes or the network itself`
        : `imports ${spec}: a lab imports only the lab SDK and @aws-sdk/client-* commands`,
      fix: builtin
        ? 'read the account through ctx.clients and the learner’s CLI profiles with learnerProfiles(ctx) from the lab SDK; a check never changes anything'
        : `remove it; use the lab SDK (${relative(dirname(file), SDK).replace(/\\/g, '/')}) or an AWS SDK v3 client's commands`,
    });
  }
  return problems;
}
