// Removing one profile from the learner's AWS CLI files without touching any
// other byte. INI libraries (`ini`, configparser) parse and re-serialize, which
// loses comments, blank lines, ordering and CRLF line endings; so this works on
// the raw text, line by line, and only ever deletes whole lines.
//
// What one section removal deletes, exactly:
//   - the section's header line through its last setting line (key = value, or
//     an indented continuation line such as the nested `s3 =` block), including
//     comments between those lines;
//   - the blank lines after it when a blank line (or the file start) already
//     precedes it, so no double gap is left; when it was the last thing in the
//     file, the blank lines before it instead.
// Comment lines after the last setting stay: they usually describe what follows.
import { chmod, readFile, realpath, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export interface Section {
  /** The name inside the brackets, trimmed: `default`, `profile lab`, `lab`. */
  header: string;
  /** Index of the header line. */
  start: number;
  /** Index one past the last setting line (the removed span is [start, end)). */
  end: number;
  /** Settings in order, keys lowercased, values trimmed. Nested lines are not settings. */
  settings: Array<[string, string]>;
  /** Holds indented continuation lines (nested settings such as `s3 =`). */
  nested: boolean;
}

/** Lines with their own line endings, so joining them gives back the exact text. */
export function splitLines(text: string): string[] {
  return text.match(/[^\r\n]*(?:\r\n|\n|\r)|[^\r\n]+$/g) ?? [];
}

const HEADER = /^\s*\[\s*([^\]]*?)\s*\]\s*(?:[#;].*)?$/;
const COMMENT = /^\s*[#;]/;
const SETTING = /^([^=\s][^=]*?)\s*=\s*(.*)$/;

const strip = (line: string) => line.replace(/\r?\n$|\r$/, '');
const isBlank = (line: string) => strip(line).trim() === '';

export function parseSections(text: string): { lines: string[]; sections: Section[] } {
  const lines = splitLines(text);
  const sections: Section[] = [];
  let cur: Section | undefined;
  lines.forEach((raw, i) => {
    const line = strip(raw);
    const h = HEADER.exec(line);
    if (h) {
      cur = { header: h[1], start: i, end: i + 1, settings: [], nested: false };
      sections.push(cur);
      return;
    }
    if (!cur || line.trim() === '' || COMMENT.test(line)) return;
    // A setting, or an indented continuation of the previous one: both belong to the section.
    cur.end = i + 1;
    if (/^\s/.test(line)) {
      cur.nested = true;
      return;
    }
    const s = SETTING.exec(line);
    if (s) cur.settings.push([s[1].trim().toLowerCase(), s[2].trim()]);
  });
  return { lines, sections };
}

/** The first token of a value: inline `# comments` are not part of a key id. */
export const settingValue = (v: string) => v.split(/\s+/)[0] ?? '';

/**
 * `text` without the sections at `starts` (header line indexes from parseSections).
 * Every byte outside the removed spans is kept as it was.
 */
export function removeSections(text: string, starts: number[]): string {
  const { lines, sections } = parseSections(text);
  const drop = new Set<number>();
  for (const s of sections.filter((x) => starts.includes(x.start))) {
    for (let i = s.start; i < s.end; i++) drop.add(i);
    let j = s.end;
    while (j < lines.length && isBlank(lines[j])) j++;
    const atStart = s.start === 0 || isBlank(lines[s.start - 1]) || drop.has(s.start - 1);
    if (j === lines.length) {
      // Last in the file: the blank lines before it separated it from what is above.
      for (let i = s.end; i < j; i++) drop.add(i);
      for (let i = s.start - 1; i >= 0 && isBlank(lines[i]) && !drop.has(i); i--) drop.add(i);
    } else if (atStart) {
      // A blank line (or the file start) already separates what is above from what follows.
      for (let i = s.end; i < j; i++) drop.add(i);
    }
  }
  // Whole lines go, so every kept line keeps its own line ending.
  return lines.filter((_, i) => !drop.has(i)).join('');
}

/** Profile name a section header stands for, in the config file (`profile x` / `default`) or credentials (`x`). */
export function profileOf(header: string, file: 'config' | 'credentials'): string | undefined {
  if (file === 'credentials') return header;
  if (header === 'default') return 'default';
  const m = /^profile\s+(.+)$/.exec(header);
  return m ? m[1].trim() : undefined;
}

/**
 * Write `text` to `path` atomically (a temp file in the same directory, then
 * rename), keeping the file's mode (credentials files are usually 0600) and
 * keeping a symlinked file a symlink.
 */
export async function writeAtomic(path: string, text: string): Promise<void> {
  // Write through a symlink (dotfiles are often linked from a repository): renaming
  // onto the link itself would replace it with a plain file.
  path = await realpath(path);
  const mode = (await stat(path)).mode & 0o7777;
  const tmp = join(dirname(path), `.${basename(path)}.labrunner-${process.pid}-${Date.now()}`);
  try {
    await writeFile(tmp, text, { mode });
    await chmod(tmp, mode); // writeFile's mode is filtered by the umask
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => {});
    throw e;
  }
}

/** Read a CLI file; a missing file is an empty one. */
export async function readCliFile(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/**
 * Remove, from one file, the sections that still match (re-read now, so a
 * rerun after a crash does the right thing). Returns the headers removed.
 */
export async function removeProfileSections(
  path: string,
  file: 'config' | 'credentials',
  headers: string[],
  keyIds: Set<string>,
): Promise<string[]> {
  const text = await readCliFile(path);
  if (text === undefined) return [];
  const { sections } = parseSections(text);
  const targets = sections.filter((s) => {
    if (!headers.includes(s.header)) return false;
    const id = s.settings.find(([k]) => k === 'aws_access_key_id');
    // A section that now holds some other key was re-configured after planning: leave it.
    return !id || keyIds.has(settingValue(id[1]));
  });
  if (targets.length === 0) return [];
  await writeAtomic(
    path,
    removeSections(
      text,
      targets.map((s) => s.start),
    ),
  );
  return targets.map((s) => s.header);
}
