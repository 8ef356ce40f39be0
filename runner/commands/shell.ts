import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { defineCommand } from 'citty';
import { LabError } from '../errors.ts';
import { color } from '../ui.ts';
import { onInterrupt } from '../interrupt.ts';
import { asTyped } from '../invocation.ts';
import {
  sandboxDirs,
  sandboxProcessEnv,
  sandboxStatus,
  type SandboxInfo,
} from '../../sandbox/index.ts';
import { parsePort, portArg, startWithProgress } from './sandbox/common.ts';
import { cliArg, chooseCli, type Cli } from './sandbox/cli.ts';
import { writeLabLauncher } from './sandbox/launcher.ts';
import { bashRc, zshRc } from './shell-rc.ts';

export default defineCommand({
  meta: {
    name: 'shell',
    description: 'Open a shell where `aws` talks to the local sandbox as sandbox-admin',
  },
  args: { ...portArg, ...cliArg },
  async run({ args }) {
    const info = await startWithProgress({ port: parsePort(args.port) });
    const cli = chooseCli(args.cli, process.env, sandboxDirs(info.home).binDir);
    if (process.env.LAB_SANDBOX === info.endpoint) {
      // A shell inside the sandbox shell would only stack another `exit` on the learner.
      console.error(
        `This is a sandbox shell already (\`aws\` talks to ${info.endpoint}): nothing to do. Type ${color.bold('exit')} to leave it.`,
      );
      return;
    }
    const shell = process.env.SHELL || '/bin/bash';
    const { argv, env } = shellSetup(shell, info);
    if (cli?.pinned) env.LAB_AWS_CLI = cli.path; // the wrapper runs this one (cli-files.ts)
    banner(info, cli);
    // The shell owns the terminal now (startWithProgress stopped its spinner). Ctrl-C at its
    // prompt reaches us too (same process group): the shell handles it, we must not exit.
    // A closed terminal or a kill: pass it on to the shell, then leave with it.
    let child: ReturnType<typeof spawn> | undefined;
    const off = onInterrupt((sig) => {
      if (sig !== 'SIGINT') child?.kill(sig);
    });
    const code = await new Promise<number>((resolve, reject) => {
      child = spawn(shell, argv, { stdio: 'inherit', env });
      child.once('error', (e) =>
        reject(
          new LabError(
            'shell_failed',
            `Could not start ${shell}: ${e.message}`,
            'Set SHELL to a shell you have.',
          ),
        ),
      );
      child.once('exit', (c) => resolve(c ?? 0));
    }).finally(off);
    // Say what is true now: the learner may have stopped the sandbox from inside the shell.
    const { running } = await sandboxStatus({ home: info.home });
    console.error(
      color.dim(
        asTyped(
          running
            ? 'Left the sandbox shell. The sandbox keeps running (`lab sandbox stop` stops it).'
            : 'Left the sandbox shell. The sandbox is stopped (`lab sandbox start` starts it again).',
        ),
      ),
    );
    process.exitCode = code === 0 ? 0 : 1;
  },
});

/** The shell's arguments and environment: the sandbox env, plus a `(sandbox)` prompt marker. */
function shellSetup(shell: string, info: SandboxInfo): { argv: string[]; env: NodeJS.ProcessEnv } {
  const env: NodeJS.ProcessEnv = {
    ...sandboxProcessEnv(info, withoutNpm(process.env)),
    LAB_SANDBOX: info.endpoint,
  };
  const { dir: sandboxDir, binDir } = sandboxDirs(info.home);
  writeLabLauncher(binDir);
  const dir = join(sandboxDir, 'shell');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const name = basename(shell);
  // Shells set their prompt and PATH in their rc files, after our environment: hook in after them.
  if (name === 'bash') {
    const rc = join(dir, 'bashrc');
    writeFileSync(rc, bashRc(binDir), { mode: 0o600 });
    return { argv: ['--rcfile', rc], env };
  }
  if (name === 'zsh') {
    const home = process.env.ZDOTDIR || process.env.HOME || '';
    writeFileSync(join(dir, '.zshrc'), zshRc(binDir, home), { mode: 0o600 });
    return { argv: [], env: { ...env, ZDOTDIR: dir } };
  }
  return { argv: [], env: { ...env, PS1: `(sandbox) ${process.env.PS1 ?? '$ '}` } };
}

/**
 * `npx lab shell` runs us with npm's variables and node_modules/.bin dirs on PATH; the learner's
 * shell should not inherit them (npm_config_* would steer any npm they run in there).
 */
function withoutNpm(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  if (!env.npm_execpath && !env.npm_lifecycle_event) return env;
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(env)) if (!k.startsWith('npm_')) out[k] = v;
  out.PATH = (env.PATH ?? '')
    .split(':')
    .filter((d) => !/node_modules\/\.bin$/.test(d) && !/node-gyp-bin$/.test(d))
    .join(':');
  return out;
}

function banner(info: SandboxInfo, cli: Cli | undefined): void {
  const say = (s: string) => console.error(s);
  say(
    `${color.bold('labrunner sandbox shell')} — \`aws\` talks to ${info.endpoint} (account ${info.accountId})`,
  );
  say(
    cli
      ? cli.pinned
        ? `\`aws\` here runs AWS CLI ${cli.version ?? '(version unknown)'} (${cli.path}), chosen with --cli.`
        : // Your rc file may still reorder PATH (pyenv's init does): say what it finds from here.
          `\`aws\` here runs the first AWS CLI on the shell's PATH (from here: ${cli.version ?? 'version unknown'}, ${cli.path}); --cli v1|v2|<path> picks one.`
      : '`aws` here: no AWS CLI found on your PATH (--cli <path> names one).',
  );
  // A CLI typed by its path skips the wrapper: one older than v1.29 / v2.13 ignores
  // AWS_ENDPOINT_URL and calls real AWS (which refuses the sandbox's keys). No shell can
  // redirect a name with a slash in it (aliases and functions apply to bare names only).
  say(`Type \`aws\`, not a path such as /usr/bin/aws: an older CLI run by path calls real AWS.`);
  say(
    `as the sandbox admin (the ${color.bold('default')} profile here, also ${color.bold('sandbox-admin')}); your own ~/.aws is not used. Try:`,
  );
  say(`  aws sts get-caller-identity`);
  say(`  aws iam list-users`);
  say(`  aws configure list`);
  say(`Type ${color.bold('exit')} to leave.`);
}
