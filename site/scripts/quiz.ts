// Knowledge checks on the lab page. The page holds the questions and choices only; `lab serve`
// judges each answer (POST /api/labs/<lab>/quiz/<id>) and says why. A static copy of the site
// (no server) says where to answer instead. Feedback arrives in each form's live region.
import { getJSON, serverInfo, whileBusy } from './api.ts';

export function quizForms(lab: string, root: ParentNode = document): void {
  const forms = [...root.querySelectorAll<HTMLFormElement>('form.lab-quiz')];
  if (!forms.length) return;
  void serverInfo().then((info) => {
    for (const form of forms) {
      const id = form.dataset.quiz!;
      const out = form.querySelector<HTMLElement>('.lab-quiz-result')!;
      const button = form.querySelector<HTMLButtonElement>('button[type=submit]')!;
      if (!info) {
        out.textContent = '';
        const p = document.createElement('p');
        p.append('Answer this in a terminal: ');
        const code = document.createElement('code');
        code.textContent = `lab quiz ${lab} ${id}`;
        p.append(code, ' (or open this page from lab serve).');
        out.append(p);
      }
      form.addEventListener('submit', (ev) => {
        ev.preventDefault();
        if (!info) return;
        const data = new FormData(form);
        const picked = data.getAll('answer').map(String);
        const answer = form.dataset.kind === 'choice' ? picked : (picked[0] ?? '').trim();
        if (answer.length === 0) {
          say(out, 'failed', 'Choose an answer first.');
          return;
        }
        void whileBusy(button, async () => {
          try {
            const r = await getJSON(`/api/labs/${lab}/quiz/${id}`, {
              method: 'POST',
              body: JSON.stringify({ answer }),
            });
            const html = [
              r.correct
                ? '<p><strong>Right.</strong></p>'
                : '<p><strong>Not right yet.</strong></p>',
              r.feedbackHtml ?? '',
              r.explainHtml ?? '',
            ].join('');
            say(out, r.correct ? 'passed' : 'failed', undefined, html);
            form.dataset.answered = r.correct ? 'right' : 'wrong';
          } catch (e) {
            const body = (e as { body?: { message?: string; hint?: string } }).body;
            say(out, 'failed', [body?.message ?? String(e), body?.hint].filter(Boolean).join(' '));
          }
        });
      });
    }
  });
}

/** Feedback in the form's live region: server HTML (rendered from the lab's Markdown) or text. */
function say(out: HTMLElement, status: 'passed' | 'failed', text?: string, html?: string) {
  out.dataset.status = status;
  if (html !== undefined) out.innerHTML = html;
  else out.textContent = text ?? '';
}
