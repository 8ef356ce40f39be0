import { defineCommand } from 'citty';
import { LabError } from '../errors.ts';

// Placeholder: replaced by the issue that builds `lab check`.
export default defineCommand({
  meta: { name: 'check', description: '(not built yet)' },
  run() {
    throw new LabError('not_implemented', '`lab check` is not built yet.');
  },
});
