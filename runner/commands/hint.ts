import { defineCommand } from 'citty';
import { LabError } from '../errors.ts';
import { findLab, labsRoot } from '../lab/index.ts';
import { markdownToTerminal } from '../lab/terminal.ts';
import { color } from '../ui.ts';

// `lab hint <lab> <step>`: the hints the lab page folds away, in the terminal.
export default defineCommand({
  meta: { name: 'hint', description: "Show a step's hints" },
  args: {
    lab: { type: 'positional', required: true, description: 'Lab id, e.g. day42' },
    step: { type: 'positional', required: true, description: 'Step id, e.g. create-key' },
    labs: {
      type: 'string',
      description: 'Folder holding the labs (default: the repository labs/)',
    },
  },
  async run({ args }) {
    const lab = await findLab(args.lab, labsRoot(args.labs));
    const step = lab.steps.find((s) => s.id === args.step);
    if (!step) {
      throw new LabError(
        'unknown_step',
        `Lab ${lab.id} has no step \`${args.step}\`.`,
        `Steps of ${lab.id}: ${lab.steps.map((s) => s.id).join(', ')}.`,
      );
    }
    console.log(
      `${color.bold(`${lab.id} · step ${step.index}: ${step.title}`)} ${color.dim(`(${step.id})`)}`,
    );
    if (step.hints.length === 0) {
      console.log(
        '\nThis step has no hints. Run `lab check ' + lab.id + '` to see what is missing.',
      );
      return;
    }
    step.hints.forEach((hint, i) => {
      const summary = step.hintSummaries[i] || `Hint ${i + 1}`;
      console.log(`\n${color.yellow(`${i + 1}.`)} ${color.bold(markdownToTerminal(summary))}`);
      console.log(markdownToTerminal(hint, '   '));
    });
  },
});
