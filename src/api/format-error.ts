import type { GraphQLFormattedError } from 'graphql';
import { ErrorCode, isFfoError } from '../errors/index.js';

const HTTP_STATUS: Partial<Record<string, number>> = {
  [ErrorCode.UNAUTHENTICATED]: 401,
  [ErrorCode.FORBIDDEN]: 403,
};

/** Every error a client sees carries a stable `extensions.code`; FfoError details ride along (secret-free). */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = (error as { originalError?: unknown })?.originalError ?? error;
  if (isFfoError(original)) {
    return {
      ...formatted,
      message: original.message,
      extensions: {
        ...formatted.extensions,
        code: original.code,
        retryable: original.retryable,
        ...original.details,
      },
    };
  }
  const { ffoCode, ...extensions } = formatted.extensions ?? {};
  const code =
    (ffoCode as string | undefined) ?? (extensions.code as string | undefined) ?? ErrorCode.INTERNAL;
  return { ...formatted, extensions: { ...extensions, code } };
}

export const httpStatusFor = (code: string): number | undefined => HTTP_STATUS[code];
