import { defineCommand } from 'citty';
import { LabError } from '../../errors.ts';
import { labHome } from '../../paths.ts';
import { color, progress } from '../../ui.ts';
import { resetSandbox } from '../../../sandbox/index.ts';
import { parsePort, portArg } from './common.ts';

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
  },
  async run({ args }) {
    if (!args.yes) {
      throw new LabError(
        'confirm_reset',
        'Resetting deletes every user, access key, resource and activity record in the sandbox.',
        'Run `lab sandbox reset --yes` to do it.',
      );
    }
    const p = progress('Resetting the sandbox…');
    let info;
    try {
      info = await resetSandbox({ home: labHome(), port: parsePort(args.port) });
    } finally {
      p.stop();
    }
    console.log(`${color.green('✓')} Sandbox reset: a fresh account at ${info.endpoint}`);
    console.log(
      '  The sandbox-admin profile has new keys; other profiles you configured are gone.',
    );
  },
});
