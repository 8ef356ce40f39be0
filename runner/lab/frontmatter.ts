// Split a README.md into its YAML frontmatter and Markdown body, validate the frontmatter
// with the shared schema, and report every problem at the line it is written on.
// The `yaml` package keeps source ranges on every node, which is what lets a schema error
// on `services[1]` point at that list item rather than at the top of the file.
import { isMap, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { labMetaSchema, type LabMeta } from './schema.ts';
import { frontmatterProblems, type LabProblem } from './error-map.ts';

export interface SplitSource {
  /** The YAML between the `---` fences (empty when there is none). */
  yaml: string;
  /** The Markdown after the closing fence. */
  body: string;
  /** Number of file lines before the body starts (so body line n is file line n + offset). */
  bodyOffset: number;
}

const FENCE = /^---[ \t]*$/;

/** Split off the frontmatter. Returns problems instead of throwing, so callers can collect them. */
export function splitFrontmatter(
  source: string,
  file: string,
): { split?: SplitSource; problems: LabProblem[] } {
  // A byte-order mark (some Windows editors add one) is not part of the first line.
  const lines = source.replace(/^\uFEFF/, '').split(/\r?\n/);
  if (!FENCE.test(lines[0] ?? '')) {
    return {
      problems: [
        {
          file,
          line: 1,
          message: 'the file does not start with frontmatter',
          fix: 'put a `---` line first, then the fields (id, title, summary, …), then another `---` line',
        },
      ],
    };
  }
  const end = lines.findIndex((l, i) => i > 0 && FENCE.test(l));
  if (end < 0) {
    return {
      problems: [
        {
          file,
          line: 1,
          message: 'the frontmatter opened here is never closed',
          fix: 'add a line `---` after the last frontmatter field',
        },
      ],
    };
  }
  return {
    split: {
      yaml: lines.slice(1, end).join('\n'),
      body: lines.slice(end + 1).join('\n'),
      bodyOffset: end + 1,
    },
    problems: [],
  };
}

/** Parse and validate the frontmatter YAML. `firstLine` is the file line of the YAML's first line. */
export function parseFrontmatter(
  yaml: string,
  file: string,
  firstLine = 2,
): { meta?: LabMeta; problems: LabProblem[] } {
  const counter = new LineCounter();
  const doc = parseDocument(yaml, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  const lineAt = (offset: number) => counter.linePos(offset).line + firstLine - 1;

  if (doc.errors.length > 0) {
    return {
      problems: doc.errors.map((e) => ({
        file,
        line: lineAt(e.pos[0]),
        message: `the frontmatter is not valid YAML: ${e.message.split('\n')[0]}`,
        fix: 'check the quoting and indentation on this line (quote text that contains `: ` or starts with a symbol)',
      })),
    };
  }
  const data = doc.toJS() ?? {};
  const fmStart = firstLine - 1; // the opening `---`
  if (!isMap(doc.contents) && doc.contents !== null) {
    return {
      problems: [
        {
          file,
          line: fmStart,
          message: 'the frontmatter is not a set of `field: value` lines',
          fix: 'write one field per line, like `id: day42`',
        },
      ],
    };
  }

  const result = labMetaSchema.safeParse(data);
  if (result.success) return { meta: result.data, problems: [] };

  // Find the node for a path like ['services', 1]; for a key of a mapping, its key node.
  const locate = (path: PropertyKey[]): number | undefined => {
    let node: unknown = doc.contents;
    let at: Node | undefined;
    for (const key of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => (p.key as any)?.value === key);
        if (!pair) return undefined;
        at = pair.key as Node;
        node = pair.value;
      } else if (isSeq(node) && typeof key === 'number') {
        const item = node.items[key] as Node | undefined;
        if (!item) return undefined;
        at = item;
        node = item;
      } else return undefined;
    }
    return at?.range ? lineAt(at.range[0]) : undefined;
  };
  return { problems: frontmatterProblems(result.error, file, locate, fmStart, data) };
}
