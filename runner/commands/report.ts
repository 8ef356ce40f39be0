import { defineCommand } from 'citty';
import { LabError } from '../errors.ts';

// Placeholder: replaced by the issue that builds `lab report`.
export default defineCommand({
  meta: { name: 'report', description: '(not built yet)' },
  run() {
    throw new LabError('not_implemented', '`lab report` is not built yet.');
  },
});
