// `lab check`: target line, concurrent checks behind a progress line, one
// verdict per step, what to do next; --json, --watch, automatic cleanup.
import { EXIT, LabError } from '../errors.ts';
import type { Env } from '../paths.ts';
import { color, progress } from '../ui.ts';
import { resolveTarget, type Target } from '../target/index.ts';
import { rootWarnings } from '../target/root.ts';
import { openStore } from '../store/index.ts';
import { checkLab, cleanupDue, type CheckResult } from './engine.ts';
import { stepVerdictLines, nextLines, jsonReport, cleanedSummary } from './format.ts';
import { watchView } from './watch-view.ts';
import { systemClock, type Clock } from './context.ts';
import type { RunnableLab } from './load.ts';
import type { Run } from '../store/index.ts';
import { onInterrupt } from '../interrupt.ts';
import { asTyped } from '../invocation.ts';

export interface CheckCommandOptions {
  lab: string;
  step?: string;
  watch?: boolean;
  intervalSec?: number;
  json?: boolean;
  cleanup?: boolean;
  yes?: boolean;
  target?: string;
  profile?: string;
  region?: string;
  home: string;
  env: Env;
  clock?: Clock;
  out?: (line: string) => void;
  err?: (line: string) => void;
  /**
   * Called with each pass's recorded results (the command wires the class outbox here, so the
   * check layer never imports the class layer above it).
   */
  onResults?: (r: {
    home: string;
    lab: string;
    results: CheckResult[];
    runId: number;
  }) => Promise<unknown>;
}

/** Run `lab check`; returns the exit code (0 all passed, 1 not all passed). Throws LabError (2). */
export async function runCheckCommand(o: CheckCommandOptions): Promise<number> {
  // Lines for people say `npx lab …` where only that works (invocation.ts); --json as it is.
  const typed = (l: string) => (o.json ? l : asTyped(l, o.env));
  const out = o.out ?? ((l: string) => process.stdout.write(`${typed(l)}\n`));
  const err = o.err ?? ((l: string) => process.stderr.write(`${typed(l)}\n`));
  if (o.intervalSec !== undefined && !(o.intervalSec > 0)) {
    throw new LabError('bad_interval', '--interval must be a positive number of seconds.');
  }
  const target = await resolveTarget({
    target: o.target,
    profile: o.profile,
    region: o.region,
    env: o.env,
    home: o.home,
  });
  try {
    if (!o.json) out(color.bold(target.label));
    // On AWS: root in use, or root keys in the account (one IAM call; none on the sandbox).
    // Awaited before the checks: if the runner may not ask, the check stops (exit 2) before
    // any result is recorded.
    for (const w of await rootWarnings(target)) err(color.bold(color.red(w)));
    const clock = o.clock ?? systemClock;
    const interval = (o.intervalSec ?? (target.kind === 'aws' ? 30 : 5)) * 1000;
    const stop = watchInterrupt(o.watch);
    // On a terminal each --watch pass redraws the last one; piped, only what changed is added.
    const tty = !o.out && process.stdout.isTTY;
    const view = watchView(out, tty ? process.stdout.columns || 80 : undefined);
    try {
      for (let pass = 1; ; pass++) {
        const outcome = await checkOnce(o, target);
        const { results, run, def, finished } = outcome;
        const passed = results.every((r) => r.status === 'passed');
        const last = !o.watch || passed || stop.requested;
        if (!o.json && finished) {
          // The run's results are from before its cleanup; their evidence ("AKIA… still
          // exists") no longer describes the account, so say what it shows now instead.
          const when = run.endedAt ? ` at ${run.endedAt.slice(0, 16).replace('T', ' ')} UTC` : '';
          out(`Run ${run.id} of ${o.lab} was cleaned up${when}.`);
          out(cleanedSummary(results));
          out(`\`lab start ${o.lab}\` starts the lab again.`);
        } else if (!o.json) {
          const flags = [
            target.kind === 'aws' ? ' --target aws' : '',
            o.profile ? ` --profile ${o.profile}` : '',
            o.region ? ` --region ${o.region}` : '',
          ].join('');
          const lines = stepVerdictLines(results);
          view.show(
            {
              steps: results.map((result, i) => ({ result, lines: lines[i] })),
              next: nextLines(o.lab, results, Object.keys(def.steps).length, flags),
              waiting: color.dim(
                tty
                  ? `Checking again in ${interval / 1000} s (Ctrl-C to stop)…`
                  : `Checking again every ${interval / 1000} s; printing only what changes (Ctrl-C to stop)…`,
              ),
              time: color.dim(`— ${clock.now().toISOString().slice(11, 19)} UTC`),
            },
            last,
          );
        }
        const cleanup = cleanupDue(outcome, o.step)
          ? await autoCleanup(o, target, run, def, out, err)
          : undefined;
        // --json: one document, printed once the automatic cleanup (if any) is over, with its
        // plan and its proof (what was done, what remains) or why it did not run.
        if (o.json && last) {
          const cleaned = finished ? { cleanedUpAt: run.endedAt } : {};
          out(JSON.stringify({ ...jsonReport(o.lab, target.kind, results), ...cleaned, cleanup }));
        }
        if (last) return passed ? EXIT.ok : EXIT.incomplete;
        await stop.sleep(interval, clock);
        if (stop.requested) {
          // Ctrl-C while waiting: --json still prints its one object (the latest pass).
          if (o.json) out(JSON.stringify(jsonReport(o.lab, target.kind, results)));
          return EXIT.incomplete;
        }
      }
    } finally {
      stop.dispose();
    }
  } finally {
    target.close();
  }
}

async function checkOnce(o: CheckCommandOptions, target: Target) {
  const spin = progress(`Checking ${o.lab} (${target.label})…`, {
    quiet: o.json,
  });
  try {
    const checked = await checkLab({
      lab: o.lab,
      target,
      home: o.home,
      step: o.step,
      env: o.env,
      clock: o.clock,
      onStep: (_r: CheckResult, done: number, total: number) =>
        spin.update(`Checking ${o.lab}: ${done}/${total} steps checked…`),
    });
    await o.onResults?.({
      home: o.home,
      lab: o.lab,
      results: checked.results,
      runId: checked.run.id,
    });
    return checked;
  } finally {
    spin.stop();
  }
}

/** When the last step passes: remove what the lab created (runner/cleanup, `lab cleanup`'s engine). */
async function autoCleanup(
  o: CheckCommandOptions,
  target: Target,
  run: Run,
  def: RunnableLab,
  out: (l: string) => void,
  err: (l: string) => void,
) {
  const command = `lab cleanup ${o.lab}${target.kind === 'aws' ? ' --target aws' : ''}`;
  if (!o.cleanup) {
    if (!o.json) out(`Every step passed. Remove what the lab created with \`${command}\`.`);
    return { ran: false, reason: '--no-cleanup', command };
  }
  // On AWS the account id must be typed back (or --yes): only where someone can type it.
  if (target.kind === 'aws' && !o.yes && (o.json || !process.stdin.isTTY)) {
    if (!o.json) out(`Every step passed. Remove what the lab created: \`${command}\`.`);
    return { ran: false, reason: 'the account id must be typed back (or --yes)', command };
  }
  if (!o.json) out(color.bold('Every step passed: cleaning up what the lab created.'));
  const { runCleanup } = await import('../cleanup/index.ts');
  const store = openStore(o.home);
  try {
    const r = await runCleanup({
      run,
      target,
      store,
      lab: def,
      yes: o.yes,
      print: !o.json,
      env: o.env,
    });
    return {
      ran: true,
      clean: r.clean,
      plan: r.plan.actions.map((a) => a.text),
      done: r.done,
      kept: r.plan.kept,
      remaining: r.remaining,
    };
  } catch (e) {
    err(`${color.red('automatic cleanup did not finish:')} ${(e as Error).message}`);
    err(`Run \`${command}\` to finish it.`);
    return { ran: false, reason: (e as Error).message, command };
  } finally {
    store.close();
  }
}

/** Ctrl-C during --watch ends the loop cleanly (exit 1, no stack trace). */
function watchInterrupt(watch?: boolean) {
  const state = { requested: false, wake: () => {} };
  const onSig = () => {
    state.requested = true;
    state.wake();
  };
  const off = watch ? onInterrupt(onSig) : () => {};
  return {
    get requested() {
      return state.requested;
    },
    sleep(ms: number, clock: Clock) {
      if (clock !== systemClock) {
        return Promise.race([clock.sleep(ms), new Promise<void>((r) => (state.wake = r))]);
      }
      // A real timer is cleared on Ctrl-C, so the process exits at once.
      return new Promise<void>((r) => {
        const t = setTimeout(r, ms);
        state.wake = () => {
          clearTimeout(t);
          r();
        };
      });
    },
    dispose() {
      off();
    },
  };
}
