// `--cli v1|v2|<path>` of `lab shell` and `lab sandbox env`: which AWS CLI the sandbox's `aws`
// wrapper runs. The choice is an absolute path in LAB_AWS_CLI, which the wrapper runs as it is
// (sandbox/lifecycle/cli-files.ts). Without --cli the wrapper runs the first `aws` on PATH, as
// the learner's PATH says at each call; we only look it up to say which one in the banner.
// Versions come from `aws --version` (0.5–1 s each), remembered per binary and its mtime.
import { spawnSync } from 'node:child_process';
import {
  accessSync,
  closeSync,
  constants,
  existsSync,
  openSync,
  readFileSync,
  readSync,
  readdirSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { LabError } from '../../errors.ts';
import { AWS_WRAPPER_MARKER as WRAPPER_MARKER } from '../../../sandbox/index.ts';

export const cliArg = {
  cli: {
    type: 'string',
    description:
      'The AWS CLI `aws` runs: v1, v2 or a path (default: the first `aws` on your PATH, whatever it is at each call)',
    valueHint: 'v1|v2|path',
  },
} as const;

export interface Cli {
  /** Absolute path of the binary the wrapper runs. */
  path: string;
  /** "1.45.11", or undefined when `--version` said nothing we know. */
  version?: string;
  /** Chosen with --cli: the wrapper runs this one whatever PATH says (LAB_AWS_CLI). */
  pinned: boolean;
}

const INSTALL = 'https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html';

/**
 * The CLI `aws` will run in the sandbox's shell. `choice`: v1, v2, a path, or undefined (the
 * first on PATH; undefined result when there is none). `cacheDir`: where versions are remembered.
 */
export function chooseCli(
  choice: string | undefined,
  env: NodeJS.ProcessEnv,
  cacheDir: string,
): Cli | undefined {
  const versions = new VersionCache(cacheDir, env);
  if (choice === undefined || choice === '') {
    const first = onPath(env)[0];
    return first ? { path: first, version: versions.get(first), pinned: false } : undefined;
  }
  if (choice === 'v1' || choice === 'v2') {
    const looked = candidates(env);
    for (const path of looked) {
      const version = versions.get(path);
      if (version?.startsWith(`${choice[1]}.`)) return { path, version, pinned: true };
    }
    throw new LabError(
      'cli_not_found',
      `No AWS CLI ${choice} found (looked at: ${looked.join(', ') || 'no aws anywhere'}).`,
      `Install it (${INSTALL}), or pass --cli <path to its aws>.`,
    );
  }
  let path = resolve(choice);
  if (!isExecutable(path)) {
    throw new LabError('bad_cli', `--cli ${choice}: ${path} is not an executable file.`, CLI_HINT);
  }
  if (isWrapper(path)) {
    throw new LabError('bad_cli', `--cli ${choice} is labrunner's own aws wrapper.`, CLI_HINT);
  }
  path = pyenvResolve(path, env) ?? path;
  const version = versions.get(path);
  if (!version) {
    throw new LabError('bad_cli', `--cli ${choice}: ${path} is not an AWS CLI.`, CLI_HINT);
  }
  return { path, version, pinned: true };
}

const CLI_HINT = 'Use --cli v1, --cli v2, or the path of an `aws` binary.';

/** PATH without labrunner's wrapper folders (a shim that looks `aws` up must not find one). */
function cleanPath(env: NodeJS.ProcessEnv): string[] {
  return (env.PATH ?? '').split(delimiter).filter((d) => d && !isWrapper(join(d, 'aws')));
}

/** The `aws` the wrapper would run now: the first on PATH, a pyenv shim resolved. */
function onPath(env: NodeJS.ProcessEnv): string[] {
  for (const dir of cleanPath(env)) {
    const path = join(dir, 'aws');
    if (!isExecutable(path)) continue;
    const resolved = pyenvResolve(path, env);
    if (resolved === null) continue; // a shim with no aws for this PYENV_VERSION
    return [resolved ?? path];
  }
  return [];
}

/** Every AWS CLI we can find: PATH's (pyenv shims resolved), pyenv's versions, the usual places. */
function candidates(env: NodeJS.ProcessEnv): string[] {
  const out: string[] = [];
  const add = (p: string | undefined | null) => {
    if (p && isExecutable(p) && !isWrapper(p) && !out.includes(p)) out.push(p);
  };
  for (const dir of cleanPath(env)) {
    const path = join(dir, 'aws');
    if (!isExecutable(path)) continue;
    const root = pyenvRoot(path);
    if (root === undefined) {
      add(path);
      continue;
    }
    add(pyenvResolve(path, env));
    // pyenv's other versions: a v1 in one Python, while PYENV_VERSION points at another.
    const versions = join(root, 'versions');
    if (existsSync(versions)) {
      for (const v of readdirSync(versions).sort()) add(join(versions, v, 'bin', 'aws'));
    }
  }
  const home = env.HOME ?? '';
  for (const p of ['/usr/local/bin/aws', '/usr/bin/aws', home && join(home, '.local/bin/aws')]) {
    add(p);
  }
  return out;
}

/** PYENV_ROOT of a pyenv shim (its `exec ".../libexec/pyenv" exec` line); undefined otherwise. */
function pyenvRoot(path: string): string | undefined {
  const head = readHead(path);
  const m = /^exec "(.*)\/libexec\/pyenv" exec /m.exec(head);
  return m?.[1];
}

/**
 * A pyenv shim's binary for the current PYENV_VERSION (`pyenv which aws`, PATH without our
 * wrappers); undefined when `path` is no shim; null when the shim has no aws for that version.
 */
function pyenvResolve(path: string, env: NodeJS.ProcessEnv): string | undefined | null {
  const root = pyenvRoot(path);
  if (root === undefined) return undefined;
  const r = spawnSync(join(root, 'libexec', 'pyenv'), ['which', 'aws'], {
    env: { ...env, PYENV_ROOT: env.PYENV_ROOT ?? root, PATH: cleanPath(env).join(delimiter) },
    encoding: 'utf8',
    timeout: 10_000,
  });
  const out = r.stdout?.trim();
  return r.status === 0 && out?.startsWith('/') ? out : null;
}

class VersionCache {
  private file: string;
  private data: Record<string, string>;
  private env: NodeJS.ProcessEnv;
  constructor(dir: string, env: NodeJS.ProcessEnv) {
    this.env = env;
    this.file = join(dir, '.cli-versions.json');
    try {
      this.data = JSON.parse(readFileSync(this.file, 'utf8'));
    } catch {
      this.data = {};
    }
  }

  /** "1.45.11" from `aws-cli/1.45.11 Python/…`; undefined when it is no AWS CLI. */
  get(path: string): string | undefined {
    const key = `${path}\0${statSync(path).mtimeMs}`;
    if (key in this.data) return this.data[key] || undefined;
    const r = spawnSync(path, ['--version'], {
      env: { ...this.env, PATH: cleanPath(this.env).join(delimiter) },
      encoding: 'utf8',
      timeout: 30_000,
    });
    const version = /aws-cli\/(\d+\.\d+\.\d+)/.exec(`${r.stdout}${r.stderr}`)?.[1];
    this.data[key] = version ?? '';
    try {
      writeFileSync(this.file, JSON.stringify(this.data), { mode: 0o600 });
    } catch {
      // Remembering only saves the next start a second.
    }
    return version;
  }
}

/** The first KB (a script's lines; an ELF binary is not read whole). */
function readHead(path: string): string {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const buf = Buffer.alloc(1024);
    return buf.subarray(0, readSync(fd, buf, 0, buf.length, 0)).toString('latin1');
  } catch {
    return '';
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function isWrapper(path: string): boolean {
  return readHead(path).includes(WRAPPER_MARKER);
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
