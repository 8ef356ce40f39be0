import { defineCommand } from 'citty';
import { labHome } from '../../paths.ts';
import { printJson } from '../../ui.ts';
import { sandboxDirs, stopSandbox } from '../../../sandbox/index.ts';
import { jsonArg } from './common.ts';

export default defineCommand({
  meta: {
    name: 'stop',
    description: 'Stop the sandbox; everything in it is kept for the next start',
  },
  args: { ...jsonArg('{state, wasRunning, stopped:[…], orphaned, home, dir}') },
  async run({ args }) {
    const home = labHome();
    const { stopped, orphaned } = await stopSandbox({ home });
    const dir = sandboxDirs(home).dir;
    if (args.json) {
      printJson({
        state: 'stopped',
        wasRunning: stopped.length > 0,
        stopped,
        orphaned: !!orphaned,
        home,
        dir,
      });
    } else if (stopped.length === 0) console.log('The sandbox was not running.');
    else if (orphaned) {
      console.log(
        `Sandbox stopped. Its state folder ${dir} had been deleted or replaced while it ran; \`lab sandbox start\` starts afresh.`,
      );
    } else console.log(`Sandbox stopped. Its state is kept in ${dir}`);
  },
});
