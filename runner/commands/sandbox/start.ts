import { defineCommand } from 'citty';
import { color } from '../../ui.ts';
import { labCommand } from '../../invocation.ts';
import { parsePort, portArg, startWithProgress } from './common.ts';

export default defineCommand({
  meta: {
    name: 'start',
    description: 'Start the local AWS sandbox (does nothing if it is already running)',
  },
  args: { ...portArg },
  async run({ args }) {
    const info = await startWithProgress({ port: parsePort(args.port) });
    console.log(
      `${color.green('✓')} Sandbox running at ${info.endpoint} (account ${info.accountId})`,
    );
    const lab = labCommand();
    console.log(
      `  Use it:  ${color.bold(`${lab} shell`)}   or   ${color.bold(`eval "$(${lab} sandbox env)"`)}`,
    );
  },
});
