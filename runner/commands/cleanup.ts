// `lab cleanup <lab>`: remove what a run of the lab created (see docs/cleanup.md).
import { defineCommand } from 'citty';
import { EXIT, LabError } from '../errors.ts';
import { labHome } from '../paths.ts';
import type { Run, Store } from '../store/index.ts';
import type { Target } from '../target/index.ts';
import type { CleanupReport } from '../cleanup/index.ts';

export default defineCommand({
  meta: {
    name: 'cleanup',
    description:
      'Remove what a lab run created (keys, profile sections, the lab user), then verify',
  },
  args: {
    lab: { type: 'positional', required: false, description: 'Lab id, e.g. day42' },
    'dry-run': { type: 'boolean', description: 'Print the plan and change nothing' },
    yes: { type: 'boolean', description: 'AWS: do not ask for the account id to be typed back' },
    expired: {
      type: 'boolean',
      description: 'Clean up every run left open past its lab time limit (all labs, or <lab>)',
    },
    json: { type: 'boolean', description: 'Print one JSON object instead of text' },
    target: { type: 'string', description: 'sandbox (default) or aws' },
    profile: { type: 'string', description: 'AWS profile of the runner identity (--target aws)' },
    region: { type: 'string', description: 'Region for the runner clients' },
  },
  async run({ args }) {
    if (!args.lab && !args.expired) {
      throw new LabError('usage', 'Which lab? `lab cleanup <lab>`, or `lab cleanup --expired`.');
    }
    // Imported here, not at the top: `lab --help` imports every command file.
    const { resolveTarget } = await import('../target/index.ts');
    const { openStore } = await import('../store/index.ts');
    const { runCleanup, cleanupExitCode } = await import('../cleanup/index.ts');
    const home = labHome();
    const target = await resolveTarget({
      target: args.target,
      profile: args.profile,
      region: args.region,
      home,
    });
    const store = openStore(home);
    const print = !args.json;
    try {
      if (print) console.log(`lab cleanup: ${target.label}`);
      const runs = args.expired
        ? await expired(store, target, args.lab)
        : await openRun(store, String(args.lab), target, print);
      if (print && args.expired && runs.length === 0) {
        console.log('Nothing to clean up: no run is past its time limit.');
      }
      const reports: CleanupReport[] = [];
      for (const run of runs) {
        reports.push(
          await runCleanup({
            run,
            target,
            store,
            lab: await labDefinition(run.lab),
            dryRun: args['dry-run'],
            yes: args.yes,
            print,
          }),
        );
      }
      if (args.json) {
        console.log(
          JSON.stringify({
            lab: args.lab ?? null,
            target: target.kind,
            accountId: target.accountId,
            runs: reports.map((r) => ({
              runId: r.plan.runId,
              lab: r.plan.lab,
              dryRun: r.dryRun,
              clean: r.clean,
              plan: r.plan.actions.map((a) => a.text),
              done: r.done,
              kept: r.plan.kept,
              remaining: r.remaining,
            })),
          }),
        );
      }
      process.exitCode = Math.max(EXIT.ok, ...reports.map(cleanupExitCode));
    } finally {
      store.close();
      target.close();
    }
  },
});

/** The open run of `lab` in this account; refuse if the only open run is in another account. */
async function openRun(store: Store, lab: string, target: Target, print: boolean): Promise<Run[]> {
  const { currentRun, listRuns } = await import('../store/index.ts');
  const run = currentRun(store, lab, target.kind, target.accountId);
  if (run) return [run];
  // Already cleaned: a rerun is a no-op, not an error. (The closed run is not planned
  // again: a key made after it ended is not that run's to delete.)
  const last = listRuns(store, lab).find(
    (r) => r.target === target.kind && r.accountId === target.accountId,
  );
  if (last?.status === 'cleaned') {
    if (print) {
      console.log(
        `Nothing to clean up: run ${last.id} of ${lab} was cleaned up at ${last.endedAt ? `${last.endedAt.slice(0, 16).replace('T', ' ')} UTC` : 'an earlier time'}.`,
      );
    }
    return [];
  }
  const elsewhere = listRuns(store, lab).find(
    (r) => r.target === target.kind && (r.status === 'running' || r.status === 'completed'),
  );
  if (elsewhere) {
    throw new LabError(
      'wrong_account',
      `Refusing to clean up: the open run of ${lab} (run ${elsewhere.id}) was in account ${elsewhere.accountId}, but ${target.label}.`,
      `Use credentials for account ${elsewhere.accountId} (--profile).`,
    );
  }
  throw new LabError(
    'no_run',
    `No open run of ${lab} in ${target.label}: nothing to clean up.`,
    `\`lab status\` lists your runs; \`lab start ${lab}\` starts one.`,
    EXIT.usage,
  );
}

async function expired(store: Store, target: Target, lab?: string) {
  const { listRuns } = await import('../store/index.ts');
  const { expiredRuns, limitMinutes } = await import('../cleanup/index.ts');
  const { findLab } = await import('../lab/index.ts');
  const limits = new Map<string, number>();
  for (const r of listRuns(store, lab)) {
    if (limits.has(r.lab)) continue;
    const meta = await findLab(r.lab).then(
      (l) => l.meta,
      () => undefined,
    );
    limits.set(r.lab, limitMinutes(meta));
  }
  return expiredRuns(store, {
    target: target.kind,
    accountId: target.accountId,
    now: new Date(),
    lab,
    limitFor: (l) => limits.get(l) ?? limitMinutes(undefined),
  }).reverse();
}

/** The lab's lab.ts default export (it names the lab's users); none for a lab that is gone. */
async function labDefinition(id: string): Promise<unknown> {
  const { loadDefinition } = await import('../check/load.ts');
  return loadDefinition(id).catch(() => undefined);
}
