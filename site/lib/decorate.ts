// Add the site's frame to the runner's rendered steps. The step plugin renders
//   <section class="lab-step" id="step-ID" data-step="ID" …><h2 id="step-ID-title" class="lab-step-title">…</h2> … </section>
// (runner/lab/plugins/step.ts); the page adds a step number and a status badge to the
// heading, and a "check this step" box at the end of the section. Steps never nest and raw
// HTML is off in labs, so each </section> closes the step opened before it.
import type { SiteStep } from './labs.ts';

const esc = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

export function checkBox(lab: string, step: SiteStep): string {
  const cmd = `lab check ${esc(lab)} --step ${esc(step.id)}`;
  return (
    `<div class="check panel"><p>Done? Run <code>${cmd}</code> in your terminal.</p>` +
    `<button type="button" class="check-btn" hidden>Check my progress</button>` +
    `<div class="verdict" role="status"></div></div>\n`
  );
}

export function decorateSteps(html: string, lab: string, steps: SiteStep[]): string {
  let i = -1;
  return html.replace(
    /<section class="lab-step"[^>]*data-step="([^"]+)"[^>]*>|<\/section>/g,
    (tag, id: string | undefined) => {
      if (!id) return checkBox(lab, steps[i]) + tag;
      i++;
      const step = steps[i];
      if (!step || step.id !== id) throw new Error(`step ${id} is not where the loader found it`);
      const badge = `<span class="badge" id="badge-${esc(id)}" data-status="pending">Pending</span>`;
      return tag + `<div class="step-head"><p class="num">Step ${step.number}</p>${badge}</div>`;
    },
  );
}
