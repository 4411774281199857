// Resumable download of a datastore file (e.g. a -flat.vmdk) to local disk with HTTP Range.
// A plain streaming GET is as fast as nbdkit's curl plugin (one request at a time in nbdkit 1.32),
// and a partial file from an aborted run is continued instead of fetched again.

import { open, stat } from 'node:fs/promises';
import { fetch, type Dispatcher } from 'undici';
import { ErrorCode } from '../../errors/error-codes.js';
import { FfoError } from '../../errors/ffo-error.js';
import { networkFailure } from '../http-dispatcher.js';

export interface DownloadOptions {
  /** Sent with every request (Cookie for the vSphere session); never logged. */
  headers?: Record<string, string>;
  dispatcher?: Dispatcher;
  /** The file size we expect; a different server-side size is refused. */
  expectedBytes?: number;
  onProgress?: (bytesDone: number, total: number | null) => void;
  signal?: AbortSignal;
  /** Fetch in Range requests of at most this many bytes (bounds each request's lifetime). */
  chunkBytes?: number;
}

export interface ContentRange {
  start: number;
  end: number;
  total: number | null;
}

/** `bytes 0-99/1000`, `bytes 0-99/*` or `bytes *\/1000` (total only). */
export function parseContentRange(
  header: string | null,
): ContentRange | { start: null; total: number } | null {
  if (header === null) return null;
  const full = /^\s*bytes\s+(\d+)-(\d+)\/(\d+|\*)\s*$/i.exec(header);
  if (full) {
    return { start: Number(full[1]), end: Number(full[2]), total: full[3] === '*' ? null : Number(full[3]) };
  }
  const unsatisfied = /^\s*bytes\s+\*\/(\d+)\s*$/i.exec(header);
  if (unsatisfied) return { start: null, total: Number(unsatisfied[1]) };
  return null;
}

function transferError(
  message: string,
  retryable: boolean,
  details: Record<string, unknown> = {},
  cause?: unknown,
) {
  return new FfoError(ErrorCode.TRANSFER_FAILED, message, { retryable, details, cause });
}

function safeUrl(url: string): string {
  // Query strings of datastore URLs are harmless (dcPath, dsName), but userinfo is not.
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return '(invalid URL)';
  }
}

/**
 * Downloads `url` into `dest`, continuing after the bytes `dest` already holds.
 * Returns the number of bytes written by this call; the file is fsynced before returning.
 */
export async function downloadToFile(
  url: string,
  dest: string,
  options: DownloadOptions = {},
): Promise<number> {
  const { expectedBytes, chunkBytes } = options;
  if (chunkBytes !== undefined && (!Number.isSafeInteger(chunkBytes) || chunkBytes <= 0))
    throw new FfoError(ErrorCode.BAD_INPUT, `chunkBytes must be a positive integer, got ${chunkBytes}`);
  const existing = await stat(dest).then(
    (info) => info.size,
    () => 0,
  );
  if (expectedBytes !== undefined && existing > expectedBytes)
    throw transferError(`${dest} is larger (${existing}) than the expected ${expectedBytes} bytes`, false);
  if (expectedBytes !== undefined && existing === expectedBytes && existing > 0) return 0;

  const file = await open(dest, existing > 0 ? 'r+' : 'w');
  let position = existing;
  let total: number | null = expectedBytes ?? null;
  const started = existing;
  const where = { url: safeUrl(url), dest };
  try {
    for (;;) {
      options.signal?.throwIfAborted();
      if (total !== null && position >= total) break;
      const ranged = position > 0 || chunkBytes !== undefined;
      const last = chunkBytes === undefined ? null : position + chunkBytes - 1;
      const headers: Record<string, string> = { ...(options.headers ?? {}) };
      if (ranged) headers.range = `bytes=${position}-${last ?? ''}`;

      let response: Awaited<ReturnType<typeof fetch>>;
      try {
        response = await fetch(url, { headers, signal: options.signal, dispatcher: options.dispatcher });
      } catch (error) {
        if (options.signal?.aborted) throw options.signal.reason;
        const failure = networkFailure(error);
        throw transferError(`download of ${where.url} failed: ${failure.reason}`, !failure.tls, where, error);
      }

      if (response.status === 416) {
        // Nothing left at this offset: complete if the server's size is where we are.
        const range = parseContentRange(response.headers.get('content-range'));
        await response.body?.cancel();
        if (range !== null && range.total === position) {
          total = position;
          break;
        }
        throw transferError(`server refused range ${headers.range} of ${where.url}`, false, where);
      }
      if (response.status !== 200 && response.status !== 206) {
        await response.body?.cancel();
        throw transferError(
          `download of ${where.url} failed: HTTP ${response.status}`,
          response.status >= 500,
          {
            ...where,
            status: response.status,
          },
        );
      }

      let expectedLength: number | null;
      if (response.status === 206) {
        const range = parseContentRange(response.headers.get('content-range'));
        if (range === null || range.start !== position) {
          await response.body?.cancel();
          throw transferError(
            `server answered range ${headers.range} with Content-Range ${response.headers.get('content-range')}`,
            false,
            where,
          );
        }
        expectedLength = range.end - range.start + 1;
        if (range.total !== null) {
          if (total !== null && range.total !== total) {
            await response.body?.cancel();
            throw transferError(
              `server size ${range.total} differs from the expected ${total} bytes`,
              false,
              where,
            );
          }
          total = range.total;
        }
      } else {
        if (ranged && position > 0) {
          await response.body?.cancel();
          throw transferError(
            `server ignores Range requests; cannot resume ${where.url} at ${position}`,
            false,
            where,
          );
        }
        const length = response.headers.get('content-length');
        expectedLength = length === null ? null : Number(length);
        if (expectedLength !== null) {
          if (total !== null && expectedLength !== total) {
            await response.body?.cancel();
            throw transferError(
              `server size ${expectedLength} differs from the expected ${total} bytes`,
              false,
              where,
            );
          }
          total = expectedLength;
        }
      }

      const requestStart = position;
      if (response.body !== null) {
        try {
          for await (const chunk of response.body) {
            const bytes = chunk as Uint8Array;
            await file.write(bytes, 0, bytes.byteLength, position);
            position += bytes.byteLength;
            options.onProgress?.(position, total);
          }
        } catch (error) {
          if (options.signal?.aborted) throw options.signal.reason;
          throw transferError(`download of ${where.url} broke off at byte ${position}`, true, where, error);
        }
      }
      const received = position - requestStart;
      if (expectedLength !== null && received !== expectedLength)
        throw transferError(
          `download of ${where.url} ended after ${received} of ${expectedLength} bytes`,
          true,
          where,
        );
      // Without a known size, a plain (non-chunked) answer is all there is.
      if (total === null && (chunkBytes === undefined || received < chunkBytes)) break;
      if (received === 0) throw transferError(`server sent no data at byte ${position}`, true, where);
    }
    await file.sync();
  } finally {
    await file.close();
  }
  return position - started;
}
