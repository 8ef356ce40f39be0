// citty accepts any flag and any number of arguments without a word: `lab status --bogus` ran
// and exited 0. This checks the words after the command's name against its declared args
// (names, --no-<boolean>, aliases, kebab or camel case) and names the first one it does not know.
import type { ArgsDef, CommandDef } from 'citty';

type Resolvable<T> = T | Promise<T> | (() => T | Promise<T>);

async function value<T>(v: Resolvable<T> | undefined): Promise<T | undefined> {
  return typeof v === 'function' ? (v as () => T | Promise<T>)() : v;
}

const camel = (s: string) => s.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
const kebab = (s: string) => s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** The problem with `argv` (the words after the command path), or undefined when all is known. */
export async function unknownArgument(
  cmd: CommandDef<any>,
  argv: string[],
): Promise<string | undefined> {
  const defs = ((await value(cmd.args as Resolvable<ArgsDef>)) ?? {}) as ArgsDef;
  const types = new Map<string, string>();
  let positionals = 0;
  for (const [name, def] of Object.entries(defs)) {
    const type = def.type ?? 'string';
    if (type === 'positional') {
      positionals++;
      continue;
    }
    const aliases = 'alias' in def && def.alias ? [def.alias].flat() : [];
    for (const n of [name, camel(name), kebab(name), ...aliases]) types.set(n, type);
  }
  let seen = 0;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      seen += argv.length - i - 1;
      break;
    }
    if (a.startsWith('-') && a.length > 1) {
      const body = a.replace(/^--?/, '');
      const eq = body.indexOf('=');
      const name = eq >= 0 ? body.slice(0, eq) : body;
      let type = types.get(name);
      if (!type && name.startsWith('no-') && types.get(name.slice(3)) === 'boolean') {
        type = 'boolean';
      }
      if (!type) return `Unknown option ${a.startsWith('--') ? '--' : '-'}${name}.`;
      if (type !== 'boolean' && eq < 0) {
        // Its value is the next word. None (`lab sandbox env --port`), or another option in
        // its place: citty would pass an empty value on, and the command use its default.
        const next = argv[i + 1];
        if (next === undefined || (/^-[^\d]/.test(next) && next !== '-')) {
          return `Option ${a.startsWith('--') ? '--' : '-'}${name} needs a value.`;
        }
        i++;
      }
      continue;
    }
    seen++;
  }
  if (seen > positionals) {
    const extra = argv.filter((a) => !a.startsWith('-'))[positionals] ?? '';
    return positionals === 0
      ? `This command takes no arguments (got "${extra}").`
      : `Too many arguments (did not expect "${extra}").`;
  }
  return undefined;
}
