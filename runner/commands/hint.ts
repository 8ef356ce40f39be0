import { defineCommand } from 'citty';
import { LabError } from '../errors.ts';

// Placeholder: replaced by the issue that builds `lab hint`.
export default defineCommand({
  meta: { name: 'hint', description: '(not built yet)' },
  run() {
    throw new LabError('not_implemented', '`lab hint` is not built yet.');
  },
});
