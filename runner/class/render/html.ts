// The instructor dashboard: server-rendered HTML, no framework, no script.
// Every piece of learner-supplied text goes through escapeHtml, and the page is
// served with a CSP that allows no script at all, so an injected tag is inert twice.
import type { ClassReport, LabReport, LearnerReport } from '../report.ts';
import { overviewOf, type ClassOverview, type LabOverview } from '../overview.ts';
import { completionsChart } from './chart.ts';
import { escapeHtml as e, fmtDuration, fmtTime } from './escape.ts';

const byName = new Intl.Collator('en').compare;

// The lab site's design system (site/styles/site.css): the same palette, chosen for WCAG AA
// contrast in both schemes, with explicit backgrounds (a transparent page in dark mode left
// dark text on a dark canvas), the same buttons and focus ring.
const STYLE = `
:root{color-scheme:light dark;--bg:#fff;--fg:#1b1d21;--muted:#4d535c;--line:#c9ced6;--panel:#f4f6f8;--accent:#0b57d0;--accent-fg:#fff;--focus:#b3261e;--ok:#14532d;--ok-bg:#e3f3e7;--bad:#8c1d18;--bad-bg:#fde8e6;--warn:#5c4300;--radius:6px}
@media (prefers-color-scheme:dark){:root{--bg:#14171b;--fg:#e6e9ee;--muted:#aab1bc;--line:#3a414b;--panel:#1d2127;--accent:#8ab4f8;--accent-fg:#0b1a33;--focus:#ffb4ab;--ok:#a8e6b9;--ok-bg:#163a24;--bad:#ffcdc7;--bad-bg:#4a1512;--warn:#ffe08a}}
*{box-sizing:border-box}
body{font:15px/1.55 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:0 auto;max-width:72rem;padding:1rem;background:var(--bg);color:var(--fg)}
a{color:var(--accent)}
h1{font-size:1.6rem;margin:.2rem 0}
.scroll{overflow-x:auto;max-width:100%;margin:.5rem 0 1.5rem}
table{border-collapse:collapse;font-size:14px}
th,td{border:1px solid var(--line);padding:.25rem .5rem;text-align:left;vertical-align:top}
thead th{background:var(--panel)}
.passed{color:var(--ok)}.failed,.risk{color:var(--bad)}.pending{color:var(--warn)}.muted,.not-started,.not-tried{color:var(--muted)}
td.passed{background:var(--ok-bg)}td.failed{background:var(--bad-bg)}
.learners tbody tr{content-visibility:auto;contain-intrinsic-size:auto 2.4em}
.alert{border:2px solid var(--bad);background:var(--bad-bg);padding:.5rem 1rem;border-radius:var(--radius)}
.chart{display:block;max-width:100%;height:auto}.chart rect{fill:var(--ok)}.chart .axis{stroke:var(--muted)}.chart .tick{font-size:11px;fill:var(--muted)}
button{font:inherit;cursor:pointer;border-radius:var(--radius);border:1px solid var(--accent);background:var(--accent);color:var(--accent-fg);padding:.35rem .8rem}
input{font:inherit;padding:.35rem;border:1px solid var(--muted);border-radius:var(--radius);background:var(--bg);color:var(--fg);max-width:100%}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
`;

export interface DashboardLinks {
  /** Href of the CSV download for this view. */
  csv: string;
  /** Href of the dashboard for one lab. */
  lab: (lab: string) => string;
  /** Href of the all-labs overview (when showing one lab). */
  all?: string;
  /** A class that hosts the sandbox: its learners' accounts (activity, reset, end). */
  accounts?: string;
}

/** What <main> holds: a lab's section, or the overview of several labs. */
export function dashboardBody(
  report: ClassReport | ClassOverview,
  links: DashboardLinks,
  /** A class that hosts the sandbox: each learner's account, listed under the overview. */
  accounts?: OverviewAccount[],
): string {
  // Several labs: an overview (live keys first), each lab one click away; a lab's page
  // for 1,000 learners is big enough on its own.
  const several = 'overview' in report || report.labs.length > 1;
  const body =
    'overview' in report
      ? overview(report.overview, links)
      : report.labs.length === 0
        ? '<p>No results yet. Learners join with <code>lab join</code>, then run <code>lab check</code>.</p>'
        : report.labs.length === 1
          ? labSection(report.labs[0], report.generatedAt)
          : overview(report.labs.map(overviewOf), links);
  return several && accounts?.length ? body + accountsSection(report.class.id, accounts) : body;
}

export interface OverviewAccount {
  learnerId: string;
  name: string;
  accountId: string | null;
}

/** The overview names whose account is whose (a lab's grid says it beside each learner). */
function accountsSection(classId: string, accounts: OverviewAccount[]): string {
  const rows = accounts
    .map(
      (a) =>
        `<tr><th scope="row">${a.accountId ? `<a href="/class/${e(classId)}/learners/${e(a.learnerId)}"><bdi>${e(a.name)}</bdi></a>` : `<bdi>${e(a.name)}</bdi>`}</th><td class="account">${e(a.accountId ?? '—')}</td></tr>`,
    )
    .join('');
  return `<section aria-labelledby="accounts"><h2 id="accounts">Learners' accounts</h2>
<div class="scroll" tabindex="0" role="region" aria-label="Learners' accounts"><table class="accounts"><thead><tr><th scope="col">Learner</th><th scope="col">Account</th></tr></thead><tbody>${rows}</tbody></table></div></section>`;
}

/** "2026-11-23 14:05 UTC": the page's "generated" stamp. */
export const generatedText = (at: number) => `${fmtTime(at)} UTC`;

/** A full report's page; or, given the database's overview (several labs), the overview page. */
export function dashboardHtml(
  report: ClassReport | ClassOverview,
  links: DashboardLinks,
  nonce: string,
  /** The signed-in dashboard: refreshes itself from `stamp` on (the class's change stamp when
   *  the report was read). A saved report (`lab report --format html`, the API's
   *  `format=html`) is a snapshot: opened from a file it must not fetch anything. */
  opts: { live?: boolean; stamp?: string; accounts?: OverviewAccount[] } = {},
): string {
  const live = opts.live && opts.stamp != null;
  return page(
    `${report.class.name} — class dashboard`,
    nonce,
    // The live page refreshes itself while left open (REFRESH below), with a switch to stop it.
    `<header><h1>${e(report.class.name)}</h1>
<p class="muted">${live ? 'Class dashboard' : 'Class report (saved; it does not update)'} · generated <span data-generated>${e(generatedText(report.generatedAt))}</span>${
      live
        ? ' · <label><input type="checkbox" id="auto-refresh" checked> Refresh every 30 s</label>'
        : ''
    } ·
<a href="${e(links.csv)}" download>Download CSV</a>${links.all ? ` · <a href="${e(links.all)}">All labs</a>` : ''}${links.accounts ? ` · <a href="${e(links.accounts)}">Learners' accounts</a>` : ''}</p></header>
<main${live ? ` data-stamp="${e(opts.stamp)}"` : ''}>${dashboardBody(report, links, opts.accounts)}</main>`,
    live,
  );
}

/**
 * The dashboard's only script (allowed by its CSP nonce; learner text is escaped, and an
 * injected tag has no nonce): every 30 s, while "Refresh" is on, ask what changed since the
 * page's stamp (routes/dashboard.ts, `…/dashboard/delta`) and patch it in: the summary above
 * the grid, the rows of learners whose results arrived, and the grid's order. Nothing changed
 * costs one small answer; a 1,000-learner page is never fetched again whole. Not while focus
 * or a selection is inside <main> (the instructor is reading or tabbing). A switch, not a
 * <meta refresh>: WCAG 2.2.1 wants timed updates adjustable.
 */
const REFRESH = `(() => {
  const box = document.getElementById('auto-refresh');
  const generated = document.querySelector('[data-generated]');
  setInterval(async () => {
    const main = document.querySelector('main');
    if (!box.checked || main.contains(document.activeElement) || String(getSelection())) return;
    try {
      const url = new URL(location.href);
      url.pathname += '/delta';
      url.searchParams.set('since', main.dataset.stamp);
      const res = await fetch(url, { credentials: 'same-origin', cache: 'no-store' });
      if (!res.ok) return;
      const d = await res.json();
      main.dataset.stamp = d.stamp;
      if (!d.changed) return;
      generated.textContent = d.generated;
      if (d.main != null) { main.innerHTML = d.main; return; }
      main.querySelector('[data-summary]').innerHTML = d.summary;
      const body = main.querySelector('table.learners tbody');
      const rows = new Map([...body.rows].map((r) => [r.dataset.learner, r]));
      const scratch = document.createElement('tbody');
      for (const [id, html] of Object.entries(d.rows)) {
        scratch.innerHTML = html;
        rows.set(id, scratch.firstElementChild);
      }
      body.replaceChildren(...d.order.map((id) => rows.get(id)).filter(Boolean));
    } catch {}
  }, 30000);
})();`;

function overview(labs: LabOverview[], links: DashboardLinks): string {
  const sorted = [...labs].sort(
    (a, b) => b.keysAtRisk - a.keysAtRisk || a.lab.localeCompare(b.lab),
  );
  const rows = sorted
    .map((l) => {
      const risk = l.keysAtRisk
        ? `<span class="risk">${l.keysAtRisk}</span>`
        : '<span class="passed">0</span>';
      return `<tr><th scope="row"><a href="${e(links.lab(l.lab))}">${e(l.lab)}</a></th><td>${risk}</td>
<td>${l.completion.completed} of ${l.completion.learners} (${Math.round(l.completion.rate * 100)}%)</td><td>${l.learnersStuck}</td></tr>`;
    })
    .join('');
  const totalRisk = labs.reduce((n, l) => n + l.keysAtRisk, 0);
  return `<section aria-labelledby="overview"><h2 id="overview">Labs</h2>
${totalRisk ? `<p class="alert risk" role="alert" data-testid="risk">Lab access keys still live: ${totalRisk}. Open the labs at the top of this list.</p>` : ''}
<div class="scroll" tabindex="0" role="region" aria-label="Labs"><table class="overview"><thead><tr><th scope="col">Lab</th><th scope="col">Keys still live</th>
<th scope="col">Finished</th><th scope="col">Stuck</th></tr></thead><tbody>${rows}</tbody></table></div></section>`;
}

function labSection(lab: LabReport, now: number): string {
  return `<section aria-labelledby="lab-${e(lab.lab)}">
<h2 id="lab-${e(lab.lab)}">Lab ${e(lab.lab)}</h2>
<div data-summary>${labSummary(lab)}</div>
${learnersTable(lab, now)}
</section>`;
}

/** Everything of a lab's section above the learners' grid (the live page replaces it whole). */
export function labSummary(lab: LabReport): string {
  return `${riskSection(lab)}
<h3>Completion</h3>
${completionLine(lab)}
${completionsChart(lab.completions, `Completions of ${lab.lab} over time`)}
${stuckSection(lab)}
${quizSection(lab)}
<h3>Median time per step</h3>
<div class="scroll" tabindex="0" role="region" aria-label="Median time per step"><table class="medians"><thead><tr>${lab.steps.map((s) => `<th scope="col">${e(s)}</th>`).join('')}</tr></thead>
<tbody><tr>${lab.steps.map((s) => `<td>${e(fmtDuration(lab.medianStepMs[s]))}</td>`).join('')}</tr></tbody></table></div>`;
}

/** Live keys shown at once; the rest are one click away (a class of 1,000 can have hundreds). */
const RISK_SHOWN = 5;

/**
 * Finished out of the learners in the grid below; those who have not started are said
 * separately (the rate counts only learners who started, as the API's `completion` does).
 */
function completionLine(lab: LabReport): string {
  const all = lab.learners.length;
  const waiting = all - lab.completion.learners;
  return `<p id="completion-${e(lab.lab)}"><strong>${lab.completion.completed} of ${all}</strong>
learners finished (${Math.round(lab.completion.rate * 100)}%${waiting ? ` of those who started; ${waiting} not started yet` : ''}).</p>`;
}

function riskSection(lab: LabReport): string {
  if (lab.keysAtRisk.length === 0) {
    return `<p class="passed" data-testid="no-risk">No learner's lab keys are still live.</p>`;
  }
  // Oldest first: the key that has stood longest is the one to chase first.
  const keys = [...lab.keysAtRisk].sort(
    (a, b) => (a.since ?? Infinity) - (b.since ?? Infinity) || byName(a.name, b.name),
  );
  const item = (k: LabReport['keysAtRisk'][number]) =>
    `<li><strong><bdi>${e(k.name)}</bdi></strong> — ${k.since != null ? `key created ${e(fmtTime(k.since))} UTC` : 'key creation time not reported'}${k.verified ? ' (verified in the account)' : ' (self-reported)'}</li>`;
  const shown = keys.slice(0, RISK_SHOWN).map(item).join('');
  const rest = keys.slice(RISK_SHOWN);
  return `<div class="alert" role="alert" data-testid="risk">
<h3 class="risk">Lab access keys still live (${keys.length})</h3>
<p>These learners created an access key in this lab and have not cleaned it up. A forgotten key is a standing credential: ask them to run the cleanup step. Oldest first.</p>
<ul>${shown}</ul>${
    rest.length
      ? `<details data-testid="risk-rest"><summary>Show the other ${rest.length}</summary><ul>${rest.map(item).join('')}</ul></details>`
      : ''
  }</div>`;
}

const pct = (n: number, of: number) => (of ? `${Math.round((n / of) * 100)}%` : '–');

/** Knowledge checks: the share right at the first try, and the misconception to address. */
function quizSection(lab: LabReport): string {
  if (!lab.quizzes.length) return '';
  const rows = lab.quizzes
    .map(
      (q) =>
        `<tr><th scope="row">${e(q.quiz)}</th><td>${q.answered}</td><td>${q.rightFirstTry} (${pct(q.rightFirstTry, q.answered)})</td><td>${q.right}</td><td>${q.commonWrong ? `<bdi>${e(q.commonWrong.answer)}</bdi> <span class="muted">×${q.commonWrong.count}</span>` : '<span class="muted">none</span>'}</td></tr>`,
    )
    .join('');
  return `<h3>Knowledge checks</h3>
<div class="scroll" tabindex="0" role="region" aria-label="Knowledge checks"><table class="quizzes"><thead><tr><th scope="col">Question</th><th scope="col">Answered</th>
<th scope="col">Right at the first try</th><th scope="col">Right by now</th><th scope="col">Most common wrong answer</th></tr></thead><tbody>${rows}</tbody></table></div>`;
}

function stuckSection(lab: LabReport): string {
  if (lab.stuck.length === 0) return '<h3>Stuck points</h3><p>No failed attempts.</p>';
  const rows = lab.stuck
    .map(
      (
        s,
      ) => `<tr><th scope="row">${e(s.step)}</th><td>${s.learnersStuck}</td><td>${s.failedAttempts}</td>
<td>${s.reasons.length ? `<ul>${s.reasons.map((r) => `<li><bdi>${e(r.reason)}</bdi> <span class="muted">×${r.count}</span></li>`).join('')}</ul>` : ''}</td></tr>`,
    )
    .join('');
  return `<h3>Stuck points</h3>
<div class="scroll" tabindex="0" role="region" aria-label="Stuck points"><table class="stuck"><thead><tr><th scope="col">Step</th><th scope="col">Learners stuck here</th>
<th scope="col">Failed attempts</th><th scope="col">Most common failure reasons</th></tr></thead><tbody>${rows}</tbody></table></div>`;
}

function learnersTable(lab: LabReport, now: number): string {
  const head = `<tr><th scope="col">Learner</th><th scope="col">State</th>${lab.steps
    .map((s) => `<th scope="col">${e(s)}</th>`)
    .join('')}<th scope="col">Last activity</th></tr>`;
  const rows = lab.learners.map((l) => learnerRow(l, lab.steps, now)).join('\n');
  return `<h3>Learners × steps</h3>
<div class="scroll" tabindex="0" role="region" aria-label="Learners by step"><table class="learners"><thead>${head}</thead><tbody>${rows}</tbody></table></div>`;
}

/** How long ago, as an instructor reads it at a glance: 4 min, 3 h, 2 d. */
function ago(ms: number): string {
  const min = Math.max(0, Math.floor(ms / 60_000));
  if (min < 120) return `${min} min`;
  if (min < 48 * 60) return `${Math.floor(min / 60)} h`;
  return `${Math.floor(min / 1440)} d`;
}

export function learnerRow(l: LearnerReport, steps: string[], now: number): string {
  const state =
    l.state === 'stuck'
      ? `<span class="failed">stuck at ${e(l.currentStep)}</span>${l.lastActivity != null ? ` <span class="muted">for ${ago(now - l.lastActivity)}</span>` : ''}`
      : `<span class="${l.state === 'finished' ? 'passed' : 'muted'}">${e(l.state.replace('-', ' '))}</span>`;
  const cells = steps
    .map((s) => {
      const c = l.cells[s];
      const mark = {
        passed: '✓',
        failed: '✗',
        pending: '…',
        'not-tried': '○',
        'not-started': '·',
      }[c.status];
      const when = c.passedAt != null ? ` ${e(fmtTime(c.passedAt))}` : '';
      const v = c.verification ? verificationMark(c.verification, c.verifiedEvidence) : '';
      const title = c.evidence ? ` title="${e(c.evidence)}"` : '';
      return `<td class="${c.status}" data-step="${e(s)}"${title}>${mark}${when}${c.failures ? ` <span class="muted">${c.failures}×✗</span>` : ''}${v}</td>`;
    })
    .join('');
  const risk = l.keysAtRisk ? ' <span class="risk">key live</span>' : '';
  // A hosted learner's name opens their account page (activity, reset): relative to the dashboard.
  const name = l.accountId
    ? `<a href="learners/${encodeURIComponent(l.id)}"><bdi>${e(l.name)}</bdi></a> <span class="muted account">account ${e(l.accountId)}</span>`
    : `<bdi>${e(l.name)}</bdi>`;
  return `<tr data-learner="${e(l.id)}"><th scope="row">${name}${risk}</th><td>${state}</td>${cells}<td>${e(fmtTime(l.lastActivity))}</td></tr>`;
}

/** Whether the account itself proves a cell: "verified", or a claim it does not back. */
function verificationMark(v: string, evidence: string | undefined): string {
  const title = evidence ? ` title="${e(evidence)}"` : '';
  if (v === 'contradicted')
    return ` <span class="failed verification"${title}>(not verified)</span>`;
  return ` <span class="muted verification"${title}>(${e(v)})</span>`;
}

/** A dashboard page that could not be made: what happened and what to do, as a page. */
export function errorHtml(title: string, message: string, nonce: string): string {
  return page(title, nonce, `<main><h1>${e(title)}</h1><p role="alert">${e(message)}</p></main>`);
}

export function loginHtml(
  className: string | undefined,
  action: string,
  nonce: string,
  error?: string,
): string {
  return page(
    'Instructor sign-in',
    nonce,
    `<main><h1>Instructor sign-in${className ? ` — ${e(className)}` : ''}</h1>
${error ? `<p class="failed" role="alert" id="token-error">${e(error)}</p>` : ''}
<form method="post" action="${e(action)}">
<label for="token">Instructor token (printed once by <code>lab class create</code>)</label><br>
<input id="token" name="token" type="password" autocomplete="off" required size="50" autofocus${error ? ' aria-invalid="true" aria-describedby="token-error"' : ''}>
<button type="submit">Open dashboard</button>
</form></main>`,
  );
}

export function page(title: string, nonce: string, body: string, refresh = false): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="color-scheme" content="light dark">
<link rel="icon" href="data:,">
<title>${e(title)}</title>
<style nonce="${e(nonce)}">${STYLE}</style></head>
<body>${body}${refresh ? `<script nonce="${e(nonce)}">${REFRESH}</script>` : ''}</body></html>`;
}
