// The lab page's script: copy buttons on code blocks, and — when the page is served
// by `lab serve` — live step status (server-sent events: checks from this page, another
// tab or a terminal show up within a second), "Check my progress", a sticky progress
// summary, the completion banner and the automatic cleanup's plan and proof.
import { serverInfo, getJSON, followEvents, whileBusy, withCode } from './api.ts';
import { addCopyButtons } from './copy.ts';
import { showCleanup, type CleanupOutcome } from './cleanup.ts';
import { quizForms } from './quiz.ts';

type Status = 'passed' | 'failed' | 'pending' | 'not-tried';
interface StepState {
  id: string;
  status: Status;
  evidence?: string | null;
  expected?: string | null;
  hint?: string | null;
  /** The hint as HTML, rendered by the server from the lab's Markdown. */
  hintHtml?: string | null;
}
interface Progress {
  started: boolean;
  run?: { status: string; startedAt?: string } | null;
  steps: StepState[];
}

const LABEL = {
  passed: 'Passed',
  failed: 'Failed',
  pending: 'Pending',
  'not-tried': 'Not tried yet',
  checking: 'Checking…',
};
const article = document.querySelector<HTMLElement>('article.lab')!;
const lab = article.dataset.lab!;
const $ = <T extends HTMLElement>(sel: string) => document.querySelector<T>(sel)!;
const items = [...document.querySelectorAll<HTMLElement>('.checklist li[data-step]')];
let runStatus: string | undefined;

addCopyButtons(article);
quizForms(lab, article);

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
  const item = items.find((i) => i.dataset.step === s.id);
  if (item) {
    item.dataset.status = s.status;
    item.querySelector('input')!.checked = s.status === 'passed';
  }
  const verdict = section.querySelector<HTMLElement>('.verdict')!;
  verdict.replaceChildren();
  verdict.dataset.status = s.status;
  const dl = document.createElement('dl');
  const add = (term: string, text?: string | null, html?: string | null) => {
    if (!text) return;
    const dt = document.createElement('dt');
    const dd = document.createElement('dd');
    dt.textContent = term;
    // Server-rendered Markdown (markdown-it, raw HTML off) or plain text.
    if (html) dd.innerHTML = html;
    else dd.textContent = text;
    dl.append(dt, dd);
  };
  add(s.status === 'passed' ? 'Verified' : 'Found', s.evidence);
  if (s.status !== 'passed') {
    add('Expected', s.expected);
    add('Hint', s.hint, s.hintHtml);
  }
  if (dl.children.length) verdict.append(dl);
}

/** The tally, the sticky "3/5 · Next: …" line and the completion banner. */
function summarize() {
  const done = items.filter((i) => i.dataset.status === 'passed');
  const next = items.find((i) => i.dataset.status !== 'passed');
  $('[data-done]').textContent = String(done.length);
  const sticky = $('[data-summary]');
  sticky.hidden = false;
  const link = sticky.querySelector<HTMLAnchorElement>('a')!;
  sticky.querySelector('[data-count]')!.textContent = `${done.length}/${items.length}`;
  if (next) {
    link.textContent = `Next: ${next.querySelector('a')!.textContent}`;
    link.href = `#step-${next.dataset.step}`;
  } else {
    link.textContent = 'All steps passed';
    link.href = '#complete-h';
  }
  const banner = $('[data-complete]');
  banner.hidden = !!next;
  if (!next) {
    // Not "everything the lab created": the last step may have been deleting it yourself.
    banner
      .querySelector('[data-cleanup-state]')!
      .replaceChildren(
        ...withCode(
          runStatus === 'cleaned'
            ? 'Cleanup ran: nothing the lab created remains in the account.'
            : 'Cleanup has not run yet: what `lab start` set up, and anything you created and did not delete, is still in the account.',
        ),
      );
  }
  banner.querySelector<HTMLElement>('[data-cleanup-now]')!.hidden =
    !!next || runStatus === 'cleaned';
}

/** "Clean up now": the same cleanup as `lab cleanup` (on AWS, after the account id). */
function cleanupNow(button: HTMLButtonElement) {
  return whileBusy(button, async () => {
    try {
      const r = await getJSON(`/api/labs/${lab}/cleanup`, { method: 'POST', body: '{}' });
      if ((r.cleanup as CleanupOutcome).state === 'done') runStatus = 'cleaned';
      showCleanup(lab, r.cleanup);
    } catch (e) {
      const body = (e as { body?: { message?: string; hint?: string } }).body;
      showCleanup(lab, {
        state: 'failed',
        plan: [],
        done: [],
        remaining: [],
        message: body?.message ?? String(e),
        hint: body?.hint,
      });
    }
    summarize();
  });
}

function render(p: Progress) {
  runStatus = p.run?.status;
  // Started already (here, in the embedded terminal, or elsewhere): say when, not "start it".
  if (p.run?.startedAt && p.run.status !== 'cleaned') {
    const at = new Date(p.run.startedAt).toISOString().slice(0, 16).replace('T', ' ');
    $('[data-start-note]').textContent = `You started this lab at ${at} UTC.`;
  }
  for (const s of p.steps) show(s);
  summarize();
}

function check(id: string, button: HTMLButtonElement) {
  return whileBusy(button, async () => {
    setBadge(id, 'checking');
    try {
      const r = await getJSON(`/api/labs/${lab}/check`, {
        method: 'POST',
        body: JSON.stringify({ step: id }),
      });
      for (const s of r.steps as StepState[]) show(s);
      if (r.cleanup) {
        if ((r.cleanup as CleanupOutcome).state === 'done') runStatus = 'cleaned';
        showCleanup(lab, r.cleanup);
      }
      summarize();
    } catch (e) {
      setBadge(id, 'pending');
      const verdict = button.parentElement!.querySelector<HTMLElement>('.verdict')!;
      const hint = (e as { body?: { hint?: string } }).body?.hint;
      verdict.dataset.status = 'error';
      verdict.replaceChildren(
        ...withCode(`The check could not run: ${(e as Error).message}${hint ? ` ${hint}` : ''}`),
      );
    }
  });
}

const LIVE = {
  live: 'Live',
  reconnecting: 'Reconnecting to lab serve…',
  'signed-out': 'Signed out: open the address lab serve printed',
};

/**
 * Follow the progress store (a fetch stream: the token goes in a header, which EventSource
 * cannot send); reconnects by itself when `lab serve` restarts.
 */
function follow() {
  const live = $('[data-live]');
  followEvents(
    `/api/labs/${lab}/events`,
    (name, data) => name === 'progress' && render(JSON.parse(data)),
    (state) => {
      live.textContent = LIVE[state];
      live.dataset.state = state;
    },
  );
}

const info = await serverInfo();
if (info) {
  document.querySelector('[data-static-note]')?.setAttribute('hidden', '');
  const note = $('[data-served-note]');
  note.querySelector('[data-target]')!.textContent =
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
  const now = $<HTMLButtonElement>('[data-cleanup-now]');
  now.addEventListener('click', () => cleanupNow(now));
  for (const button of document.querySelectorAll<HTMLButtonElement>('.check-btn')) {
    const id = button.closest<HTMLElement>('.lab-step')!.dataset.step!;
    button.hidden = false;
    button.addEventListener('click', () => check(id, button));
  }
  follow();
  void offerTerminal(info.terminal === 'ready' ? 'ready' : 'off', info.target);
}

/** The terminal beside the steps: its code (xterm.js) is loaded only when opened. */
async function offerTerminal(state: 'ready' | 'off', target: string) {
  const offer = $('[data-term-offer]');
  const open = offer.querySelector<HTMLButtonElement>('[data-term-open]')!;
  if (state === 'off') {
    offer.hidden = false;
    // Say so, rather than leave a learner looking for the terminal the docs describe.
    open.hidden = true;
    offer
      .querySelector('[data-term-note]')!
      .replaceChildren(
        ...withCode(
          'No terminal in this page: `lab serve` offers one only on loopback and without `--no-terminal`. Use `lab shell` in a terminal of your own.',
        ),
      );
    return;
  }
  // The dock's code comes only where a terminal is offered (the page's own script stays
  // small); the offer shows once its button works.
  const { terminalDock } = await import('./term-dock.ts');
  offer.hidden = false;
  // Blocks of the other target's variant stay put: on the sandbox, a command written for
  // AWS (`--profile <your-admin-profile>`) would fail in `lab shell`.
  terminalDock(open, () =>
    [...document.querySelectorAll<HTMLElement>('.lab-code[data-copy]')].filter((b) => {
      const variant = b.closest<HTMLElement>('.lab-variant[data-target]');
      return !variant || variant.dataset.target === target;
    }),
  );
}
