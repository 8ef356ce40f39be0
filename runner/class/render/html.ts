// The instructor dashboard: server-rendered HTML, no framework, no script.
// Every piece of learner-supplied text goes through escapeHtml, and the page is
// served with a CSP that allows no script at all, so an injected tag is inert twice.
import type { ClassReport, LabReport, LearnerReport } from '../report.ts';
import { overviewOf, type ClassOverview, type LabOverview } from '../overview.ts';
import { completionsChart } from './chart.ts';
import { escapeHtml as e, fmtDuration, fmtTime } from './escape.ts';

const STYLE = `
:root{color-scheme:light dark;--ok:#1a7f37;--bad:#b42318;--warn:#9a6700;--muted:#57606a;--line:#d0d7de}
@media (prefers-color-scheme:dark){:root{--ok:#3fb950;--bad:#ff7b72;--warn:#d29922;--muted:#8b949e;--line:#30363d}}
body{font:15px/1.5 system-ui,sans-serif;margin:0 auto;max-width:72rem;padding:1rem}
table{border-collapse:collapse;margin:.5rem 0 1.5rem;font-size:14px}
th,td{border:1px solid var(--line);padding:.25rem .5rem;text-align:left;vertical-align:top}
.passed{color:var(--ok)}.failed,.risk{color:var(--bad)}.pending{color:var(--warn)}.muted,.not-started{color:var(--muted)}
.alert{border:2px solid var(--bad);padding:.5rem 1rem;border-radius:6px}
.chart{max-width:40rem;display:block}.chart rect{fill:var(--ok)}.chart .axis{stroke:var(--muted)}.chart .tick{font-size:11px;fill:var(--muted)}
a:focus,button:focus,input:focus{outline:3px solid #0969da;outline-offset:2px}
`;

export interface DashboardLinks {
  /** Href of the CSV download for this view. */
  csv: string;
  /** Href of the dashboard for one lab. */
  lab: (lab: string) => string;
  /** Href of the all-labs overview (when showing one lab). */
  all?: string;
}

/** A full report's page; or, given the database's overview (several labs), the overview page. */
export function dashboardHtml(
  report: ClassReport | ClassOverview,
  links: DashboardLinks,
  nonce: string,
): string {
  // Several labs: an overview (live keys first), each lab one click away; a lab's page
  // for 1,000 learners is big enough on its own.
  const body =
    'overview' in report
      ? overview(report.overview, links)
      : report.labs.length === 0
        ? '<p>No results yet. Learners join with <code>lab join</code>, then run <code>lab check</code>.</p>'
        : report.labs.length === 1
          ? labSection(report.labs[0])
          : overview(report.labs.map(overviewOf), links);
  return page(
    `${report.class.name} — class dashboard`,
    nonce,
    `<header><h1>${e(report.class.name)}</h1>
<p class="muted">Class dashboard · generated ${e(fmtTime(report.generatedAt))} UTC ·
<a href="${e(links.csv)}" download>Download CSV</a>${links.all ? ` · <a href="${e(links.all)}">All labs</a>` : ''}</p></header>
<main>${body}</main>`,
  );
}

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
<table class="overview"><thead><tr><th scope="col">Lab</th><th scope="col">Keys still live</th>
<th scope="col">Finished</th><th scope="col">Stuck</th></tr></thead><tbody>${rows}</tbody></table></section>`;
}

function labSection(lab: LabReport): string {
  return `<section aria-labelledby="lab-${e(lab.lab)}">
<h2 id="lab-${e(lab.lab)}">Lab ${e(lab.lab)}</h2>
${riskSection(lab)}
<h3>Completion</h3>
<p id="completion-${e(lab.lab)}"><strong>${lab.completion.completed} of ${lab.completion.learners}</strong>
learners finished (${Math.round(lab.completion.rate * 100)}%).</p>
${completionsChart(lab.completions, `Completions of ${lab.lab} over time`)}
${stuckSection(lab)}
<h3>Median time per step</h3>
<table class="medians"><thead><tr>${lab.steps.map((s) => `<th scope="col">${e(s)}</th>`).join('')}</tr></thead>
<tbody><tr>${lab.steps.map((s) => `<td>${e(fmtDuration(lab.medianStepMs[s]))}</td>`).join('')}</tr></tbody></table>
${learnersTable(lab)}
</section>`;
}

function riskSection(lab: LabReport): string {
  if (lab.keysAtRisk.length === 0) {
    return `<p class="passed" data-testid="no-risk">No learner's lab keys are still live.</p>`;
  }
  return `<div class="alert" role="alert" data-testid="risk">
<h3 class="risk">Lab access keys still live (${lab.keysAtRisk.length})</h3>
<p>These learners created an access key in this lab and have not cleaned it up. A forgotten key is a standing credential: ask them to run the cleanup step.</p>
<ul>${lab.keysAtRisk
    .map(
      (k) =>
        `<li><strong>${e(k.name)}</strong> — key created ${e(fmtTime(k.since))} UTC${k.verified ? ' (verified in the account)' : ' (self-reported)'}</li>`,
    )
    .join('')}</ul></div>`;
}

function stuckSection(lab: LabReport): string {
  if (lab.stuck.length === 0) return '<h3>Stuck points</h3><p>No failed attempts.</p>';
  const rows = lab.stuck
    .map(
      (
        s,
      ) => `<tr><th scope="row">${e(s.step)}</th><td>${s.learnersStuck}</td><td>${s.failedAttempts}</td>
<td>${s.reasons.length ? `<ul>${s.reasons.map((r) => `<li>${e(r.reason)} <span class="muted">×${r.count}</span></li>`).join('')}</ul>` : ''}</td></tr>`,
    )
    .join('');
  return `<h3>Stuck points</h3>
<table class="stuck"><thead><tr><th scope="col">Step</th><th scope="col">Learners stuck here</th>
<th scope="col">Failed attempts</th><th scope="col">Most common failure reasons</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function learnersTable(lab: LabReport): string {
  const head = `<tr><th scope="col">Learner</th><th scope="col">State</th>${lab.steps
    .map((s) => `<th scope="col">${e(s)}</th>`)
    .join('')}<th scope="col">Last activity</th></tr>`;
  const rows = lab.learners.map((l) => learnerRow(l, lab.steps)).join('\n');
  return `<h3>Learners × steps</h3>
<table class="learners"><thead>${head}</thead><tbody>${rows}</tbody></table>`;
}

function learnerRow(l: LearnerReport, steps: string[]): string {
  const state =
    l.state === 'stuck'
      ? `<span class="failed">stuck at ${e(l.currentStep)}</span>`
      : `<span class="${l.state === 'finished' ? 'passed' : 'muted'}">${e(l.state)}</span>`;
  const cells = steps
    .map((s) => {
      const c = l.cells[s];
      const mark = { passed: '✓', failed: '✗', pending: '…', 'not-started': '·' }[c.status];
      const when = c.passedAt != null ? ` ${e(fmtTime(c.passedAt))}` : '';
      const v = c.verification ? ` <span class="muted">(${e(c.verification)})</span>` : '';
      const title = c.evidence ? ` title="${e(c.evidence)}"` : '';
      return `<td class="${c.status}" data-step="${e(s)}"${title}>${mark}${when}${c.failures ? ` <span class="muted">${c.failures}×✗</span>` : ''}${v}</td>`;
    })
    .join('');
  const risk = l.keysAtRisk ? ' <span class="risk">key live</span>' : '';
  return `<tr data-learner="${e(l.id)}"><th scope="row">${e(l.name)}${risk}</th><td>${state}</td>${cells}<td>${e(fmtTime(l.lastActivity))}</td></tr>`;
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
${error ? `<p class="failed" role="alert">${e(error)}</p>` : ''}
<form method="post" action="${e(action)}">
<label for="token">Instructor token (printed once by <code>lab class create</code>)</label><br>
<input id="token" name="token" type="password" autocomplete="off" required size="50">
<button type="submit">Open dashboard</button>
</form></main>`,
  );
}

function page(title: string, nonce: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>${e(title)}</title>
<style nonce="${e(nonce)}">${STYLE}</style></head>
<body>${body}</body></html>`;
}
