// How check results read: one verdict line per step, then what to do next.
// Failed steps say what was expected, what was found, and the hint.
import type { StepResult } from '../lab/define.ts';
import { color } from '../ui.ts';

const MARK = {
  passed: () => color.green('✔'),
  failed: () => color.red('✘'),
  pending: () => color.yellow('…'),
  'not-tried': () => color.dim('○'),
};

export function verdictLines(results: StepResult[]): string[] {
  return stepVerdictLines(results).flat();
}

/** The verdict lines of each step, one array per step (--watch shows the steps that changed). */
export function stepVerdictLines(results: StepResult[]): string[][] {
  const width = Math.max(...results.map((r) => r.id.length));
  const pad = ' '.repeat(width + 3);
  return results.map((r) => {
    const lines: string[] = [];
    const head = `${MARK[r.status]()} ${r.id.padEnd(width)} `;
    if (r.status === 'passed') {
      lines.push(head + color.dim(r.evidence ?? 'done'));
      return lines;
    }
    if (r.status === 'pending') {
      lines.push(head + color.yellow(r.evidence ?? 'waiting'));
      if (r.expected) lines.push(`${pad}${color.dim('expected')} ${r.expected}`);
      return lines;
    }
    lines.push(
      head + (r.status === 'not-tried' ? color.dim('not tried yet') : color.red('not done')),
    );
    if (r.expected) lines.push(`${pad}${color.dim('expected')} ${r.expected}`);
    if (r.evidence) lines.push(`${pad}${color.dim('found   ')} ${r.evidence}`);
    if (r.hint) lines.push(`${pad}${color.dim('hint    ')} ${r.hint}`);
    return lines;
  });
}

/** The closing line(s): progress and the one thing to do next. */
export function nextLines(
  lab: string,
  results: StepResult[],
  all: number,
  /** The target flags this check was run with (` --target aws --profile dev`): the commands named here need them too. */
  flags = '',
): string[] {
  const passed = results.filter((r) => r.status === 'passed').length;
  const firstOpen = results.find((r) => r.status !== 'passed');
  // `--step`: count what was checked, not the lab ("1/5 steps complete" with exit 0 read as
  // four steps still to do).
  const count =
    results.length < all
      ? `${passed}/${results.length} checked step${results.length === 1 ? '' : 's'} complete (\`lab check ${lab}${flags}\` checks all ${all}).`
      : `${passed}/${all} steps complete.`;
  if (!firstOpen) return [color.green(count)];
  const lines = [count];
  if (firstOpen.status === 'failed' || firstOpen.status === 'not-tried') {
    lines.push(`Next: step ${firstOpen.id}${firstOpen.hint ? ` — ${firstOpen.hint}` : ''}`);
    lines.push(
      color.dim(
        `Then run \`lab check ${lab}${flags}\` again (\`lab hint ${lab} ${firstOpen.id}\` for help).`,
      ),
    );
  } else {
    lines.push(
      `Waiting for step ${firstOpen.id}: run \`lab check ${lab}${flags} --watch\` to keep checking until it shows up.`,
    );
  }
  return lines;
}

/** The `--json` shape: exactly {lab, target, steps:[{id, status, evidence, hint}]}. */
export function jsonReport(lab: string, target: string, results: StepResult[]) {
  return {
    lab,
    target,
    steps: results.map((r) => ({
      id: r.id,
      status: r.status,
      evidence: r.evidence ?? '',
      hint: r.hint ?? '',
    })),
  };
}

/** A cleaned-up run: which steps were done before the cleanup, and that the lab's things are gone. */
export function cleanedSummary(steps: { id: string; status: string | null }[]): string {
  const done = steps.filter((s) => s.status === 'passed').map((s) => s.id);
  return (
    `Cleaned up: what the lab created is gone from the account. Done before the cleanup: ` +
    `${done.length ? done.join(', ') : 'no step'} (${done.length}/${steps.length}).`
  );
}
