import { defineCommand, runCommand, showUsage, type CommandDef } from 'citty';
import { EXIT, isLabError } from './errors.ts';
import { color, stopAllProgress } from './ui.ts';
import { installInterruptHandling } from './interrupt.ts';
import pkg from '../package.json' with { type: 'json' };

// One command per file under runner/commands/, loaded only when used.
const load = (p: Promise<{ default: CommandDef<any> }>) => () => p.then((m) => m.default);

export const root = defineCommand({
  meta: {
    name: 'lab',
    version: pkg.version,
    description: 'Hands-on cloud labs: check each step, track progress, clean up at the end',
  },
  subCommands: {
    list: () => load(import('./commands/list.ts'))(),
    start: () => load(import('./commands/start.ts'))(),
    check: () => load(import('./commands/check.ts'))(),
    status: () => load(import('./commands/status.ts'))(),
    hint: () => load(import('./commands/hint.ts'))(),
    cleanup: () => load(import('./commands/cleanup.ts'))(),
    test: () => load(import('./commands/test.ts'))(),
    dev: () => load(import('./commands/dev.ts'))(),
    sandbox: () => load(import('./commands/sandbox.ts'))(),
    shell: () => load(import('./commands/shell.ts'))(),
    serve: () => load(import('./commands/serve.ts'))(),
    class: () => load(import('./commands/class.ts'))(),
    join: () => load(import('./commands/join.ts'))(),
    report: () => load(import('./commands/report.ts'))(),
  },
});

const HELP = ['--help', '-h'];

/** Walk argv down the subcommand tree, so `lab sandbox start --help` shows that command's usage. */
async function resolve(rawArgs: string[]): Promise<[CommandDef<any>, CommandDef<any> | undefined]> {
  let cmd: CommandDef<any> = root;
  let parent: CommandDef<any> | undefined;
  for (const arg of rawArgs) {
    if (arg.startsWith('-')) continue;
    const subs =
      typeof cmd.subCommands === 'function' ? await cmd.subCommands() : await cmd.subCommands;
    const next = subs?.[arg];
    if (!next) break;
    parent = cmd;
    cmd = typeof next === 'function' ? await next() : await next;
  }
  return [cmd, parent];
}

/** Run the CLI. Commands throw; this is the one place that prints errors and sets the exit code. */
export async function main(rawArgs: string[]): Promise<void> {
  installInterruptHandling();
  try {
    if (rawArgs.length === 0 || rawArgs.some((a) => HELP.includes(a))) {
      const [cmd, parent] = await resolve(rawArgs);
      await showUsage(cmd, parent);
      process.exitCode = rawArgs.length === 0 ? EXIT.usage : EXIT.ok;
      return;
    }
    if (rawArgs.length === 1 && (rawArgs[0] === '--version' || rawArgs[0] === '-v')) {
      console.log(pkg.version);
      return;
    }
    await runCommand(root, { rawArgs });
  } catch (e) {
    process.exitCode = await report(e, rawArgs);
  }
}

async function report(e: unknown, rawArgs: string[]): Promise<number> {
  stopAllProgress(); // the error goes on a clean line, with the cursor shown
  if (isLabError(e)) {
    console.error(`${color.red('error')} ${e.message}`);
    if (e.hint) console.error(`${color.dim('hint')}  ${e.hint}`);
    return e.exitCode;
  }
  // citty's own usage errors (unknown command, missing argument).
  if (e instanceof Error && e.name === 'CLIError') {
    const [cmd, parent] = await resolve(rawArgs);
    await showUsage(cmd, parent);
    console.error(`${color.red('error')} ${e.message}`);
    return EXIT.usage;
  }
  console.error(`${color.red('error')} unexpected failure:`, e);
  console.error(
    color.dim('This is a bug in labrunner; please report it with the command you ran.'),
  );
  return EXIT.usage;
}
