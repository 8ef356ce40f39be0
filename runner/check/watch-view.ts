// How `lab check --watch` shows its passes. Reprinting the whole block every few seconds buried
// the one line that changed and filled the scrollback. On a terminal each pass redraws the block
// in place (cursor up over the last one, clear to the end of the screen); piped (a log, `tee`)
// the first pass is printed whole and each later one only with the steps whose verdict changed,
// then the progress lines if they changed: a pass that changed nothing prints nothing.
import type { StepResult } from '../lab/define.ts';

export interface WatchBlock {
  /** Each step's verdict lines, in step order. */
  steps: { result: StepResult; lines: string[] }[];
  /** The progress and what-next lines after the steps. */
  next: string[];
  /** Said under the block while waiting (terminal: redrawn with it; piped: said once). */
  waiting: string;
  /** When this pass ran ("— 14:03:11 UTC"), shown from the second pass on. */
  time: string;
}

export interface WatchView {
  /** Show one pass. `last`: no waiting line (the watch ends after it). */
  show(block: WatchBlock, last: boolean): void;
}

const ANSI = /\x1b\[[0-9;]*m/g;

/** `write(line)` prints one line; `columns`: the terminal's width, undefined when piped. */
export function watchView(write: (line: string) => void, columns: number | undefined): WatchView {
  let rows = 0; // terminal: how many rows the last block took
  let pass = 0;
  let before: Map<string, string> | undefined; // piped: each step's lines last shown
  let nextBefore = '';
  const rowsOf = (line: string) =>
    Math.max(1, Math.ceil(line.replace(ANSI, '').length / (columns ?? Infinity)));
  return {
    show(block, last) {
      pass++;
      if (columns !== undefined) {
        const lines = [
          ...(pass > 1 ? [block.time] : []),
          ...block.steps.flatMap((s) => s.lines),
          ...block.next,
          ...(last ? [] : [block.waiting]),
        ];
        // Back over the previous block (its rows, wrapped lines counted), then clear below.
        const back = rows > 0 ? `\x1b[${rows}A\x1b[0J` : '';
        lines.forEach((l, i) => write(i === 0 ? back + l : l));
        rows = lines.reduce((n, l) => n + rowsOf(l), 0);
        return;
      }
      const now = new Map(block.steps.map((s) => [s.result.id, s.lines.join('\n')]));
      const next = block.next.join('\n');
      if (!before) {
        for (const s of block.steps) s.lines.forEach((l) => write(l));
        block.next.forEach((l) => write(l));
        if (!last) write(block.waiting);
      } else {
        const changed = block.steps.filter(
          (s) => before!.get(s.result.id) !== now.get(s.result.id),
        );
        if (changed.length > 0 || next !== nextBefore) {
          write(block.time);
          for (const s of changed) s.lines.forEach((l) => write(l));
          if (next !== nextBefore) block.next.forEach((l) => write(l));
        }
      }
      before = now;
      nextBefore = next;
    },
  };
}
