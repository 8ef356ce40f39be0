// The automatic cleanup as the lab page shows it: the plan and what was removed (the same
// lines `lab check` prints in a terminal), what remains and why, or — on a real AWS
// account — the plan and the question: type the one-time code `lab serve` printed in its own
// terminal (runner/serve/confirm.ts: the API never returns it, so only the learner knows it).
import { getJSON } from './api.ts';

// The server's own type (a type-only import: nothing of the server reaches the page's bundle).
import type { CleanupOutcome } from '../../runner/serve/api.ts';
export type { CleanupOutcome };

const HEAD: Record<CleanupOutcome['state'], string> = {
  done: 'Cleanup ran: nothing the lab created remains.',
  remaining: 'Cleanup ran, but some things the lab created remain:',
  confirm: 'Every step passed. Clean up what the lab created?',
  failed: 'The automatic cleanup did not finish.',
};

function lines(title: string, list: string[]): HTMLElement {
  const box = document.createElement('div');
  const h = document.createElement('h3');
  h.textContent = title;
  const pre = document.createElement('pre');
  pre.tabIndex = 0; // scrollable: reachable by keyboard
  pre.textContent = list.join('\n');
  box.append(h, pre);
  return box;
}

export function showCleanup(lab: string, c: CleanupOutcome) {
  const box = document.querySelector<HTMLElement>('[data-cleanup]')!;
  box.hidden = false;
  box.dataset.state = c.state;
  const head = document.createElement('p');
  head.className = 'cleanup-head';
  head.textContent = HEAD[c.state];
  const parts: HTMLElement[] = [head];
  if (c.message) {
    const p = document.createElement('p');
    p.setAttribute('role', 'alert');
    p.textContent = `${c.message}${c.hint ? ` ${c.hint}` : ''}`;
    parts.push(p);
  }
  if (c.plan.length) parts.push(lines('Plan', c.plan));
  if (c.done.length) parts.push(lines('Done', c.done));
  if (c.remaining.length)
    parts.push(
      lines(
        'Still there',
        c.remaining.map((r) => `${r.resource}: ${r.why}`),
      ),
    );
  if (c.state === 'confirm') parts.push(confirmForm(lab));
  box.querySelector('[data-cleanup-body]')!.replaceChildren(...parts);
  box.querySelector<HTMLElement>('h2')!.focus();
}

/** AWS: the code `lab serve` printed in its terminal, typed here, before anything is deleted. */
function confirmForm(lab: string): HTMLFormElement {
  const form = document.createElement('form');
  const label = document.createElement('label');
  label.htmlFor = 'cleanup-code';
  label.textContent =
    'To delete the above, type the code `lab serve` just printed in the terminal you started it in';
  const input = document.createElement('input');
  input.id = 'cleanup-code';
  input.autocomplete = 'off';
  input.spellcheck = false;
  input.required = true;
  const button = document.createElement('button');
  button.className = 'danger';
  button.textContent = 'Delete what the lab created';
  form.append(label, input, button);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    button.disabled = true;
    try {
      const r = await getJSON(`/api/labs/${lab}/cleanup`, {
        method: 'POST',
        body: JSON.stringify({ confirm: input.value }),
      });
      showCleanup(lab, r.cleanup);
    } catch (err) {
      const body = (err as { body?: { message?: string; hint?: string } }).body;
      showCleanup(lab, {
        state: 'failed',
        plan: [],
        done: [],
        remaining: [],
        message: body?.message ?? String(err),
        hint: body?.hint,
      });
    }
  });
  return form;
}
