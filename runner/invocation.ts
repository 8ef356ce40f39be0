// How the learner types `lab` in the terminal they ran us from. After `npm install`, the README's
// `npx lab start day42` works but a bare `lab` does not ("command not found") unless `npm link`
// put it on PATH; inside `lab shell` (and after `eval "$(lab sandbox env)"`) it is there. So the
// first things the CLI tells a newcomer to type say `npx lab …` when that is what works.
import { accessSync, constants } from 'node:fs';
import { delimiter, join, sep } from 'node:path';
import type { Env } from './paths.ts';

/** `lab`, or `npx lab` when we were run by npx and no `lab` is on the learner's own PATH. */
export function labCommand(env: Env = process.env): string {
  // npx (npm exec) sets npm_command=exec and puts node_modules/.bin dirs in front of PATH.
  if (env.npm_command !== 'exec') return 'lab';
  const own = (env.PATH ?? '')
    .split(delimiter)
    .filter((d) => d && !d.includes(`node_modules${sep}.bin`) && !d.endsWith('node-gyp-bin'));
  return own.some((d) => executable(join(d, 'lab'))) ? 'lab' : 'npx lab';
}

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

const COMMANDS =
  'list|start|check|status|hint|cleanup|test|dev|sandbox|shell|serve|class|join|report';
const BARE_LAB = new RegExp(`(?<![\\w./-]|npx )lab (?=(?:${COMMANDS})\\b)`, 'g');

/**
 * A message for people with each `lab <command>` in it as the learner can type it here: `npx
 * lab …` when only that works (a bare `lab` would be "command not found"). Messages are written
 * with `lab …`; the places that print them (the error report, `lab check`'s lines, `lab shell`)
 * pass them through this. Never for --json documents (scripts parse those).
 */
export function asTyped(text: string, env: Env = process.env): string {
  return labCommand(env) === 'lab' ? text : text.replace(BARE_LAB, 'npx lab ');
}
