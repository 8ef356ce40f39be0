import { defineCommand } from 'citty';
import { LabError } from '../errors.ts';

// Placeholder: replaced by the issue that builds `lab start`.
export default defineCommand({
  meta: { name: 'start', description: '(not built yet)' },
  run() {
    throw new LabError('not_implemented', '`lab start` is not built yet.');
  },
});
