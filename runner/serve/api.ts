// The learner's progress over HTTP: what the lab pages read and the "Check my
// progress" button calls. The checks run here, server side, with the runner's
// identity; the browser only ever sees verdicts (status, evidence, hint).
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import MarkdownIt from 'markdown-it';
import type { StepResult } from '../lab/define.ts';
import { HttpError, json, readJSON, type AppEnv } from '../http/index.ts';

export interface ServerInfo {
  served: true;
  target: 'sandbox' | 'aws';
  /** Whether the sandbox console pages work (sandbox target only). */
  console: boolean;
  /** The embedded terminal: usable, needs the start URL's token, or not offered. */
  terminal?: 'ready' | 'needs-token' | 'off';
}

export interface Progress {
  /** The lab was started (`lab start`) in this account. */
  started: boolean;
  /** The latest run's state: running, completed (every step passed), cleaned (cleanup ran). */
  run?: { status: string; startedAt: string } | null;
  steps: StepResult[];
}

/** What the automatic cleanup did (or needs) after the last step passed on the page. */
export interface CleanupOutcome {
  /** done: clean; remaining: something is left; confirm: AWS, type the code `lab serve` printed. */
  state: 'done' | 'remaining' | 'confirm' | 'failed';
  /** The plan as the terminal prints it, one line each. */
  plan: string[];
  /** What was removed, one line each. */
  done: string[];
  /** What the lab created that is still there, and why. */
  remaining: { resource: string; why: string }[];
  message?: string;
  hint?: string;
}

export interface LabsApiOptions {
  info: ServerInfo;
  /** Ids of the labs this server knows; others are 404. */
  labIds: () => Promise<string[]> | string[];
  progress: (lab: string) => Promise<Progress> | Progress;
  /**
   * Run the lab's checks (one step, or all) exactly as `lab check` does, recording them;
   * when the last step passes, clean up as `lab check` does (`cleanup` says how it went).
   */
  check: (lab: string, step?: string) => Promise<{ steps: StepResult[]; cleanup?: CleanupOutcome }>;
  /** Clean up now (AWS: `confirm` must be the one-time code `lab serve` printed). */
  cleanup?: (lab: string, confirm?: string) => Promise<CleanupOutcome>;
  /** Call `onChange` whenever the progress store changes; returns the unsubscribe. */
  watch?: (onChange: () => void) => () => void;
  /** Judge and record an answer to one of the lab's knowledge checks (runner/quiz/). */
  quiz?: (lab: string, quiz: string, answer: string | string[]) => Promise<QuizVerdict>;
}

/** What the page learns of its answer: never the right answer itself, unless it was given. */
export interface QuizVerdict {
  correct: boolean;
  feedback: string;
  explain?: string;
  attempts: number;
}

// Hints are written in Markdown (`code`, *emphasis*, links); raw HTML stays text.
const md = new MarkdownIt({ html: false, linkify: false });

/** Only the verdict fields leave the server; the hint also as HTML for the page. */
export const verdict = (s: StepResult): StepResult & { hintHtml?: string } => ({
  id: s.id,
  status: s.status,
  ...(s.evidence ? { evidence: s.evidence } : {}),
  ...(s.expected ? { expected: s.expected } : {}),
  ...(s.hint ? { hint: s.hint, hintHtml: md.renderInline(s.hint) } : {}),
});

export function labsApi(o: LabsApiOptions): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const known = async (lab: string) => {
    if (!(await o.labIds()).includes(lab)) {
      throw new HttpError(404, 'unknown_lab', `There is no lab "${lab}".`, {
        hint: 'See `lab list`.',
      });
    }
    return lab;
  };

  app.get('/api/info', (c) => json(c, 200, o.info));

  const progressBody = async (lab: string) => {
    const p = await o.progress(lab);
    return { lab, started: p.started, run: p.run ?? null, steps: p.steps.map(verdict) };
  };

  app.get('/api/labs/:lab/progress', async (c) => {
    const lab = await known(c.req.param('lab'));
    return json(c, 200, await progressBody(lab));
  });

  // Live progress (server-sent events): the progress now, then again whenever the store
  // changes (a check from this page, another tab, or `lab check` in a terminal). The
  // browser's EventSource reconnects by itself after a restart of `lab serve` (`retry`).
  app.get('/api/labs/:lab/events', async (c) => {
    const lab = await known(c.req.param('lab'));
    c.header('x-content-type-options', 'nosniff');
    return streamSSE(c, async (stream) => {
      let last = '';
      const send = async () => {
        const data = JSON.stringify(await progressBody(lab));
        if (data === last || stream.closed) return;
        last = data;
        await stream.writeSSE({ event: 'progress', data, retry: 1000 });
      };
      await send();
      let queue = Promise.resolve();
      const off = o.watch?.(() => {
        queue = queue.then(send).catch(() => {});
      });
      // A comment line now and then keeps proxies and idle timers from closing the stream.
      const beat = setInterval(() => void stream.write(': keep-alive\n\n').catch(() => {}), 15_000);
      await new Promise<void>((resolve) => stream.onAbort(resolve));
      clearInterval(beat);
      off?.();
    });
  });

  app.post('/api/labs/:lab/check', async (c) => {
    const lab = await known(c.req.param('lab'));
    const body = await readJSON(c);
    if (body.step !== undefined && typeof body.step !== 'string') {
      throw new HttpError(400, 'bad_step', '`step` must be a step id.');
    }
    const r = await o.check(lab, body.step);
    return json(c, 200, {
      lab,
      target: o.info.target,
      steps: r.steps.map(verdict),
      ...(r.cleanup ? { cleanup: r.cleanup } : {}),
    });
  });

  // A knowledge-check answer from the page's quiz form: judged here, never in the page (the
  // page and the built site hold no right answers). Feedback is Markdown, sent as HTML too.
  app.post('/api/labs/:lab/quiz/:quiz', async (c) => {
    const lab = await known(c.req.param('lab'));
    const body = await readJSON(c);
    const answer = body.answer;
    const ok =
      (typeof answer === 'string' && answer.length <= 200) ||
      (Array.isArray(answer) &&
        answer.length > 0 &&
        answer.length <= 20 &&
        answer.every((a) => typeof a === 'string' && a.length <= 3));
    if (!ok) {
      throw new HttpError(400, 'bad_answer', '`answer` must be text, or a list of choice numbers.');
    }
    if (!o.quiz) throw new HttpError(404, 'not_found', 'This server does not judge quizzes.');
    const v = await o.quiz(lab, c.req.param('quiz'), answer);
    return json(c, 200, {
      lab,
      quiz: c.req.param('quiz'),
      ...v,
      feedbackHtml: v.feedback ? md.render(v.feedback) : '',
      ...(v.explain ? { explainHtml: md.render(v.explain) } : {}),
    });
  });

  app.post('/api/labs/:lab/cleanup', async (c) => {
    const lab = await known(c.req.param('lab'));
    const body = await readJSON(c);
    if (!o.cleanup) throw new HttpError(404, 'not_found', 'This server does not clean up.');
    if (body.confirm !== undefined && typeof body.confirm !== 'string') {
      throw new HttpError(
        400,
        'bad_confirm',
        '`confirm` must be the code `lab serve` printed, as text.',
      );
    }
    return json(c, 200, { lab, cleanup: await o.cleanup(lab, body.confirm) });
  });

  return app;
}
