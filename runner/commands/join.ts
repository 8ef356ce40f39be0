import { defineCommand } from 'citty';
import { LabError } from '../errors.ts';

// Placeholder: replaced by the issue that builds `lab join`.
export default defineCommand({
  meta: { name: 'join', description: '(not built yet)' },
  run() {
    throw new LabError('not_implemented', '`lab join` is not built yet.');
  },
});
