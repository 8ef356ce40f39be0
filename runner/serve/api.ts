// The learner's progress over HTTP: what the lab pages read and the "Check my
// progress" button calls. The checks run here, server side, with the runner's
// identity; the browser only ever sees verdicts (status, evidence, hint).
import { Hono } from 'hono';
import type { StepResult } from '../lab/define.ts';
import { HttpError, json, readJSON, type AppEnv } from '../http/index.ts';

export interface ServerInfo {
  served: true;
  target: 'sandbox' | 'aws';
  /** Whether the sandbox console pages work (sandbox target only). */
  console: boolean;
}

export interface Progress {
  /** The lab was started (`lab start`) in this account. */
  started: boolean;
  steps: StepResult[];
}

export interface LabsApiOptions {
  info: ServerInfo;
  /** Ids of the labs this server knows; others are 404. */
  labIds: () => Promise<string[]> | string[];
  progress: (lab: string) => Promise<Progress> | Progress;
  /** Run the lab's checks (one step, or all) exactly as `lab check` does, recording them. */
  check: (lab: string, step?: string) => Promise<StepResult[]>;
}

/** Only the verdict fields leave the server. */
export const verdict = (s: StepResult): StepResult => ({
  id: s.id,
  status: s.status,
  ...(s.evidence ? { evidence: s.evidence } : {}),
  ...(s.expected ? { expected: s.expected } : {}),
  ...(s.hint ? { hint: s.hint } : {}),
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

  app.get('/api/labs/:lab/progress', async (c) => {
    const lab = await known(c.req.param('lab'));
    const p = await o.progress(lab);
    return json(c, 200, { lab, started: p.started, steps: p.steps.map(verdict) });
  });

  app.post('/api/labs/:lab/check', async (c) => {
    const lab = await known(c.req.param('lab'));
    const body = await readJSON(c);
    if (body.step !== undefined && typeof body.step !== 'string') {
      throw new HttpError(400, 'bad_step', '`step` must be a step id.');
    }
    const steps = await o.check(lab, body.step);
    return json(c, 200, { lab, target: o.info.target, steps: steps.map(verdict) });
  });

  return app;
}
