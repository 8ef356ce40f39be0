// `lab test <lab>`: run the lab end to end through solve.mjs in a fresh sandbox
// and check that every check fails before its step and passes after, and that
// cleanup leaves the account and the CLI files as setup found them.
import { defineCommand } from 'citty';
import { EXIT } from '../errors.ts';
import { testLab } from '../labtest/run.ts';
import { color } from '../ui.ts';

export default defineCommand({
  meta: {
    name: 'test',
    description: "Test a lab's checks against its solve.mjs in a fresh sandbox",
  },
  args: {
    lab: { type: 'positional', required: true, description: 'Lab id, e.g. day42' },
    labs: { type: 'string', description: 'Labs folder (default: the repository labs/)' },
  },
  async run({ args }) {
    console.log(`lab test ${args.lab}: a fresh local sandbox (temporary, stopped afterwards)`);
    const verdicts = await testLab({
      lab: args.lab,
      labsDir: args.labs,
      say: (t) => console.error(color.dim(t)),
      onVerdict: (v) =>
        console.log(`${v.ok ? color.green('✓') : color.red('✗')} ${v.phase}: ${v.detail}`),
    });
    const failed = verdicts.filter((v) => !v.ok);
    console.log(
      failed.length === 0
        ? color.green(`PASS ${args.lab}: ${verdicts.length} phases`)
        : color.red(`FAIL ${args.lab}: ${failed.map((v) => v.phase).join(', ')}`),
    );
    process.exitCode = failed.length === 0 ? EXIT.ok : EXIT.incomplete;
  },
});
