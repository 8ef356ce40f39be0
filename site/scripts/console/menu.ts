// An "Actions" menu button, as on the AWS console's access keys (WAI-ARIA menu button
// pattern): Enter, Space or ArrowDown opens it on its first item; arrows move; Escape or
// Tab closes it and focus goes back to the button.
//
// The open menu is placed with `position: fixed` at the button: the keys table sits in a
// horizontally scrolling box (for phones), and such a box also clips vertically, so an
// absolutely placed menu under the last row was cut off and scrolled the row out of view.
export interface MenuItem {
  label: string;
  onSelect: () => void;
  disabled?: string; // why it is disabled (shown as its title)
  danger?: boolean;
}

export function actionsMenu(label: string, items: MenuItem[]): HTMLElement {
  const box = document.createElement('div');
  box.className = 'menu';
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'secondary';
  button.textContent = label;
  button.setAttribute('aria-haspopup', 'menu');
  button.setAttribute('aria-expanded', 'false');
  const list = document.createElement('ul');
  list.setAttribute('role', 'menu');
  list.hidden = true;
  const entries = items.map((it) => {
    const li = document.createElement('li');
    li.setAttribute('role', 'none');
    const b = document.createElement('button');
    b.type = 'button';
    b.setAttribute('role', 'menuitem');
    b.tabIndex = -1;
    b.textContent = it.label;
    if (it.danger) b.className = 'danger-text';
    if (it.disabled) {
      b.setAttribute('aria-disabled', 'true');
      b.title = it.disabled;
    }
    b.addEventListener('click', () => {
      if (it.disabled) return;
      close(false);
      it.onSelect();
    });
    li.append(b);
    list.append(li);
    return b;
  });
  // Below the button, right edges aligned; above it when the window has no room below.
  const place = () => {
    const b = button.getBoundingClientRect();
    const h = list.offsetHeight;
    const below = b.bottom + 4 + h <= innerHeight || b.top - 4 - h < 0;
    list.style.top = `${below ? b.bottom + 4 : b.top - 4 - h}px`;
    list.style.left = `${Math.max(4, b.right - list.offsetWidth)}px`;
  };
  const open = (at = 0) => {
    list.hidden = false;
    button.setAttribute('aria-expanded', 'true');
    place();
    addEventListener('scroll', place, true);
    addEventListener('resize', place);
    entries[at]?.focus({ preventScroll: true });
  };
  function close(refocus = true) {
    list.hidden = true;
    button.setAttribute('aria-expanded', 'false');
    removeEventListener('scroll', place, true);
    removeEventListener('resize', place);
    if (refocus) button.focus();
  }
  button.addEventListener('click', () => (list.hidden ? open() : close()));
  button.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      open();
    }
  });
  list.addEventListener('keydown', (e) => {
    const i = entries.indexOf(document.activeElement as HTMLButtonElement);
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const d = e.key === 'ArrowDown' ? 1 : -1;
      entries[(i + d + entries.length) % entries.length].focus();
    } else if (e.key === 'Escape') {
      e.preventDefault();
      close();
    } else if (e.key === 'Tab') {
      close(false);
    }
  });
  box.addEventListener('focusout', (e) => {
    if (!box.contains(e.relatedTarget as Node)) close(false);
  });
  box.append(button, list);
  return box;
}
