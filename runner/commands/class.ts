import { defineCommand } from 'citty';
import { LabError } from '../errors.ts';

// Placeholder: replaced by the issue that builds `lab class`.
export default defineCommand({
  meta: { name: 'class', description: '(not built yet)' },
  run() {
    throw new LabError('not_implemented', '`lab class` is not built yet.');
  },
});
