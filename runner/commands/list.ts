import { defineCommand } from 'citty';
import { labsRoot } from '../lab/paths.ts';
import { color } from '../ui.ts';

// `lab list`: the labs in this repository (or under --labs / LAB_LABS_DIR).
export default defineCommand({
  meta: { name: 'list', description: 'List the labs: id, title, minutes, services' },
  args: {
    json: { type: 'boolean', description: 'Print one JSON object: {"labs":[{id,title,…}]}' },
    labs: {
      type: 'string',
      description: 'Folder holding the labs (default: the repository labs/)',
    },
  },
  async run({ args }) {
    // Imported here: `lab --help` imports every command file, and markdown-it is not cheap.
    const { listLabs } = await import('../lab/index.ts');
    const labs = await listLabs(labsRoot(args.labs));
    if (args.json) {
      const rows = labs.map(({ id, meta }) => ({
        id,
        title: meta.title,
        summary: meta.summary,
        minutes: meta.minutes,
        level: meta.level,
        services: meta.services,
      }));
      console.log(JSON.stringify({ labs: rows }));
      return;
    }
    if (labs.length === 0) {
      console.log('No labs found.');
      return;
    }
    const idWidth = Math.max(...labs.map((l) => l.id.length));
    const titleWidth = Math.max(...labs.map((l) => l.meta.title.length));
    for (const { id, meta } of labs) {
      const minutes = `${meta.minutes} min`.padStart(7);
      console.log(
        `${color.bold(id.padEnd(idWidth))}  ${meta.title.padEnd(titleWidth)}  ${minutes}  ${color.dim(meta.services.join(', '))}`,
      );
    }
    console.log(
      color.dim(`\nStart one with \`lab start <id>\`; \`lab hint <id> <step>\` shows hints.`),
    );
  },
});
