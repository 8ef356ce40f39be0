import { defineCommand } from 'citty';
import { LabError } from '../errors.ts';

// Placeholder: replaced by the issue that builds `lab cleanup`.
export default defineCommand({
  meta: { name: 'cleanup', description: '(not built yet)' },
  run() {
    throw new LabError('not_implemented', '`lab cleanup` is not built yet.');
  },
});
