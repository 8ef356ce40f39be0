// The one error type of every HTTP route labrunner serves (`lab serve`, the class
// server): thrown anywhere in a handler, rendered once by app.ts's error handler.

export interface HttpErrorMore {
  /** How to fix it, shown to the person who made the request. */
  hint?: string;
  /** More JSON fields next to code and message (e.g. validation `issues`). */
  extra?: Record<string, unknown>;
  /** Response headers (e.g. `Retry-After`, `WWW-Authenticate`, `Allow`). */
  headers?: Record<string, string>;
}

/** An API error: `code` is stable, `message` says what happened, `hint` how to fix it. */
export class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  readonly hint?: string;
  readonly extra: Record<string, unknown>;
  readonly headers: Record<string, string>;
  constructor(status: number, code: string, message: string, more: HttpErrorMore = {}) {
    super(message);
    this.name = 'HttpError';
    this.status = status;
    this.code = code;
    this.hint = more.hint;
    this.extra = more.extra ?? {};
    this.headers = more.headers ?? {};
  }
}
