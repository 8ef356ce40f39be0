// What the Python probes before a sandbox start found (moto.ts: this interpreter runs moto's
// server; botocore.ts: botocore's data directory), remembered across processes. Each probe
// imports moto or botocore: ~1 s of CPU before every `lab sandbox start` (and before each of the
// test suite's 60+ sandbox starts), for an answer that changes only when Python or the packages do.
//
// An entry is keyed by the interpreter's absolute path, the size and mtime of the file it
// resolves to, and every PYTHON* / VIRTUAL_ENV variable (they change what it imports). It
// records the module files the probe imported with their mtimes, and is used only while those
// are unchanged: `pip uninstall moto` or an upgrade is noticed, and the probe runs again.
// A wrapper script (a pyenv shim: `#!` and a choice of version made elsewhere) is never cached.
// The file lives in $XDG_CACHE_HOME/labrunner (else ~/.cache/labrunner): losing it costs one probe.
import {
  closeSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  realpathSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import type { Env } from '../paths.ts';

interface Entry {
  /** What the probe printed first (sys.executable, or botocore's data directory). */
  value: string;
  /** The files the probe imported, with their mtimes: the entry holds while they are unchanged. */
  files: Record<string, number>;
}

export function cacheFile(env: Env): string {
  const base = env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache');
  return join(base, 'labrunner', 'python-probes.json');
}

/** The key for `python` (a path or a name on PATH), or undefined when it must not be cached. */
export function probeKey(kind: string, python: string, env: Env): string | undefined {
  const exe = onPath(python, env);
  if (!exe) return undefined;
  try {
    if (startsWithShebang(exe)) return undefined;
    const st = statSync(realpathSync(exe));
    const vars = Object.entries(env)
      .filter(([k]) => k.startsWith('PYTHON') || k === 'VIRTUAL_ENV')
      .sort(([a], [b]) => a.localeCompare(b));
    return JSON.stringify([kind, exe, st.size, st.mtimeMs, vars]);
  } catch {
    return undefined;
  }
}

export function cachedProbe(key: string | undefined, env: Env): string | undefined {
  if (!key) return undefined;
  const entry = readAll(env)[key];
  if (!entry) return undefined;
  for (const [file, mtime] of Object.entries(entry.files)) {
    try {
      if (statSync(file).mtimeMs !== mtime) return undefined;
    } catch {
      return undefined;
    }
  }
  return entry.value;
}

/** Remember `value`, valid while `files` keep their mtimes. Best effort: a read-only home still starts. */
export function rememberProbe(key: string | undefined, value: string, files: string[], env: Env) {
  if (!key || files.length === 0) return;
  try {
    const entry: Entry = { value, files: {} };
    for (const f of files) entry.files[f] = statSync(f).mtimeMs;
    const file = cacheFile(env);
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    const all = { ...readAll(env), [key]: entry };
    // Written aside and renamed: two starts at once never leave half a file.
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(all), { mode: 0o600 });
    renameSync(tmp, file);
  } catch {
    // Only a shortcut for the next start.
  }
}

function readAll(env: Env): Record<string, Entry> {
  try {
    const parsed: unknown = JSON.parse(readFileSync(cacheFile(env), 'utf8'));
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, Entry>) : {};
  } catch {
    return {};
  }
}

/** `python` as an absolute path: itself when it names a path, else the first match on PATH. */
function onPath(python: string, env: Env): string | undefined {
  if (python.includes('/')) return isAbsolute(python) ? python : resolve(python);
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir || !isAbsolute(dir)) continue;
    const exe = join(dir, python);
    try {
      if (statSync(exe).isFile()) return exe;
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

function startsWithShebang(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(2);
    return readSync(fd, buf, 0, 2, 0) === 2 && buf.toString('latin1') === '#!';
  } finally {
    closeSync(fd);
  }
}
