import { defineCommand } from 'citty';
import { LabError } from '../errors.ts';

// Placeholder: replaced by the issue that builds `lab status`.
export default defineCommand({
  meta: { name: 'status', description: '(not built yet)' },
  run() {
    throw new LabError('not_implemented', '`lab status` is not built yet.');
  },
});
