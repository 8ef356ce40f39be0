import { defineCommand } from 'citty';
import { LabError } from '../errors.ts';

// Placeholder: replaced by the issue that builds `lab dev`.
export default defineCommand({
  meta: { name: 'dev', description: '(not built yet)' },
  run() {
    throw new LabError('not_implemented', '`lab dev` is not built yet.');
  },
});
