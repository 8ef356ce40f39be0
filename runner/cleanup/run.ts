// One cleanup of one run: plan → (safety, confirmation) → execute → verify.
// `lab cleanup` and `lab check` (when the last step passes) both call this.
import type { Readable, Writable } from 'node:stream';
import { EXIT, LabError } from '../errors.ts';
import type { Env } from '../paths.ts';
import { ledgerFor, setRunStatus, type Run, type Store } from '../store/index.ts';
import { color } from '../ui.ts';
import { setInterruptNote } from '../interrupt.ts';
import { executePlan } from './execute.ts';
import { planCleanup } from './plan.ts';
import { createsOf, labUsersOf, regionsOf } from '../ownership/index.ts';
import { assertSafeAccount, confirmAccount } from './safety.ts';
import type { CleanupPlan, CleanupReport, CleanupTarget } from './types.ts';
import { verifyCleanup } from './verify.ts';

export interface RunCleanupOptions {
  run: Run;
  target: CleanupTarget;
  store: Store;
  /** The lab definition (lab.ts default export) or anything naming the lab's users. */
  lab?: unknown;
  /** Override the lab users whose new keys are the learner's. */
  labUsers?: string[];
  dryRun?: boolean;
  /** Skip typing the account id back (AWS). */
  yes?: boolean;
  /** Human output (the plan, progress, verdict); `false` for --json. */
  print?: boolean;
  stdout?: Writable;
  stderr?: Writable;
  /** Where the typed account id comes from (AWS). */
  stdin?: Readable;
  env?: Env;
}

export function formatPlan(plan: CleanupPlan): string[] {
  const lines = [
    // The site's one date format (`2026-11-23 09:20 UTC`): the page shows these lines too.
    `Cleanup plan for ${plan.lab} (run ${plan.runId}, started ${new Date(plan.startedAt).toISOString().slice(0, 16).replace('T', ' ')} UTC), ${plan.target.label}:`,
  ];
  if (plan.actions.length === 0) lines.push('  nothing to remove: the ledger has no open entries');
  plan.actions.forEach((a, i) => lines.push(`  ${i + 1}. ${a.text}`));
  for (const k of plan.kept) lines.push(`  keep ${k.resource}: ${k.why}`);
  return lines;
}

export async function runCleanup(o: RunCleanupOptions): Promise<CleanupReport> {
  try {
    return await cleanupOnce(o);
  } catch (e) {
    // Network, credentials, a denied runner call: one clear message, exit 2 (the ledger says
    // what is done, so a rerun with a fixed environment finishes the job).
    if ((e as Error)?.name === 'LabError') throw e;
    throw o.target.environmentError?.(e) ?? e;
  }
}

async function cleanupOnce(o: RunCleanupOptions): Promise<CleanupReport> {
  const stdout = o.stdout ?? process.stdout;
  const stderr = o.stderr ?? process.stderr;
  const say = (s: string) => {
    if (o.print !== false) stdout.write(`${s}\n`);
  };
  const warn = (s: string) => stderr.write(`${color.bold(color.red(s))}\n`);
  const { run, target, store } = o;

  // Refuse before looking any further: wrong account, or root anywhere near.
  await assertSafeAccount(run, target, warn);
  const labUsers = o.labUsers ?? labUsersOf(o.lab, store, run);
  const input = {
    run,
    target,
    store,
    labUsers,
    creates: createsOf(o.lab),
    regions: regionsOf(o.lab),
  };
  const plan = await planCleanup(input);
  for (const line of formatPlan(plan)) say(line);

  if (o.dryRun) {
    say('Dry run: nothing was changed.');
    return { plan, done: [], remaining: [], clean: plan.actions.length === 0, dryRun: true };
  }
  if (target.kind === 'aws' && !o.yes && plan.actions.length > 0) {
    // With --json, stdout is for the one JSON object: show the plan and ask on stderr.
    if (o.print === false) for (const line of formatPlan(plan)) stderr.write(`${line}\n`);
    // Ctrl-C at the question says so: nothing was changed (it said only "Interrupted.").
    setInterruptNote('the cleanup was not confirmed; nothing was changed.');
    try {
      await confirmAccount(
        run.accountId,
        o.stdin ?? process.stdin,
        o.print === false ? stderr : stdout,
      );
    } finally {
      setInterruptNote(undefined);
    }
  }

  setInterruptNote(
    `the cleanup of ${run.lab} stopped part-way; what is done is recorded, and \`lab cleanup ${run.lab}${target.kind === 'aws' ? ' --target aws' : ''}\` finishes it.`,
  );
  let done: string[];
  try {
    done = await executePlan(plan, {
      target,
      store,
      env: o.env ?? process.env,
      onDone: (t) => say(`  ${color.green('done')} ${t}`),
    });
  } finally {
    setInterruptNote(undefined);
  }
  const remaining = await verifyCleanup(plan, { target, store });
  const clean = remaining.length === 0;
  if (clean) {
    setRunStatus(store, run.id, 'cleaned');
    say(
      `${color.green('clean')} nothing the lab created remains (checked ${proofScope(plan)} and ${target.learnerFiles.credentialsFile}, ${target.learnerFiles.configFile}).`,
    );
  } else {
    say(`${color.red('not clean')} ${remaining.length} thing(s) the lab created remain:`);
    for (const r of remaining) say(`  ${r.resource}: ${r.why}`);
    say('Run `lab cleanup` again; it picks up where it stopped.');
  }
  return { plan, done, remaining, clean, dryRun: false };
}

/** What the proof behind "clean" looked at: the kinds the run recorded, and where. */
function proofScope(plan: CleanupPlan): string {
  const kinds = plan.proof.kinds.length ? ` (${plan.proof.kinds.join(', ')})` : '';
  return `every kind the run recorded${kinds}, in ${plan.proof.regions.join(', ')},`;
}

/** Exit code for a cleanup report: 0 clean, 1 something remains. */
export function cleanupExitCode(r: CleanupReport): number {
  return r.clean || r.dryRun ? EXIT.ok : EXIT.incomplete;
}

export function noRunError(lab: string, label: string): LabError {
  return new LabError(
    'no_run',
    `No run of ${lab} to clean up in ${label}.`,
    `Start one with \`lab start ${lab}\`; \`lab status\` lists your runs.`,
    EXIT.usage,
  );
}
