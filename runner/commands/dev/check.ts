import { defineCommand } from 'citty';
import { basename } from 'node:path';
import { EXIT, LabError } from '../../errors.ts';
import { devCheck, labFolders } from '../../lab/dev-check.ts';
import { displayPath, formatProblem, labsRoot } from '../../lab/index.ts';
import { color } from '../../ui.ts';

// `lab dev check [lab]`: lint lab folders. Exit 0 when clean, 2 when any problem is found.
export default defineCommand({
  meta: {
    name: 'check',
    description:
      'Check labs: frontmatter schema, unique ids, README.md steps = lab.ts checks = solve.mjs steps',
  },
  args: {
    lab: { type: 'positional', required: false, description: 'Only this lab (default: all)' },
    json: { type: 'boolean', description: 'Print one JSON object: {"ok",labs:[{id,problems}]}' },
    labs: {
      type: 'string',
      description: 'Folder holding the labs (default: the repository labs/)',
    },
  },
  async run({ args }) {
    const root = labsRoot(args.labs);
    const all = await labFolders(root).catch(() => {
      throw new LabError(
        'no_labs_dir',
        `Cannot read the labs folder ${root}.`,
        'Pass --labs <dir>.',
      );
    });
    let dirs = all;
    if (args.lab) {
      dirs = all.filter((d) => basename(d) === args.lab);
      if (dirs.length === 0) {
        throw new LabError(
          'unknown_lab',
          `There is no lab \`${args.lab}\` in ${root}.`,
          `Labs: ${all.map((d) => basename(d)).join(', ') || '(none)'}.`,
        );
      }
    }
    const results = await devCheck(dirs);
    const count = results.reduce((n, r) => n + r.problems.length, 0);
    process.exitCode = count === 0 ? EXIT.ok : EXIT.usage;

    if (args.json) {
      const labs = results.map((r) => ({
        id: r.id,
        dir: displayPath(r.dir),
        problems: r.problems.map((p) => ({ ...p, file: displayPath(p.file) })),
      }));
      console.log(JSON.stringify({ ok: count === 0, labs }));
      return;
    }
    for (const r of results) {
      if (r.problems.length === 0) {
        console.log(`${color.green('✓')} ${r.id}`);
        continue;
      }
      console.log(`${color.red('✗')} ${r.id}`);
      for (const p of r.problems) console.log(`  ${formatProblem(p)}`);
    }
    const failed = results.filter((r) => r.problems.length).length;
    console.log(
      count === 0
        ? `\n${results.length} lab(s) checked, no problems.`
        : `\n${count} problem(s) in ${failed} of ${results.length} lab(s). Fix them, then run \`lab dev check\` again.`,
    );
  },
});
