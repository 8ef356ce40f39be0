import { defineCommand } from 'citty';
import { LabError } from '../errors.ts';

// Placeholder: replaced by the issue that builds `lab list`.
export default defineCommand({
  meta: { name: 'list', description: '(not built yet)' },
  run() {
    throw new LabError('not_implemented', '`lab list` is not built yet.');
  },
});
