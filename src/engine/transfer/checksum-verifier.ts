import { createHash } from 'node:crypto';
import { createReadStream, readFileSync } from 'node:fs';
import { fetch } from 'undici';
import { ErrorCode, FfoError } from '../../errors/index.js';
import { ownDispatcher } from '../../providers/http-dispatcher.js';
import type { DiskSource } from './disk-copier.js';

/** sha256 of the first `bytes` bytes of a local file or block device. */
export async function sha256OfFile(path: string, bytes: number): Promise<string> {
  const hash = createHash('sha256');
  if (bytes === 0) return hash.digest('hex');
  for await (const chunk of createReadStream(path, {
    start: 0,
    end: bytes - 1,
    highWaterMark: 4 * 1024 * 1024,
  })) {
    hash.update(chunk as Buffer);
  }
  return hash.digest('hex');
}

/** sha256 of a source disk read over the datastore HTTP access (the same bytes the copy read). */
export async function sha256OfSource(
  source: DiskSource,
  bytes: number,
  signal: AbortSignal,
): Promise<string> {
  if (source.kind !== 'http') {
    throw new FfoError(
      ErrorCode.BAD_INPUT,
      'checksums of VDDK sources are not supported; verify on the target side',
    );
  }
  const pool = ownDispatcher({
    connectTimeoutMs: 10_000,
    ...(source.caFile ? { ca: readFileSync(source.caFile, 'utf8') } : {}),
    insecure: source.insecure,
  });
  try {
    const response = await fetch(source.url, {
      headers: {
        cookie: source.cookieFile ? readFileSync(source.cookieFile, 'utf8') : '',
        range: `bytes=0-${bytes - 1}`,
      },
      dispatcher: pool.dispatcher,
      signal,
    });
    if (!response.ok || !response.body) {
      throw new FfoError(
        ErrorCode.TRANSFER_FAILED,
        `reading the source for its checksum failed: HTTP ${response.status}`,
      );
    }
    const hash = createHash('sha256');
    let seen = 0;
    for await (const chunk of response.body) {
      const buf = chunk as Uint8Array;
      const take = Math.min(buf.length, bytes - seen);
      hash.update(take === buf.length ? buf : buf.subarray(0, take));
      seen += take;
      if (seen >= bytes) break;
    }
    if (seen !== bytes)
      throw new FfoError(ErrorCode.TRANSFER_FAILED, `the source gave ${seen} of ${bytes} bytes`);
    return hash.digest('hex');
  } finally {
    if (pool.owned) await pool.dispatcher.close().catch(() => undefined);
  }
}
