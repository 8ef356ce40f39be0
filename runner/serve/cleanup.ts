// Cleanup from the lab page: the same engine as `lab check` in a terminal when the last
// step passes (runner/cleanup's runCleanup: plan → safety → execute → verify), with its
// printed plan and proof captured for the page instead of a terminal. On AWS nothing is
// deleted until the page sends back the one-time code `lab serve` printed in its own
// terminal (confirm.ts says why not the account id).
import { Writable } from 'node:stream';
import { stripVTControlCharacters } from 'node:util';
import { runCleanup } from '../cleanup/index.ts';
import type { CleanupReport } from '../cleanup/types.ts';
import type { RunnableLab } from '../check/index.ts';
import { openStore, type Run } from '../store/index.ts';
import type { Target } from '../target/index.ts';
import type { Env } from '../paths.ts';
import type { CleanupOutcome } from './api.ts';
import type { CleanupCodes } from './confirm.ts';

/** A stream that keeps what the cleanup prints, line by line, without colours. */
function capture() {
  const lines: string[] = [];
  let rest = '';
  const stream = new Writable({
    write(chunk, _enc, done) {
      const text = rest + stripVTControlCharacters(String(chunk));
      const parts = text.split('\n');
      rest = parts.pop() ?? '';
      lines.push(...parts);
      done();
    },
  });
  return { stream, lines };
}

export interface PageCleanup {
  run: Run;
  target: Target;
  def: RunnableLab;
  home: string;
  env: Env;
  /** AWS: the code the learner typed on the page. */
  confirm?: string;
  /** AWS: the one-time codes `lab serve` prints in its terminal (confirm.ts). */
  codes?: CleanupCodes;
}

function outcome(r: CleanupReport, printed: string[]): CleanupOutcome {
  const planEnd = printed.findIndex((l) => /^\s+done |^(clean|not clean|Dry run)/.test(l));
  return {
    state: r.clean ? 'done' : 'remaining',
    plan: planEnd < 0 ? printed : printed.slice(0, planEnd),
    done: r.done,
    remaining: r.remaining,
  };
}

/**
 * Clean up `run` as the terminal would. On AWS without the typed account id: only the plan
 * (a dry run) and the question. Environment failures (sandbox stopped, credentials) come
 * back as `failed` with the message and hint the terminal would print.
 */
export async function cleanupFromPage(o: PageCleanup): Promise<CleanupOutcome> {
  const aws = o.target.kind === 'aws';
  const taken =
    aws && o.confirm !== undefined ? o.codes?.take(o.run.lab, o.run.id, o.confirm) : undefined;
  const confirmed = !aws || taken === 'ok';
  const out = capture();
  const store = openStore(o.home);
  try {
    const r = await runCleanup({
      run: o.run,
      target: o.target,
      store,
      lab: o.def,
      dryRun: !confirmed,
      yes: confirmed, // the page asked already (or the sandbox, which never asks)
      print: true,
      stdout: out.stream,
      stderr: out.stream,
      env: o.env,
    });
    if (!confirmed) {
      if (!o.codes) throw new Error('A cleanup on AWS from the page needs confirmation codes.');
      o.codes.issue(o.run.lab, o.run.id, o.run.accountId);
      return {
        state: 'confirm',
        plan: out.lines.filter((l) => !l.startsWith('Dry run')),
        done: [],
        remaining: [],
        ...(taken === 'wrong'
          ? {
              message:
                'That is not the code `lab serve` printed: nothing was changed. It printed a new one.',
            }
          : taken === 'none'
            ? {
                message:
                  'That code was used or is older than 10 minutes: nothing was changed. `lab serve` printed a new one.',
              }
            : {}),
      };
    }
    return outcome(r, out.lines);
  } catch (e) {
    const err = e as { message?: string; hint?: string };
    return {
      state: 'failed',
      plan: out.lines,
      done: [],
      remaining: [],
      message: err.message ?? String(e),
      hint:
        err.hint ?? `Run \`lab cleanup ${o.run.lab}${aws ? ' --target aws' : ''}\` to finish it.`,
    };
  } finally {
    store.close();
  }
}
