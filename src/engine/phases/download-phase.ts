import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { downloadToFile } from '../../providers/disk/http-range-download.js';
import { ownDispatcher } from '../../providers/http-dispatcher.js';
import { diskCheckpoint, httpSourceOf } from '../transfer/copy-round.js';
import type { PhaseRunner } from './phase.js';

/**
 * HTTP pipeline: each flat file is downloaded over the vCenter's datastore HTTP access with the session cookie.
 * Downloads resume with Range requests where the previous attempt stopped (on this host's work dir).
 */
export const runDownloadPhase: PhaseRunner = async (ctx) => {
  const tls = ctx.vcenterTls();
  const pool = ownDispatcher({
    connectTimeoutMs: 10_000,
    ...(tls.caFile ? { ca: readFileSync(tls.caFile, 'utf8') } : {}),
    insecure: tls.insecure,
  });
  try {
    for (const disk of ctx.plan.disks) {
      ctx.throwIfCancelled();
      const cp = diskCheckpoint(ctx, disk.key);
      const dest = join(ctx.workDir, `disk-${disk.key}.raw`);
      const source = await httpSourceOf(ctx, disk);
      if (source.kind !== 'http') continue;
      const cookie = source.cookieFile ? readFileSync(source.cookieFile, 'utf8') : '';
      let lastSave = 0;
      const bytes = await downloadToFile(source.url, dest, {
        headers: { cookie },
        dispatcher: pool.dispatcher,
        expectedBytes: disk.capacityBytes,
        signal: ctx.signal,
        onProgress: (done: number) => {
          cp.downloadedBytes = done;
          cp.round = {
            kind: 'full',
            baseChangeId: '*',
            targetChangeId: null,
            extents: [],
            chunkBytes: disk.capacityBytes,
            chunksDone: 0,
            chunkCount: 1,
            bytesTotal: disk.capacityBytes,
            bytesDone: done,
          };
          void ctx.progress().catch(() => undefined);
          if (Date.now() - lastSave > 2000) {
            lastSave = Date.now();
            void ctx.saveCheckpoints().catch(() => undefined);
          }
        },
      });
      cp.downloadPath = dest;
      cp.downloadedBytes = bytes;
      cp.bytesCopied += bytes;
      cp.round = null;
      await ctx.saveCheckpoints();
      await ctx.progress(true);
      await ctx.event('info', 'disk.downloaded', `disk ${disk.key}: ${bytes} bytes downloaded`, {
        disk: disk.key,
        bytes,
      });
    }
  } finally {
    if (pool.owned) await pool.dispatcher.close().catch(() => undefined);
  }
};
