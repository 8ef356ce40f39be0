import { defineCommand } from 'citty';
import { LabError } from '../../errors.ts';
import { labHome } from '../../paths.ts';
import { color, printJson, progress } from '../../ui.ts';
import { resetSandbox, sandboxStatus } from '../../../sandbox/index.ts';
import { jsonArg, parsePort, portArg, runningDoc } from './common.ts';

export default defineCommand({
  meta: {
    name: 'reset',
    description: 'Delete everything in the sandbox account and start afresh (asks for --yes)',
  },
  args: {
    yes: {
      type: 'boolean',
      description: 'Confirm: delete all users, keys, resources and activity',
    },
    ...portArg,
    ...jsonArg('the same object as `lab sandbox start --json`, for the fresh account'),
  },
  async run({ args }) {
    if (!args.yes) {
      throw new LabError(
        'confirm_reset',
        'Resetting deletes every user, access key, resource and activity record in the sandbox.',
        'Run `lab sandbox reset --yes` to do it.',
      );
    }
    const p = progress('Resetting the sandbox…', { quiet: args.json });
    let info;
    try {
      info = await resetSandbox({ home: labHome(), port: parsePort(args.port) });
    } finally {
      p.stop();
    }
    if (args.json) {
      printJson(runningDoc(info, await sandboxStatus({ home: info.home })));
      return;
    }
    console.log(`${color.green('✓')} Sandbox reset: a fresh account at ${info.endpoint}`);
    console.log(
      '  The sandbox-admin profile has new keys; other profiles you configured are gone.',
    );
  },
});
