// The learner's progress over HTTP: what the lab pages read and the "Check my
// progress" button calls. The checks run here, server side, with the runner's
// identity; the browser only ever sees verdicts (status, evidence, hint).
import type { StepResult } from '../lab/define.ts';
import { HttpError, readJSON, route, sendJSON, type Handler } from './http.ts';

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
const verdict = (s: StepResult): StepResult => ({
  id: s.id,
  status: s.status,
  ...(s.evidence ? { evidence: s.evidence } : {}),
  ...(s.expected ? { expected: s.expected } : {}),
  ...(s.hint ? { hint: s.hint } : {}),
});

export function labsApi(o: LabsApiOptions): Handler {
  const known = async (lab: string) => {
    if (!(await o.labIds()).includes(lab)) {
      throw new HttpError(404, 'unknown_lab', `There is no lab "${lab}".`, 'See `lab list`.');
    }
  };
  return async (req, res, url) => {
    if (!url.pathname.startsWith('/api/')) return false;
    if (url.pathname === '/api/info' && req.method === 'GET') return sendJSON(res, 200, o.info);

    let m = route('/api/labs/:lab/progress', url.pathname);
    if (m && req.method === 'GET') {
      await known(m.lab);
      const p = await o.progress(m.lab);
      return sendJSON(res, 200, { lab: m.lab, started: p.started, steps: p.steps.map(verdict) });
    }
    m = route('/api/labs/:lab/check', url.pathname);
    if (m && req.method === 'POST') {
      await known(m.lab);
      const body = await readJSON(req);
      if (body.step !== undefined && typeof body.step !== 'string') {
        throw new HttpError(400, 'bad_step', '`step` must be a step id.');
      }
      const steps = await o.check(m.lab, body.step);
      return sendJSON(res, 200, { lab: m.lab, target: o.info.target, steps: steps.map(verdict) });
    }
    return false;
  };
}
