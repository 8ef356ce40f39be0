// A block container `::: name params` … `:::`, written after markdown-it-container
// (https://github.com/markdown-it/markdown-it-container) with two differences labs need:
//
// 1. Containers nest with plain `:::` lines. markdown-it-container closes a container at
//    the first marker line at least as long as its opener, so a `::: hint` inside a
//    `::: step` would close the step; authors would have to count colons (`::::: step`).
//    Here an opener (marker followed by a word) goes one level deeper and a bare marker
//    closes the innermost open container. Lines inside code fences are not counted, so a
//    `:::` in an example does not close anything.
// 2. An unclosed container is not silently closed at the end of the document: the open
//    token gets `meta.unclosed = true` and the loader reports it with its line.
//
// Tokens: `container_<name>_open` / `container_<name>_close`; the open token has
// `info` = the text after the name, `map` = [first line, line after the closing marker),
// `meta.closeLine` = the 0-based line of the closing marker (or the end when unclosed).
import type { MarkdownIt, RendererRule as RenderRule, StateBlock, Token } from 'markdown-it';

/** What the container rule and the lab plugins leave on an open token's `meta`. */
export interface ContainerMeta {
  /** 0-based line of the closing marker (the end of the parent block when unclosed). */
  closeLine: number;
  /** True when no closing `:::` was found. */
  unclosed: boolean;
  /** `::: step`: its id, 1-based position, title text and the title heading's line. */
  stepId?: string;
  index?: number;
  title?: string;
  titleLine?: number;
  /** `::: sandbox` / `::: aws` not directly inside `::: variants`. */
  misplaced?: boolean;
}

/** The typed `meta` of a container open token. */
export const metaOf = (t: Token): ContainerMeta => t.meta as unknown as ContainerMeta;

export interface ContainerOptions {
  /** Container name: the first word after the marker. */
  name: string;
  /** Render rule for the open and close tokens (`tokens[idx].nesting` is 1 or -1). */
  render?: RenderRule;
  /** Tag of the open/close tokens, used by the default renderer. */
  tag?: string;
}

const COLON = 0x3a;
const MIN_MARKERS = 3;

/** Length of the run of `:` at `pos`. */
function markerRun(src: string, pos: number, max: number): number {
  let end = pos;
  while (end < max && src.charCodeAt(end) === COLON) end++;
  return end - pos;
}

/** The container name and params on an opener line, or undefined for a non-opener. */
export function parseOpener(line: string): { name: string; params: string } | undefined {
  const m = /^:{3,}\s*([A-Za-z][\w-]*)(.*)$/.exec(line);
  return m ? { name: m[1], params: m[2].trim() } : undefined;
}

export default function container(md: MarkdownIt, options: ContainerOptions): void {
  const { name } = options;
  const tag = options.tag ?? 'div';

  function rule(state: StateBlock, startLine: number, endLine: number, silent: boolean): boolean {
    const start = state.bMarks[startLine] + state.tShift[startLine];
    const max = state.eMarks[startLine];
    if (state.src.charCodeAt(start) !== COLON) return false;
    // Four spaces of indentation make an indented code block, not a container.
    if (state.sCount[startLine] - state.blkIndent >= 4) return false;
    const markers = markerRun(state.src, start, max);
    if (markers < MIN_MARKERS) return false;
    const opener = parseOpener(state.src.slice(start, max));
    if (!opener || opener.name !== name) return false;
    if (silent) return true;

    // Find the matching close, counting nested openers and skipping fenced code.
    let depth = 1;
    let fence: string | undefined;
    let nextLine = startLine;
    let closed = false;
    while (++nextLine < endLine) {
      const s = state.bMarks[nextLine] + state.tShift[nextLine];
      const e = state.eMarks[nextLine];
      // A non-empty line indented less than the parent block ends it (e.g. a list item).
      if (s < e && state.sCount[nextLine] < state.blkIndent) break;
      const line = state.src.slice(s, e);
      if (fence) {
        if (
          line.startsWith(fence) &&
          line
            .slice(fence.length)
            .trim()
            .replace(/^[`~]*/, '') === ''
        )
          fence = undefined;
        continue;
      }
      const f = /^(`{3,}|~{3,})/.exec(line);
      if (f) {
        fence = f[1];
        continue;
      }
      if (state.sCount[nextLine] - state.blkIndent >= 4) continue;
      if (markerRun(state.src, s, e) < MIN_MARKERS) continue;
      if (/^:+\s*$/.test(line)) {
        if (--depth === 0) {
          closed = true;
          break;
        }
      } else if (parseOpener(line)) depth++;
    }

    const oldParent = state.parentType;
    const oldLineMax = state.lineMax;
    state.parentType = 'container' as typeof state.parentType;
    // Keep lazy paragraph continuation from running past our closing marker.
    state.lineMax = nextLine;

    const open = state.push(`container_${name}_open`, tag, 1);
    open.markup = state.src.slice(start, start + markers);
    open.block = true;
    open.info = opener.params;
    open.map = [startLine, closed ? nextLine + 1 : nextLine];
    open.meta = { closeLine: nextLine, unclosed: !closed } satisfies ContainerMeta;

    state.md.block.tokenize(state, startLine + 1, nextLine);

    const close = state.push(`container_${name}_close`, tag, -1);
    close.markup = open.markup;
    close.block = true;

    state.parentType = oldParent;
    state.lineMax = oldLineMax;
    state.line = nextLine + (closed ? 1 : 0);
    return true;
  }

  md.block.ruler.before('fence', `container_${name}`, rule, {
    alt: ['paragraph', 'reference', 'blockquote', 'list'],
  });
  const render: RenderRule =
    options.render ?? ((tokens, idx, opts, _env, self) => self.renderToken(tokens, idx, opts));
  md.renderer.rules[`container_${name}_open`] = render;
  md.renderer.rules[`container_${name}_close`] = render;
}
