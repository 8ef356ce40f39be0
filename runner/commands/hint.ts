import { defineCommand } from 'citty';
import { LabError } from '../errors.ts';
import { labsRoot } from '../lab/paths.ts';
import { color, printJson } from '../ui.ts';

// `lab hint <lab> <step>`: the hints the lab page folds away, in the terminal.
export default defineCommand({
  meta: { name: 'hint', description: "Show a step's hints" },
  args: {
    lab: { type: 'positional', required: true, description: 'Lab id, e.g. day42' },
    // Optional: without it, the lab's steps and how many hints each has (citty's own error
    // said only "Missing required positional argument: STEP").
    step: {
      type: 'positional',
      required: false,
      description: 'Step id, e.g. create-key (default: list the steps)',
    },
    labs: {
      type: 'string',
      description: 'Folder holding the labs (default: the repository labs/)',
    },
    json: {
      type: 'boolean',
      description:
        'Print one JSON object: {lab, step, index, title, hints:[{summary, text}]} (no step: {lab, title, steps:[…]})',
    },
  },
  async run({ args }) {
    // Imported here: `lab --help` imports every command file, and markdown-it is not cheap.
    const { findLab } = await import('../lab/index.ts');
    const { markdownToTerminal } = await import('../lab/terminal.ts');
    const lab = await findLab(args.lab, labsRoot(args.labs));
    if (!args.step) {
      if (args.json) {
        const steps = lab.steps.map((s) => ({
          id: s.id,
          index: s.index,
          title: s.title,
          hints: s.hints.length,
        }));
        printJson({ lab: lab.id, title: lab.meta.title, steps });
        return;
      }
      const width = Math.max(...lab.steps.map((s) => s.id.length));
      console.log(color.bold(`${lab.id} — ${lab.meta.title}`));
      for (const s of lab.steps) {
        const n = s.hints.length;
        console.log(
          `  ${s.index}. ${s.id.padEnd(width)}  ${s.title} ${color.dim(`(${n} hint${n === 1 ? '' : 's'})`)}`,
        );
      }
      console.log(`\n\`lab hint ${lab.id} <step>\` shows a step's hints.`);
      return;
    }
    const step = lab.steps.find((s) => s.id === args.step);
    if (!step) {
      throw new LabError(
        'unknown_step',
        `Lab ${lab.id} has no step \`${args.step}\`.`,
        `Steps of ${lab.id}: ${lab.steps.map((s) => s.id).join(', ')}.`,
      );
    }
    if (args.json) {
      // The hints' Markdown as the lab wrote it (the terminal rendering is for people).
      const hints = step.hints.map((text, i) => ({
        summary: step.hintSummaries[i] || `Hint ${i + 1}`,
        text,
      }));
      printJson({ lab: lab.id, step: step.id, index: step.index, title: step.title, hints });
      return;
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
