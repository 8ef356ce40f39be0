import { defineCommand } from 'citty';
import { LabError } from '../errors.ts';

// Placeholder: replaced by the issue that builds `lab sandbox`.
export default defineCommand({
  meta: { name: 'sandbox', description: '(not built yet)' },
  run() {
    throw new LabError('not_implemented', '`lab sandbox` is not built yet.');
  },
});
