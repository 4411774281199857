import type { ErrorCode } from './error-codes.js';

export interface FfoErrorOptions {
  /** Whether retrying the same operation later may succeed (workers map this to job retries). */
  retryable?: boolean;
  /** Structured, secret-free details that are safe to show to API clients. */
  details?: Record<string, unknown>;
  cause?: unknown;
}

/** The one error hierarchy of the project: every error a client or worker sees carries a stable code. */
export class FfoError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: FfoErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.details = options.details ?? {};
  }
}

export function isFfoError(error: unknown): error is FfoError {
  return error instanceof FfoError;
}

/** Any thrown value as an FfoError (an unexpected one becomes INTERNAL, keeping its message and cause). */
export function asFfoError(error: unknown): FfoError {
  if (error instanceof FfoError) return error;
  return new FfoError('INTERNAL' as ErrorCode, error instanceof Error ? error.message : String(error), {
    cause: error,
  });
}
