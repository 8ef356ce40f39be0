// The lab page's only script: copy buttons on code blocks, and — when the page
// is served by `lab serve` — live step status and a "Check my progress" button.
import { serverInfo, getJSON } from './api.ts';
import { addCopyButtons } from './copy.ts';

interface StepState {
  id: string;
  status: 'passed' | 'failed' | 'pending';
  evidence?: string | null;
  expected?: string | null;
  hint?: string | null;
}

const LABEL = { passed: 'Passed', failed: 'Failed', pending: 'Pending', checking: 'Checking…' };
const article = document.querySelector<HTMLElement>('article.lab')!;
const lab = article.dataset.lab!;

addCopyButtons(article);

function setBadge(id: string, status: keyof typeof LABEL) {
  const badge = document.getElementById(`badge-${id}`);
  if (!badge) return;
  badge.dataset.status = status;
  badge.textContent = LABEL[status];
}

function show(s: StepState) {
  const section = document.querySelector<HTMLElement>(`.lab-step[data-step="${s.id}"]`);
  if (!section) return;
  setBadge(s.id, s.status);
  const item = document.querySelector<HTMLElement>(`.checklist li[data-step="${s.id}"]`);
  if (item) {
    item.dataset.status = s.status;
    item.querySelector('input')!.checked = s.status === 'passed';
  }
  const verdict = section.querySelector<HTMLElement>('.verdict')!;
  verdict.replaceChildren();
  const dl = document.createElement('dl');
  const add = (term: string, text?: string | null) => {
    if (!text) return;
    const dt = document.createElement('dt');
    const dd = document.createElement('dd');
    dt.textContent = term;
    dd.textContent = text;
    dl.append(dt, dd);
  };
  add(s.status === 'passed' ? 'Verified' : 'Found', s.evidence);
  if (s.status !== 'passed') {
    add('Expected', s.expected);
    add('Hint', s.hint);
  }
  if (dl.children.length) verdict.append(dl);
  const done = document.querySelectorAll('.checklist li[data-status="passed"]').length;
  document.querySelector('[data-done]')!.textContent = String(done);
}

async function check(id: string, button: HTMLButtonElement) {
  button.disabled = true;
  setBadge(id, 'checking');
  try {
    const r = await getJSON(`/api/labs/${lab}/check`, {
      method: 'POST',
      body: JSON.stringify({ step: id }),
    });
    for (const s of r.steps as StepState[]) show(s);
  } catch (e) {
    setBadge(id, 'pending');
    const verdict = button.parentElement!.querySelector<HTMLElement>('.verdict')!;
    const hint = (e as { body?: { hint?: string } }).body?.hint;
    verdict.textContent = `The check could not run: ${(e as Error).message}${hint ? ` ${hint}` : ''}`;
  } finally {
    button.disabled = false;
  }
}

const info = await serverInfo();
if (info) {
  document.querySelector('[data-static-note]')?.setAttribute('hidden', '');
  const note = document.querySelector<HTMLElement>('[data-served-note]')!;
  note.textContent =
    info.target === 'sandbox'
      ? 'Checking against your local sandbox.'
      : 'Checking against your AWS account.';
  note.hidden = false;
  // Mark the variant of each instruction that applies to the target in use.
  for (const v of document.querySelectorAll<HTMLElement>(
    `.lab-variant[data-target="${info.target}"]`,
  )) {
    v.classList.add('current');
    const label = v.querySelector('.lab-variant-label');
    if (label) label.append(' (you are using this)');
  }
  for (const button of document.querySelectorAll<HTMLButtonElement>('.check-btn')) {
    const id = button.closest<HTMLElement>('.lab-step')!.dataset.step!;
    button.hidden = false;
    button.addEventListener('click', () => check(id, button));
  }
  const p = await getJSON(`/api/labs/${lab}/progress`).catch(() => null);
  for (const s of (p?.steps ?? []) as StepState[]) show(s);
}
