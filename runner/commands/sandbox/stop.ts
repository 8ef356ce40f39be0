import { defineCommand } from 'citty';
import { labHome } from '../../paths.ts';
import { sandboxDirs, stopSandbox } from '../../../sandbox/index.ts';

export default defineCommand({
  meta: {
    name: 'stop',
    description: 'Stop the sandbox; everything in it is kept for the next start',
  },
  async run() {
    const home = labHome();
    const { stopped, orphaned } = await stopSandbox({ home });
    if (stopped.length === 0) console.log('The sandbox was not running.');
    else if (orphaned) {
      console.log(
        `Sandbox stopped. Its state folder ${sandboxDirs(home).dir} had been deleted or replaced while it ran; \`lab sandbox start\` starts afresh.`,
      );
    } else console.log(`Sandbox stopped. Its state is kept in ${sandboxDirs(home).dir}`);
  },
});
