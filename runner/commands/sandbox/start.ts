import { defineCommand } from 'citty';
import { color, printJson } from '../../ui.ts';
import { labCommand } from '../../invocation.ts';
import { sandboxStatus } from '../../../sandbox/index.ts';
import { jsonArg, parsePort, portArg, runningDoc, startWithProgress } from './common.ts';

export default defineCommand({
  meta: {
    name: 'start',
    description: 'Start the local AWS sandbox (does nothing if it is already running)',
  },
  args: {
    ...portArg,
    ...jsonArg('{state, endpoint, accountId, region, home, configFile, gateway:{pid,port}, …}'),
  },
  async run({ args }) {
    const info = await startWithProgress({ port: parsePort(args.port), quiet: args.json });
    if (args.json) {
      printJson(runningDoc(info, await sandboxStatus({ home: info.home })));
      return;
    }
    console.log(
      `${color.green('✓')} Sandbox running at ${info.endpoint} (account ${info.accountId})`,
    );
    const lab = labCommand();
    console.log(
      `  Use it:  ${color.bold(`${lab} shell`)}   or   ${color.bold(`eval "$(${lab} sandbox env)"`)}`,
    );
  },
});
