// Shared bits of the `lab sandbox …` and `lab shell` commands.
import { LabError } from '../../errors.ts';
import { labHome } from '../../paths.ts';
import { progress } from '../../ui.ts';
import { setInterruptNote } from '../../interrupt.ts';
import {
  ensureSandbox,
  sandboxDirs,
  type SandboxInfo,
  type SandboxStatus,
} from '../../../sandbox/index.ts';

/** `--json` of the sandbox commands; the shapes are in docs/sandbox.md ("--json"). */
export const jsonArg = (shape: string) =>
  ({ json: { type: 'boolean', description: `Print one JSON object: ${shape}` } }) as const;

export const portArg = {
  port: {
    type: 'string',
    description:
      'Port for the sandbox endpoint (default: the last one used, $LAB_SANDBOX_PORT, or 4566)',
    valueHint: 'port',
  },
} as const;

export function parsePort(raw: string | undefined): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new LabError('bad_port', `Invalid --port: ${raw}.`, 'Use a number between 1 and 65535.');
  }
  return port;
}

/** Start the sandbox if needed, with a progress line on stderr while something starts. */
export async function startWithProgress(
  opts: { port?: number; quiet?: boolean } = {},
): Promise<SandboxInfo> {
  let spinner: ReturnType<typeof progress> | undefined;
  try {
    return await ensureSandbox({
      home: labHome(),
      port: opts.port,
      onProgress: (m) => {
        if (spinner) spinner.update(m);
        else spinner = progress(m, { quiet: opts.quiet });
        setInterruptNote(SANDBOX_MAY_RUN);
      },
    });
  } finally {
    spinner?.stop();
    setInterruptNote(undefined);
  }
}

/** What Ctrl-C during a sandbox start leaves: its processes are detached, so they may keep starting. */
export const SANDBOX_MAY_RUN =
  'the sandbox may still be starting in the background. `lab sandbox status` shows it; `lab sandbox stop` stops it.';

/** POSIX shell single-quoting: safe for any value in `eval "$(lab sandbox env)"`. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** One word for the sandbox's state, the same in every `lab sandbox … --json`. */
export function sandboxState(s: SandboxStatus): 'running' | 'stopped' | 'unhealthy' | 'state-lost' {
  if (s.running) return 'running';
  if (s.stateLost) return 'state-lost';
  return s.engine.alive || s.gateway.alive ? 'unhealthy' : 'stopped';
}

/**
 * What `lab sandbox start|reset --json` print: where the sandbox answers and which files point
 * `aws` at it. Built field by field from SandboxInfo, never spread: it holds the admin's and the
 * runner's secret access keys, which only the sandbox's credentials file keeps.
 */
export function runningDoc(info: SandboxInfo, s: SandboxStatus) {
  return {
    state: sandboxState(s),
    endpoint: info.endpoint,
    accountId: info.accountId,
    region: info.region,
    home: info.home,
    dir: s.dir,
    configFile: info.configFile,
    credentialsFile: info.credentialsFile,
    binDir: sandboxDirs(info.home).binDir,
    gateway: { pid: s.gateway.pid ?? null, port: s.gateway.port ?? null },
    engine: { pid: s.engine.pid ?? null, port: s.engine.port ?? null },
    logs: s.logs,
  };
}
