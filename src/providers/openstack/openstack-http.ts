// One HTTP exchange with an OpenStack service over undici: TLS options, deadline, JSON in/out, request id,
// per-call stats, and every failure mapped to a typed OpenStackApiError. Auth, retries and paging live above.

import { networkFailure, ownDispatcher } from '../http-dispatcher.js';
import { fetch, type Dispatcher } from 'undici';
import {
  OpenStackProtocolError,
  OpenStackUnavailableError,
  type OpenStackErrorContext,
} from '../../errors/openstack-errors.js';
import { describe, errorFromResponse } from './openstack-error-response.js';

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A raw request body: bytes, or a stream (image upload) that is sent chunked and cannot be replayed. */
export type RawBody = Uint8Array | AsyncIterable<Uint8Array>;

export interface HttpRequest {
  /** Service type, for errors and stats. */
  service: string;
  method: HttpMethod;
  url: string;
  headers?: Record<string, string>;
  /** JSON request body (sets content-type). */
  json?: unknown;
  /** Raw request body (caller sets content-type). */
  body?: RawBody;
  signal?: AbortSignal;
  /** Overrides the transport's default deadline for this call (e.g. long image uploads). */
  timeoutMs?: number;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  requestId: string | null;
  /** Parsed JSON body; null when the body is empty (204, most 202s). */
  body: unknown;
}

/** Timing and size of one HTTP exchange. */
export interface OpenStackCallStats {
  service: string;
  method: string;
  /** Path and query below the host. */
  path: string;
  /** null: no response (network error, timeout). */
  status: number | null;
  requestId: string | null;
  /** null for streamed bodies. */
  requestBytes: number | null;
  responseBytes: number;
  /** Request sent until the full response body arrived. */
  httpMs: number;
  totalMs: number;
}

export interface OpenStackHttpOptions {
  /** PEM CA bundle to trust instead of the system store. */
  ca?: string;
  /** Skip TLS certificate verification. Test and lab use only. */
  insecure?: boolean;
  /** Per-call deadline covering connect, server time and body download. Default 60 s. */
  timeoutMs?: number;
  /** TCP/TLS connect deadline. Default 10 s. */
  connectTimeoutMs?: number;
  /** Sent as User-Agent (shows up in the services' access logs). */
  userAgent?: string;
  /** Called after every HTTP exchange, successful or not. */
  onCall?: (stats: OpenStackCallStats) => void;
  /** Custom undici dispatcher (replaces the Agent built from ca/insecure/connectTimeoutMs). */
  dispatcher?: Dispatcher;
}

/** What OpenStackClient and KeystoneAuth need from a transport; tests may fake it. */
export interface HttpTransport {
  send(request: HttpRequest): Promise<HttpResponse>;
}

const DEFAULT_TIMEOUT_MS = 60_000;
const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
const DEFAULT_USER_AGENT = 'ffo-twin';

export class OpenStackHttp implements HttpTransport {
  /** Stats of the most recent exchange (null before the first). */
  lastCall: OpenStackCallStats | null = null;

  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;
  private readonly timeoutMs: number;
  private readonly userAgent: string;
  private readonly onCall: ((stats: OpenStackCallStats) => void) | undefined;

  constructor(options: OpenStackHttpOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.userAgent = options.userAgent ?? DEFAULT_USER_AGENT;
    this.onCall = options.onCall;
    const pool = ownDispatcher({
      connectTimeoutMs: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      ...(options.ca !== undefined ? { ca: options.ca } : {}),
      ...(options.insecure !== undefined ? { insecure: options.insecure } : {}),
      ...(options.dispatcher !== undefined ? { dispatcher: options.dispatcher } : {}),
    });
    this.dispatcher = pool.dispatcher;
    this.ownsDispatcher = pool.owned;
  }

  /** Releases the connection pool. The transport is unusable afterwards. */
  async close(): Promise<void> {
    if (this.ownsDispatcher) await this.dispatcher.close();
  }

  async send(request: HttpRequest): Promise<HttpResponse> {
    const url = new URL(request.url);
    const path = `${url.pathname}${url.search}`;
    const headers: Record<string, string> = {
      accept: 'application/json',
      'user-agent': this.userAgent,
      ...(request.headers ?? {}),
    };
    let body: string | RawBody | undefined;
    let requestBytes: number | null = 0;
    if (request.json !== undefined) {
      body = JSON.stringify(request.json);
      headers['content-type'] = 'application/json';
      requestBytes = Buffer.byteLength(body);
    } else if (request.body !== undefined) {
      body = request.body;
      requestBytes = body instanceof Uint8Array ? body.byteLength : null;
    }
    const timeoutMs = request.timeoutMs ?? this.timeoutMs;
    const timeout = AbortSignal.timeout(timeoutMs);
    const callerSignal = request.signal;
    const signal = callerSignal === undefined ? timeout : AbortSignal.any([timeout, callerSignal]);

    const t0 = performance.now();
    let status: number | null = null;
    let requestId: string | null = null;
    let responseBytes = 0;
    let t1 = t0;
    try {
      let responseHeaders: Headers;
      let bytes: Buffer;
      try {
        const response = await fetch(url, {
          method: request.method,
          headers,
          body,
          signal,
          dispatcher: this.dispatcher,
          // Streams are sent as they are produced (undici needs this for any non-buffered body).
          ...(body !== undefined && typeof body !== 'string' && !(body instanceof Uint8Array)
            ? { duplex: 'half' as const }
            : {}),
        });
        status = response.status;
        responseHeaders = response.headers;
        requestId = requestIdOf(response.headers);
        bytes = Buffer.from(await response.arrayBuffer());
      } catch (error) {
        if (callerSignal?.aborted === true) throw callerSignal.reason;
        throw this.networkError(request, path, status, requestId, error, timeout.aborted, timeoutMs);
      }
      t1 = performance.now();
      responseBytes = bytes.length;
      const text = bytes.toString('utf8');
      if (status >= 400) {
        throw errorFromResponse({
          service: request.service,
          method: request.method,
          path,
          status,
          requestId,
          bodyText: text,
        });
      }
      return {
        status,
        headers: responseHeaders,
        requestId,
        body: parseJson(text, request, path, status, requestId),
      };
    } finally {
      const t2 = performance.now();
      const stats: OpenStackCallStats = {
        service: request.service,
        method: request.method,
        path,
        status,
        requestId,
        requestBytes,
        responseBytes,
        httpMs: (t1 === t0 ? t2 : t1) - t0,
        totalMs: t2 - t0,
      };
      this.lastCall = stats;
      this.onCall?.(stats);
    }
  }

  private networkError(
    request: HttpRequest,
    path: string,
    status: number | null,
    requestId: string | null,
    error: unknown,
    timedOut: boolean,
    timeoutMs: number,
  ): OpenStackUnavailableError {
    const host = new URL(request.url).host;
    const context: OpenStackErrorContext = {
      service: request.service,
      method: request.method,
      path,
      status,
      requestId,
      apiMessage: null,
      apiErrorType: null,
    };
    if (timedOut) {
      return new OpenStackUnavailableError(
        `${describe(context)} from ${host} within ${timeoutMs} ms`,
        context,
        {
          cause: error,
          details: { host, reason: 'timeout' },
        },
      );
    }
    const { reason, tls, code } = networkFailure(error);
    return new OpenStackUnavailableError(`${describe(context)}: cannot reach ${host}: ${reason}`, context, {
      cause: error,
      retryable: !tls,
      details: { host, reason: tls ? 'tls' : 'network', code },
    });
  }
}

/** Nova answers with x-compute-request-id (and, since Queens, also x-openstack-request-id). */
export function requestIdOf(headers: Headers): string | null {
  return (
    headers.get('x-openstack-request-id') ??
    headers.get('x-compute-request-id') ??
    headers.get('openstack-request-id') ??
    null
  );
}

function parseJson(
  text: string,
  request: HttpRequest,
  path: string,
  status: number,
  requestId: string | null,
): unknown {
  if (text.trim() === '') return null;
  try {
    return JSON.parse(text);
  } catch (error) {
    const context: OpenStackErrorContext = {
      service: request.service,
      method: request.method,
      path,
      status,
      requestId,
      apiMessage: text.slice(0, 200).replace(/\s+/g, ' '),
      apiErrorType: null,
    };
    throw new OpenStackProtocolError(`${describe(context)} (expected JSON)`, context, { cause: error });
  }
}
