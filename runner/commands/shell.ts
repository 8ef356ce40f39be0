import { defineCommand } from 'citty';
import { LabError } from '../errors.ts';

// Placeholder: replaced by the issue that builds `lab shell`.
export default defineCommand({
  meta: { name: 'shell', description: '(not built yet)' },
  run() {
    throw new LabError('not_implemented', '`lab shell` is not built yet.');
  },
});
