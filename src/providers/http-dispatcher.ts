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
