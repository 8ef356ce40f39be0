// A "Copy" button on every command block. The runner's code plugin puts exactly the
// text to copy in `data-copy` (transcripts without prompts or output). Without
// JavaScript the code is still selectable text; the button is an enhancement.
export function addCopyButtons(root: ParentNode) {
  // A long command scrolls sideways: its <pre> must be reachable by keyboard to scroll it
  // (axe: scrollable-region-focusable).
  for (const pre of root.querySelectorAll<HTMLElement>('pre')) pre.tabIndex = 0;
  for (const block of root.querySelectorAll<HTMLElement>('.lab-code[data-copy]')) {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'copy secondary';
    button.textContent = 'Copy';
    button.setAttribute('aria-label', 'Copy command');
    button.addEventListener('click', async () => {
      try {
        await navigator.clipboard.writeText(block.dataset.copy!);
        button.textContent = 'Copied';
      } catch {
        // Clipboard API unavailable (plain http on another host): select the text instead.
        getSelection()?.selectAllChildren(block.querySelector('pre') ?? block);
        button.textContent = 'Press Ctrl+C';
      }
      setTimeout(() => (button.textContent = 'Copy'), 2000);
    });
    block.append(button);
  }
}
