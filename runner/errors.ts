/** Exit codes are a contract: 0 all steps complete, 1 a step is not complete, 2 usage or environment error. */
export const EXIT = { ok: 0, incomplete: 1, usage: 2 } as const;

/**
 * An error the user can act on. `code` is stable (scripts and tests match on it),
 * `message` says what went wrong, `hint` says how to fix it.
 */
export class LabError extends Error {
  readonly code: string;
  readonly hint?: string;
  readonly exitCode: number;
  constructor(code: string, message: string, hint?: string, exitCode: number = EXIT.usage) {
    super(message);
    this.name = 'LabError';
    this.code = code;
    this.hint = hint;
    this.exitCode = exitCode;
  }
}

/**
 * A LabError, or the sandbox's SandboxError (sandbox/errors.ts), which keeps the same contract
 * (code, message, hint, exitCode) because the sandbox imports nothing from the runner.
 */
export function isLabError(e: unknown): e is LabError {
  return e instanceof Error && (e.name === 'LabError' || e.name === 'SandboxError');
}
