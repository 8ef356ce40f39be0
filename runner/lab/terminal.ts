// Lab Markdown (a hint, a step) shown in a terminal: readable as plain text, with bold and
// code picked out in colour when the terminal has colour. Not a Markdown renderer: hints are
// a few sentences, and the browser shows the full rendering.
import { color } from '../ui.ts';

function inline(text: string): string {
  return text
    .replace(/\*\*([\s\S]+?)\*\*/g, (_, t: string) => color.bold(t))
    .replace(/`([^`]+)`/g, (_, t: string) => color.cyan(t))
    .replace(
      /(^|[^\w*])\*(\S[\s\S]*?)\*(?=[^\w*]|$)/g,
      (_, p: string, t: string) => p + color.italic(t),
    )
    .replace(/\[([^\]]+)\]\(([^)]+)\)/g, (_, t: string, u: string) => `${t} (${u})`);
}

export function markdownToTerminal(md: string, indent = ''): string {
  const out: string[] = [];
  let prose: string[] = [];
  let fence = false;
  const flush = () => {
    if (prose.length) out.push(...inline(prose.join('\n')).split('\n'));
    prose = [];
  };
  for (const line of md.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) {
      flush();
      fence = !fence;
    } else if (fence) out.push('    ' + color.cyan(line));
    else prose.push(line);
  }
  flush();
  return out.map((l) => (l.trim() ? indent + l : '')).join('\n');
}
