import { Agent, type Dispatcher } from 'undici';

export interface DispatcherOptions {
  /** PEM CA bundle to trust instead of the system store. */
  ca?: string;
  /** Skip TLS certificate verification. Test and lab use only. */
  insecure?: boolean;
  connectTimeoutMs: number;
  /** A caller-provided dispatcher wins (tests, shared pools); it is then not ours to close. */
  dispatcher?: Dispatcher;
}

/** The connection pool our API clients use: TLS trust as configured, deadlines left to the caller's signal. */
export function ownDispatcher(options: DispatcherOptions): { dispatcher: Dispatcher; owned: boolean } {
  if (options.dispatcher !== undefined) return { dispatcher: options.dispatcher, owned: false };
  return {
    dispatcher: new Agent({
      connect: {
        timeout: options.connectTimeoutMs,
        ...(options.ca !== undefined ? { ca: options.ca } : {}),
        rejectUnauthorized: options.insecure !== true,
      },
      // Our AbortSignal enforces the overall deadline; undici's own timers would only race it.
      headersTimeout: 0,
      bodyTimeout: 0,
    }),
    owned: true,
  };
}

/** TLS verification failures: retrying cannot help, so they are not retryable. */
const TLS_ERROR_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** Why a request got no response: the system/TLS code where there is one, and whether it is a TLS failure. */
export function networkFailure(error: unknown): { reason: string; tls: boolean; code: string | null } {
  const cause = (error as { cause?: { code?: string; message?: string } } | undefined)?.cause;
  const code = cause?.code ?? (error as { code?: string } | undefined)?.code;
  return {
    reason: code ?? cause?.message ?? (error as Error | undefined)?.message ?? 'unknown error',
    tls: code !== undefined && TLS_ERROR_CODES.has(code),
    code: code ?? null,
  };
}
