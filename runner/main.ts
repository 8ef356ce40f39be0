import { defineCommand, runCommand, showUsage, type CommandDef } from 'citty';
import { EXIT, LabError, isLabError } from './errors.ts';
import { unknownArgument } from './argv-check.ts';
import { color, stopAllProgress } from './ui.ts';
import { installInterruptHandling, outputClosed } from './interrupt.ts';
import { asTyped } from './invocation.ts';
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
    quiz: () => load(import('./commands/quiz.ts'))(),
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

/**
 * Walk argv down the subcommand tree, so `lab sandbox start --help` shows that command's usage.
 * Also returns the words after the command path (its own flags and arguments).
 */
async function resolve(
  rawArgs: string[],
): Promise<[CommandDef<any>, CommandDef<any> | undefined, string[]]> {
  let cmd: CommandDef<any> = root;
  let parent: CommandDef<any> | undefined;
  const path = ['lab'];
  const rest = [...rawArgs];
  for (const arg of rawArgs) {
    if (arg.startsWith('-')) continue;
    const subs =
      typeof cmd.subCommands === 'function' ? await cmd.subCommands() : await cmd.subCommands;
    const next = subs?.[arg];
    if (!next) break;
    rest.splice(rest.indexOf(arg), 1);
    // citty names a command after its parent only ("USAGE sandbox start", which is not a
    // command anyone can run): the parent shown is the whole path, with the version.
    parent = { meta: { name: path.join(' '), version: pkg.version } };
    path.push(arg);
    cmd = typeof next === 'function' ? await next() : await next;
  }
  return [cmd, parent, rest];
}

/** Run the CLI. Commands throw; this is the one place that prints errors and sets the exit code. */
export async function main(rawArgs: string[]): Promise<void> {
  const json = rawArgs.includes('--json');
  installInterruptHandling(json);
  ignoreClosedPipes();
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
    const [cmd, parent, rest] = await resolve(rawArgs);
    if (cmd.run) {
      const problem = await unknownArgument(cmd, rest);
      if (problem) {
        if (!json) await showUsage(cmd, parent);
        const path = rawArgs.filter((a) => !rest.includes(a)).join(' ');
        throw new LabError('usage', problem, `\`lab ${path} --help\` lists what it takes.`);
      }
    }
    await runCommand(root, { rawArgs });
  } catch (e) {
    process.exitCode = await report(e, rawArgs, json);
  }
}

/**
 * `lab check day42 | head -3`: once the reader is gone, writes fail with EPIPE, which Node
 * raises as an unhandled 'error' event (a stack trace, and the exit code lost). The output
 * nobody reads is dropped instead; the command finishes (a due cleanup included) with its
 * own exit code, as `git log | head` does, and one that runs until stopped (--watch) stops.
 */
function ignoreClosedPipes(): void {
  for (const stream of [process.stdout, process.stderr]) {
    if (stream.listenerCount('error') > 0) continue;
    let closed = false;
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE' && e.code !== 'ERR_STREAM_DESTROYED') throw e;
      // A watch would otherwise check on for ever with nobody reading (interrupt.ts).
      if (stream === process.stdout && !closed) outputClosed();
      closed = true;
    });
  }
}

async function report(e: unknown, rawArgs: string[], json: boolean): Promise<number> {
  stopAllProgress(); // the error goes on a clean line, with the cursor shown
  let code = 'internal';
  let message: string;
  let hint: string | undefined;
  let exit: number = EXIT.usage;
  if (isLabError(e)) {
    ({ code, message, hint } = e);
    exit = e.exitCode;
  } else if (e instanceof Error && e.name === 'CLIError') {
    // citty's own usage errors (unknown command, missing argument).
    if (!json) {
      const [cmd, parent] = await resolve(rawArgs);
      await showUsage(cmd, parent);
    }
    code = 'usage';
    message = e.message;
  } else {
    message = `unexpected failure: ${e instanceof Error ? e.message : String(e)}`;
    hint = 'This is a bug in labrunner; please report it with the command you ran.';
    if (!json) console.error(`${color.red('error')} unexpected failure:`, e);
  }
  // --json: one document on stdout whatever happened (scripts parse stdout, people read stderr).
  if (json) console.log(JSON.stringify({ error: { code, message, hint: hint ?? null } }));
  if (code !== 'internal' || json) {
    console.error(`${color.red('error')} ${asTyped(message)}`);
    if (hint) console.error(`${color.dim('hint')}  ${asTyped(hint)}`);
  } else {
    console.error(color.dim(hint));
  }
  return exit;
}
