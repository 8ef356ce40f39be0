import { defineCommand } from 'citty';

// `lab dev <sub>`: tools for lab authors. One file per subcommand.
export default defineCommand({
  meta: { name: 'dev', description: 'Tools for lab authors: check, new' },
  subCommands: {
    check: () => import('./dev/check.ts').then((m) => m.default),
    new: () => import('./dev/new.ts').then((m) => m.default),
  },
});
