// `lab test <lab>`: run the lab end to end through solve.mjs in a fresh sandbox
// and check that every check fails before its step and passes after, and that
// cleanup leaves the account and the CLI files as setup found them.
import { defineCommand } from 'citty';
import { EXIT } from '../errors.ts';
import type { PhaseVerdict } from '../labtest/run.ts';
import { color, printJson } from '../ui.ts';

export default defineCommand({
  meta: {
    name: 'test',
    description: "Test a lab's checks against its solve.mjs in a fresh sandbox",
  },
  args: {
    lab: { type: 'positional', required: true, description: 'Lab id, e.g. day42' },
    labs: { type: 'string', description: 'Labs folder (default: the repository labs/)' },
    json: {
      type: 'boolean',
      description:
        'Print one JSON object: {lab, passed, setup, steps:[{id,ok,before,after,evidence}], hostile, cleanup, account, cliFiles, mistakes:[{step,name,ok,detail}]}',
    },
  },
  async run({ args }) {
    // --json: stdout holds only the document; the lines for people go to stderr as they come.
    const say = args.json ? console.error : console.log;
    // Imported here: `lab --help` imports every command file; this one brings the sandbox and zx.
    const { testLab } = await import('../labtest/run.ts');
    say(`lab test ${args.lab}: a fresh local sandbox (temporary, stopped afterwards)`);
    const verdicts = await testLab({
      lab: args.lab,
      labsDir: args.labs,
      say: (t) => console.error(color.dim(t)),
      onVerdict: (v) => say(`${v.ok ? color.green('✓') : color.red('✗')} ${v.phase}: ${v.detail}`),
    });
    const failed = verdicts.filter((v) => !v.ok);
    process.exitCode = failed.length === 0 ? EXIT.ok : EXIT.incomplete;
    if (args.json) {
      printJson(testDocument(args.lab, verdicts));
      return;
    }
    console.log(
      failed.length === 0
        ? color.green(`PASS ${args.lab}: ${verdicts.length} phases`)
        : color.red(`FAIL ${args.lab}: ${failed.map((v) => v.phase).join(', ')}`),
    );
  },
});

/** `lab test --json`: one entry per phase, the lab's steps with their statuses before and after. */
export function testDocument(lab: string, verdicts: PhaseVerdict[]) {
  const phase = (name: string) => {
    const v = verdicts.find((x) => x.phase === name);
    return v ? { ok: v.ok, detail: v.detail } : null; // null: the test stopped before it
  };
  const steps = verdicts
    .filter((v) => v.step)
    .map((v) => ({ id: v.phase, ok: v.ok, ...v.step!, detail: v.detail }));
  return {
    lab,
    passed: verdicts.every((v) => v.ok),
    setup: phase('setup'),
    steps,
    hostile: phase('hostile'),
    cleanup: phase('lab cleanup'),
    account: phase('account'),
    cliFiles: phase('cli-files'),
    // The lab's declared mistakes: each made, its verdict checked, its hint followed to a pass.
    mistakes: verdicts
      .filter((v) => v.phase.startsWith('mistake '))
      .map((v) => {
        const [step, ...name] = v.phase.slice('mistake '.length).split(': ');
        return { step, name: name.join(': '), ok: v.ok, detail: v.detail };
      }),
  };
}
