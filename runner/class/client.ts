// The class API from the CLI's side: one fetch wrapper that turns HTTP and
// network failures into LabErrors a learner or instructor can act on.
import { LabError } from '../errors.ts';
import type { ClassReport } from './report.ts';
import type { ResultIn } from './schema.ts';

export type Fetch = typeof fetch;

export interface ClientOptions {
  url: string;
  token?: string;
  fetch?: Fetch;
  timeoutMs?: number;
}

export class ClassClient {
  readonly base: string;
  private readonly token?: string;
  private readonly fetchFn: Fetch;
  private readonly timeoutMs: number;
  constructor(opts: ClientOptions) {
    this.base = normalizeUrl(opts.url);
    this.token = opts.token;
    this.fetchFn = opts.fetch ?? fetch;
    this.timeoutMs = opts.timeoutMs ?? 10_000;
  }

  async request<T>(method: string, path: string, body?: unknown, accept = 'json'): Promise<T> {
    let res: Response;
    try {
      res = await this.fetchFn(this.base + path, {
        method,
        headers: {
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        },
        body: body !== undefined ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (e) {
      const cause = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).name;
      throw new LabError(
        'class_unreachable',
        `Cannot reach the class server at ${this.base} (${cause}).`,
        'Check the URL and that the server is running (`lab serve --class` or `lab class serve`).',
      );
    }
    if (res.ok) return (accept === 'json' ? res.json() : res.text()) as Promise<T>;
    const payload = (await res.json().catch(() => ({}))) as {
      error?: { code?: string; message?: string; issues?: { path: string; message: string }[] };
    };
    const msg = payload.error?.message ?? `HTTP ${res.status}`;
    const hints: Record<number, string> = {
      401: 'Check the token: `lab join` stores the learner token; reports take --token or LAB_CLASS_TOKEN (the instructor token).',
      403: 'This needs the instructor token of this class.',
      404: 'Check the URL and the join code.',
      413: 'The payload is too large.',
      429: `Wait ${res.headers.get('retry-after') ?? 'a few'} seconds and try again.`,
    };
    const err = new LabError(
      `class_${payload.error?.code ?? `http_${res.status}`}`,
      `The class server refused: ${msg}`,
      hints[res.status],
    );
    // Validation errors name the fields (e.g. results.3.lab): the outbox uses that, and the
    // status (a refusal for good, or a server failure).
    Object.assign(err, { issues: payload.error?.issues ?? [], status: res.status });
    throw err;
  }

  health() {
    return this.request<{ ok: boolean; api: string; store: string }>('GET', '/api/v1/health');
  }

  me() {
    return this.request<{
      role: 'instructor' | 'learner';
      classId: string;
      learnerId: string | null;
      className?: string;
    }>('GET', '/api/v1/me');
  }

  createClass(name: string) {
    return this.request<{
      classId: string;
      name: string;
      joinCode: string;
      instructorToken: string;
    }>('POST', '/api/v1/classes', { name });
  }

  join(code: string, name: string, iamUser?: string) {
    return this.request<{
      classId: string;
      className: string;
      learnerId: string;
      token: string;
      /** The name the class shows (disambiguated: "Ada (2)"); older servers omit it. */
      name?: string;
      /** A class that hosts the sandbox: this learner's own account (runner/class/hosted.ts). */
      sandbox?: import('./hosted.ts').HostedJoin;
    }>('POST', '/api/v1/join', { code, name, ...(iamUser ? { iamUser } : {}) });
  }

  sendResults(results: ResultIn[]) {
    return this.request<{ accepted: number; duplicates: number }>('POST', '/api/v1/results', {
      results,
    });
  }

  report(classId: string, lab?: string): Promise<ClassReport> {
    const q = lab ? `?lab=${encodeURIComponent(lab)}` : '';
    return this.request('GET', `/api/v1/classes/${encodeURIComponent(classId)}/report${q}`);
  }
}

/** Accept `host:port`, `http://host:port/`, and strip trailing slashes. */
export function normalizeUrl(url: string): string {
  const withScheme = /^https?:\/\//i.test(url) ? url : `http://${url}`;
  let u: URL;
  try {
    u = new URL(withScheme);
  } catch {
    throw new LabError('class_bad_url', `Not a URL: ${url}`, 'Example: http://10.0.0.5:4380');
  }
  return `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, '')}`;
}
