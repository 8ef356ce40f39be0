import { defineCommand } from 'citty';
import { EXIT } from '../../errors.ts';
import { labHome } from '../../paths.ts';
import { color } from '../../ui.ts';
import { jsonArg, sandboxState } from './common.ts';
import { sandboxStatus, type ProcessStatus } from '../../../sandbox/index.ts';

// Exit status: 0 when the sandbox runs and answers, 1 when it is stopped or unhealthy
// (so `lab sandbox status && …` works in scripts), 2 on usage errors.
export default defineCommand({
  meta: {
    name: 'status',
    description: 'Show whether the sandbox runs (exit 0 running, 1 stopped or unhealthy)',
  },
  args: {
    ...jsonArg('{state, running, endpoint, accountId, gateway:{pid,port,alive,healthy}, …}'),
  },
  async run({ args }) {
    const s = await sandboxStatus({ home: labHome() });
    if (args.json) {
      // Pretty-printed since its first version (scripts parse it; people read it too).
      console.log(JSON.stringify({ state: sandboxState(s), ...s }, null, 2));
    } else {
      const verdict = {
        running: color.green('running'),
        'state-lost': color.red('state folder lost'),
        unhealthy: color.yellow('unhealthy'),
        stopped: 'stopped',
      }[sandboxState(s)];
      console.log(`Sandbox: ${verdict}${s.running ? ` at ${s.endpoint}` : ''}`);
      if (s.accountId) console.log(`  account  ${s.accountId}`);
      console.log(`  gateway  ${line(s.gateway)}`);
      console.log(`  engine   ${line(s.engine)}`);
      console.log(`  state    ${s.dir}`);
      if (s.stateLost) {
        console.log(color.red(`  ${s.stateLost} Changes are refused until it restarts.`));
        console.log(
          `  Run ${color.bold('lab sandbox stop')}, then ${color.bold('lab sandbox start')}.`,
        );
      } else if (!s.running) {
        console.log(
          s.engine.alive || s.gateway.alive
            ? `  Run ${color.bold('lab sandbox start')} to recover it (logs: ${s.logs.engine}, ${s.logs.gateway}).`
            : `  Run ${color.bold('lab sandbox start')} to start it.`,
        );
      }
    }
    process.exitCode = s.running ? EXIT.ok : EXIT.incomplete;
  },
});

function line(p: ProcessStatus): string {
  if (!p.alive) return `not running${p.port ? ` (port ${p.port})` : ''}`;
  const health = p.healthy ? color.green('answering') : color.red('not answering');
  return `pid ${p.pid}, port ${p.port}, ${health}`;
}
