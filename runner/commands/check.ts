import { defineCommand } from 'citty';
import { labHome } from '../paths.ts';
import { targetArgs } from '../target/args.ts';

export default defineCommand({
  meta: {
    name: 'check',
    description: 'Check each step of a lab against the account (exit 0: all done)',
  },
  args: {
    lab: { type: 'positional', description: 'Lab id, e.g. day42', required: true },
    step: { type: 'string', description: 'Check only this step' },
    watch: { type: 'boolean', description: 'Keep checking until every step passes (Ctrl-C stops)' },
    interval: {
      type: 'string',
      description: 'Seconds between checks with --watch (default 5; 30 on AWS)',
    },
    json: {
      type: 'boolean',
      description: 'Print one JSON object: {lab, target, steps:[{id,status,evidence,hint}]}',
    },
    cleanup: {
      type: 'boolean',
      default: true,
      description: 'Clean up automatically when the last step passes (--no-cleanup to skip)',
    },
    yes: { type: 'boolean', description: 'AWS: clean up without typing the account id back' },
    ...targetArgs,
  },
  async run({ args }) {
    // Imported here, not at the top: `lab check --help` should not pay for the SDK.
    const { runCheckCommand } = await import('../check/command.ts');
    const { publishResults } = await import('../class/outbox.ts');
    process.exitCode = await runCheckCommand({
      lab: args.lab,
      step: args.step,
      watch: !!args.watch,
      intervalSec: args.interval ? Number(args.interval) : undefined,
      json: !!args.json,
      cleanup: args.cleanup !== false,
      yes: !!args.yes,
      target: args.target,
      profile: args.profile,
      region: args.region,
      home: labHome(process.env),
      env: process.env,
      // Joined a class (`lab join`)? Send the recorded results there too; queued when offline.
      onResults: (r) => publishResults(r.home, r.lab, r.results, { runId: r.runId }),
    });
  },
});
