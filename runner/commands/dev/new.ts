import { defineCommand } from 'citty';
import { labsRoot } from '../../lab/index.ts';
import { displayPath } from '../../lab/error-map.ts';
import { scaffoldLab } from '../../lab/scaffold.ts';

// `lab dev new <id>`: scaffold a lab folder (README.md, lab.ts, solve.mjs) that passes `lab dev check`.
export default defineCommand({
  meta: {
    name: 'new',
    description: 'Create labs/<id>/ with README.md, lab.ts and solve.mjs that pass `lab dev check`',
  },
  args: {
    id: { type: 'positional', required: true, description: 'The new lab id, e.g. s3-basics' },
    labs: {
      type: 'string',
      description: 'Folder holding the labs (default: the repository labs/)',
    },
  },
  async run({ args }) {
    const files = await scaffoldLab(labsRoot(args.labs), args.id);
    for (const f of files) console.log(`created ${displayPath(f)}`);
    console.log(
      `Next: edit them, then run \`lab dev check ${args.id}\` and \`lab test ${args.id}\`.`,
    );
  },
});
