import { defineCommand } from 'citty';
import { LabError } from '../errors.ts';

// Placeholder: replaced by the issue that builds `lab test`.
export default defineCommand({
  meta: { name: 'test', description: '(not built yet)' },
  run() {
    throw new LabError('not_implemented', '`lab test` is not built yet.');
  },
});
