import { defineCommand } from 'citty';
import { OVERRIDING_VARS, sandboxDirs, sandboxEnv } from '../../../sandbox/index.ts';
import { printJson } from '../../ui.ts';
import { jsonArg, parsePort, portArg, shellQuote, startWithProgress } from './common.ts';
import { writeLabLauncher } from './launcher.ts';
import { cliArg, chooseCli } from './cli.ts';

export default defineCommand({
  meta: {
    name: 'env',
    description: 'Print shell lines that point `aws` at the sandbox: eval "$(lab sandbox env)"',
  },
  args: {
    ...portArg,
    ...cliArg,
    ...jsonArg('{endpoint, accountId, region, home, env:{AWS_…}, pathPrepend, unset:[…]}'),
  },
  async run({ args }) {
    // Starting here means the exported endpoint answers as soon as the lines are evaluated.
    const info = await startWithProgress({ port: parsePort(args.port), quiet: args.json });
    // Paths and the endpoint only: the admin's keys stay in the sandbox's credentials file.
    const { PATH: _path, ...vars } = sandboxEnv(info);
    const binDir = sandboxDirs(info.home).binDir;
    // --cli: the wrapper runs that CLI by its path (LAB_AWS_CLI); without it, the first on PATH.
    const cli = args.cli ? chooseCli(args.cli, process.env, binDir) : undefined;
    if (cli) vars.LAB_AWS_CLI = cli.path;
    const unset = cli ? OVERRIDING_VARS : [...OVERRIDING_VARS, 'LAB_AWS_CLI'];
    writeLabLauncher(binDir); // `lab` itself, without npx, next to the `aws` wrapper
    if (args.json) {
      // The same three things as the shell lines, for a script that builds a child's env.
      printJson({
        endpoint: info.endpoint,
        accountId: info.accountId,
        region: info.region,
        home: info.home,
        env: vars,
        pathPrepend: binDir,
        unset,
      });
      return;
    }
    const lines = Object.entries(vars).map(([k, v]) => `export ${k}=${shellQuote(v)}`);
    // PATH: the wrapper dir in front of the shell's own PATH (not ours, which npx extended).
    const bin = shellQuote(binDir);
    lines.push(`case ":$PATH:" in *:${bin}:*) ;; *) export PATH=${bin}:"$PATH" ;; esac`);
    // The learner's own AWS_* settings (keys, profile, region) would beat the sandbox's files.
    lines.push(`unset ${unset.join(' ')}`);
    lines.push('# Run this command as: eval "$(lab sandbox env)"');
    console.log(lines.join('\n'));
  },
});
