// The sandbox's own error type: the sandbox is a separate product and imports nothing from the
// runner. The contract is the runner's LabError's (stable `code`, `message` saying what went
// wrong, `hint` saying how to fix it, `exitCode` 2 = environment), so the runner's top-level
// handler prints both the same way (runner/errors.ts isLabError accepts a SandboxError).

/** Exit status for an environment problem (no moto, port busy, locked): the runner's EXIT.usage. */
export const ENVIRONMENT_EXIT = 2;

export class SandboxError extends Error {
  readonly code: string;
  readonly hint?: string;
  readonly exitCode: number;
  constructor(code: string, message: string, hint?: string, exitCode: number = ENVIRONMENT_EXIT) {
    super(message);
    this.name = 'SandboxError';
    this.code = code;
    this.hint = hint;
    this.exitCode = exitCode;
  }
}

export function isSandboxError(e: unknown): e is SandboxError {
  return e instanceof Error && e.name === 'SandboxError';
}
