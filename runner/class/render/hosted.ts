// The instructor's pages for a class that hosts the sandbox: one learner's account (its event
// history and the reset form), the end-of-class form, and what each operation left behind.
// Forms carry a per-class CSRF field besides the guard's Origin check (routes/hosted.ts).
import type { AccountEvent } from '../../../sandbox/index.ts';
import type { Holds, LearnerAccount } from '../hosted-ops.ts';
import { escapeHtml as e, fmtTime } from './escape.ts';
import { page } from './html.ts';

const csrfField = (csrf: string) => `<input type="hidden" name="csrf" value="${e(csrf)}">`;

export function learnerPage(
  o: { classId: string; learner: LearnerAccount; events: AccountEvent[]; csrf: string },
  nonce: string,
): string {
  const l = o.learner;
  const rows = o.events
    .map(
      (ev) =>
        `<tr><td>${e(ev.time.replace('T', ' ').slice(0, 19))}</td><td>${e(ev.service)}:${e(ev.call)}</td><td>${e(ev.region)}</td><td>${e(ev.by)}</td><td class="${ev.result === 'ok' ? 'passed' : 'failed'}"${ev.message ? ` title="${e(ev.message)}"` : ''}>${e(ev.result)}</td></tr>`,
    )
    .join('');
  return page(
    `${l.name} — account ${l.accountId}`,
    nonce,
    `<main><p><a href="/class/${e(o.classId)}/dashboard">← Dashboard</a></p>
<h1><bdi>${e(l.name)}</bdi> — account <span class="account">${e(l.accountId)}</span></h1>
<p class="muted">Joined ${e(fmtTime(l.joinedAt))} UTC${l.resetAt ? `; account reset ${e(fmtTime(l.resetAt))} UTC` : ''}.</p>
<h2>Account activity (newest first)</h2>
${
  o.events.length
    ? `<div class="scroll" tabindex="0" role="region" aria-label="Account activity"><table class="activity"><thead><tr><th scope="col">Time (UTC)</th><th scope="col">Call</th><th scope="col">Region</th><th scope="col">By</th><th scope="col">Result</th></tr></thead><tbody>${rows}</tbody></table></div>`
    : '<p>No calls in this account yet.</p>'
}
<h2>Reset this account</h2>
<p>Removes everything in account ${e(l.accountId)} (every service, every region), its admin user and its keys: <bdi>${e(l.name)}</bdi>'s keys stop working at once. Their next <code>lab join</code> hands them a fresh admin user and new keys for the same account.</p>
<form method="post" action="/class/${e(o.classId)}/learners/${e(l.learnerId)}/reset">${csrfField(o.csrf)}
<label for="confirm">Type the learner's name to confirm</label><br>
<input id="confirm" name="confirm" autocomplete="off" required>
<button type="submit">Reset account</button></form>
<p><a href="/class/${e(o.classId)}/end">End the whole class…</a></p></main>`,
  );
}

export function endPage(
  o: { classId: string; className: string; csrf: string; error?: string },
  nonce: string,
) {
  return page(
    `End ${o.className}`,
    nonce,
    `<main><p><a href="/class/${e(o.classId)}/dashboard">← Dashboard</a></p><h1>End the class <bdi>${e(o.className)}</bdi></h1>
${o.error ? `<p class="failed" role="alert">${e(o.error)}</p>` : ''}
<p>Every learner's sandbox account is emptied and every key revoked; learners' further calls get AWS's <code>InvalidClientTokenId</code>, and no one can join any more. Results and reports stay.</p>
<form method="post" action="/class/${e(o.classId)}/end">${csrfField(o.csrf)}
<label for="confirm">Type the class name to confirm</label><br>
<input id="confirm" name="confirm" autocomplete="off" required>
<button type="submit">End the class</button></form></main>`,
  );
}

/** After a reset or the end: each account and what it still holds (the proof). */
export function doneHtml(
  classId: string,
  title: string,
  accounts: { name: string; accountId: string; remains: Holds }[],
  nonce: string,
): string {
  const items = accounts
    .map((a) => {
      const left = Object.entries(a.remains).flatMap(([svc, regions]) =>
        Object.entries(regions).flatMap(([region, kinds]) =>
          Object.entries(kinds)
            .filter(([, ids]) => ids.length)
            .map(([kind, ids]) => `${svc} ${region} ${kind}: ${ids.join(', ')}`),
        ),
      );
      return `<li><bdi>${e(a.name)}</bdi>, account ${e(a.accountId)}: ${
        left.length
          ? `<span class="failed">still holds ${e(left.join('; '))}</span>`
          : '<span class="passed">nothing remains</span>'
      }</li>`;
    })
    .join('');
  return page(
    title,
    nonce,
    `<main><p><a href="/class/${e(classId)}/dashboard">← Dashboard</a></p><h1>${e(title)}</h1><ul class="proof">${items}</ul></main>`,
  );
}

/** Every learner of a hosted class with their account: each name opens the learner's page. */
export function accountsPage(
  o: {
    classId: string;
    className: string;
    learners: {
      learnerId: string;
      name: string;
      accountId: string | null;
      resetAt: number | null;
    }[];
    endedAt: number | null;
  },
  nonce: string,
): string {
  const rows = o.learners
    .map(
      (l) =>
        `<tr><th scope="row">${l.accountId ? `<a href="/class/${e(o.classId)}/learners/${e(l.learnerId)}"><bdi>${e(l.name)}</bdi></a>` : `<bdi>${e(l.name)}</bdi>`}</th><td class="account">${e(l.accountId ?? '—')}</td><td>${l.resetAt ? `reset ${e(fmtTime(l.resetAt))} UTC` : ''}</td></tr>`,
    )
    .join('');
  return page(
    `${o.className} — learners' accounts`,
    nonce,
    `<main><p><a href="/class/${e(o.classId)}/dashboard">← Dashboard</a></p>
<h1>Learners' accounts — <bdi>${e(o.className)}</bdi></h1>
${o.endedAt ? `<p class="alert">This class ended ${e(fmtTime(o.endedAt))} UTC: every account was emptied and its keys revoked.</p>` : ''}
<div class="scroll" tabindex="0" role="region" aria-label="Learners' accounts"><table><thead><tr><th scope="col">Learner</th><th scope="col">Account</th><th scope="col"></th></tr></thead><tbody>${rows}</tbody></table></div>
<p><a href="/class/${e(o.classId)}/end">End the whole class…</a></p></main>`,
  );
}
