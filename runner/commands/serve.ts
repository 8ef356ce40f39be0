import { defineCommand } from 'citty';
import { LabError } from '../errors.ts';

// Placeholder: replaced by the issue that builds `lab serve`.
export default defineCommand({
  meta: { name: 'serve', description: '(not built yet)' },
  run() {
    throw new LabError('not_implemented', '`lab serve` is not built yet.');
  },
});
