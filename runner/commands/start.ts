import { defineCommand } from 'citty';
import { labHome } from '../paths.ts';
import { color, progress } from '../ui.ts';
import { targetArgs } from '../target/args.ts';
import { setInterruptNote } from '../interrupt.ts';
import { SANDBOX_MAY_RUN } from './sandbox/common.ts';
import { labCommand } from '../invocation.ts';
import { labsRoot } from '../lab/paths.ts';
import { join, relative } from 'node:path';

export default defineCommand({
  meta: {
    name: 'start',
    description:
      "Start a lab: the sandbox if needed, then the lab's setup (what it creates is recorded)",
  },
  args: {
    lab: { type: 'positional', description: 'Lab id, e.g. day42', required: true },
    json: {
      type: 'boolean',
      description:
        'Print one JSON object: {lab, target, accountId, run:{id,startedAt}, started, created, warnings}',
    },
    ...targetArgs,
  },
  async run({ args }) {
    const env = process.env;
    const home = labHome(env);
    const { resolveTarget, targetKind } = await import('../target/index.ts');
    const { startLab } = await import('../check/start.ts');
    const { loadDefinition } = await import('../check/load.ts');
    await loadDefinition(args.lab, { env }); // an unknown lab fails before anything starts

    const kind = targetKind(args.target, env);
    if (kind === 'sandbox') {
      const { ensureSandbox, readSandboxInfo } = await import('../../sandbox/index.ts');
      // A home that joined a class hosting the sandbox starts nothing here: its account is on
      // the class's server (sandbox/lifecycle/remote.ts).
      const hosted = readSandboxInfo(home)?.classUrl !== undefined;
      const spin = progress(
        hosted ? 'Reaching your account in the class’s sandbox…' : 'Starting the local sandbox…',
        { quiet: args.json },
      );
      setInterruptNote(SANDBOX_MAY_RUN);
      try {
        await ensureSandbox({ home, env, onProgress: (m) => spin.update(m) });
      } finally {
        spin.stop();
        setInterruptNote(undefined);
      }
    }
    const target = await resolveTarget({
      target: kind,
      profile: args.profile,
      region: args.region,
      env,
      home,
    });
    try {
      if (!args.json) console.log(color.bold(target.label));
      const { rootWarnings } = await import('../target/root.ts');
      const warnings = await rootWarnings(target);
      for (const w of warnings) console.error(color.bold(color.red(w)));
      const spin = progress(`Setting up ${args.lab}…`, { quiet: args.json });
      setInterruptNote(
        `the setup of ${args.lab} stopped part-way. \`lab status ${args.lab}\` shows what was recorded; \`lab cleanup ${args.lab}\` removes what it created.`,
      );
      let res;
      try {
        res = await startLab({ lab: args.lab, target, home, env, say: (t) => spin.update(t) });
      } finally {
        spin.stop();
        setInterruptNote(undefined);
      }
      if (args.json) {
        // For scripts (a class's provisioning, CI): what started where, and what setup made.
        console.log(
          JSON.stringify({
            lab: args.lab,
            target: target.kind,
            accountId: target.accountId,
            run: { id: res.run.id, startedAt: res.run.startedAt },
            started: res.started,
            created: res.created,
            warnings,
          }),
        );
        return;
      }
      const started = new Date(res.run.startedAt).toISOString().slice(11, 19);
      if (res.started) {
        console.log(
          `${color.green('✔')} ${args.lab} started at ${started} UTC (run ${res.run.id}).`,
        );
        for (const c of res.created) console.log(`  created ${c} (removed again by the cleanup)`);
      } else {
        console.log(
          `${args.lab} is already under way (run ${res.run.id}, started ${started} UTC): keeping your progress.`,
        );
      }
      console.log('');
      console.log('Next:');
      // Commands as the learner can type them here: `npx lab …` when `lab` is not on their
      // PATH (right after `npm install`), `lab …` inside `lab shell`, where it always is.
      const lab = labCommand(env);
      const file = join(labsRoot(undefined, env), args.lab, 'README.md');
      const readme = relative(process.cwd(), file).startsWith('..')
        ? file
        : relative(process.cwd(), file);
      const flags =
        kind === 'aws' ? ` --target aws${args.profile ? ` --profile ${args.profile}` : ''}` : '';
      if (target.kind === 'sandbox' && env.LAB_SANDBOX) {
        console.log(
          `  1. This shell is wired to the sandbox already: \`aws\` is the sandbox admin (its default profile).`,
        );
      } else if (target.kind === 'sandbox') {
        console.log(`  1. Open a terminal wired to the sandbox: ${color.bold(`${lab} shell`)}`);
        console.log(
          `     (there \`aws\` is the sandbox admin, its default profile, and \`lab\` needs no npx; your real ~/.aws is untouched)`,
        );
      } else {
        console.log(
          `  1. Work in your AWS account as the lab text says (account ${target.accountId}).`,
        );
      }
      // Inside `lab shell`, `lab` is on PATH; on AWS the learner stays in this terminal.
      const there = target.kind === 'sandbox' ? 'lab' : lab;
      console.log(
        `  2. Do the steps in ${readme} (in a browser: ${color.bold(`${lab} serve`)}); stuck? ${color.bold(`${there} hint ${args.lab} <step>`)}`,
      );
      console.log(
        `  3. Check your work at any time: ${color.bold(`${there} check ${args.lab}${flags}`)}`,
      );
    } finally {
      target.close();
    }
  },
});
