import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCode, FfoError } from '../../errors/index.js';
import { datastoreFileUrl, flatFileOf } from '../../providers/vsphere/vm-operations.js';
import type { MigrationContext } from '../migration-context.js';
import { resourceId } from '../migration-store.js';
import type { DiskCheckpoint, DiskRound, Extent, PlannedDisk } from '../migration-types.js';
import { namePrefix } from '../target/target-ownership.js';
import type { VolumeAccess } from '../target/volume-target.js';
import { bytesOf, chunkExtents, normalizeExtents } from '../../providers/disk/extent-plan.js';
import type { DiskCopier, DiskSource } from './disk-copier.js';

export interface RoundResult {
  number: number;
  kind: 'full' | 'delta';
  /** Bytes written to the targets in this run of the round (a resumed round counts only what it re-copied). */
  bytesCopied: number;
  /** Bytes the round had to bring over (CBT changed areas, or the allocated areas of a full copy). */
  bytesChanged: number;
  seconds: number;
  resumed: boolean;
}

export const snapshotName = (migrationId: string, round: number): string =>
  `${namePrefix(migrationId)}round-${round}`;

/**
 * One copy round of every disk of the VM: a snapshot (when CBT is on), the areas to copy per disk (allocated
 * areas for the first full copy, changed areas since the stored changeId for a delta), copied chunk by chunk with
 * a checkpoint after each chunk, then the new changeIds stored and the snapshot removed. A round interrupted by a
 * crash is resumed from its last checkpoint with the very same extents.
 */
export async function runCopyRound(
  ctx: MigrationContext,
  kind: 'full' | 'delta',
  targets: Map<number, VolumeAccess>,
  copier: DiskCopier,
  sourceOf: (disk: PlannedDisk, snapshotMoid: string | null) => Promise<DiskSource>,
): Promise<RoundResult> {
  const started = Date.now();
  const cps = ctx.checkpoints;
  const useCbt = ctx.plan.options.mode === 'warm' || ctx.plan.vm.changeTrackingEnabled;
  let resumed = true;
  if (!cps.round) {
    resumed = false;
    const number = cps.deltaHistory.length + (kind === 'full' ? 0 : 1);
    cps.round = { number, kind, snapshotName: snapshotName(ctx.record.id, number), snapshotMoid: null };
    await ctx.saveCheckpoints();
  }
  const round = cps.round;
  const ops = await ctx.vmOps();
  const vmMoid = ctx.plan.vm.moid;

  let changeIds = new Map<number, string | null>();
  if (useCbt) {
    round.snapshotMoid = await ctx.ensureResource(
      'snapshot',
      `round-${round.number}`,
      round.snapshotName,
      'vsphere',
      () =>
        ops.createSnapshot(
          vmMoid,
          round.snapshotName,
          `FFO Twin migration ${ctx.record.id} round ${round.number}`,
        ),
      async () =>
        (await ops.findSnapshots(vmMoid, round.snapshotName)).find((s) => s.name === round.snapshotName)
          ?.moid ?? null,
    );
    await ctx.saveCheckpoints();
    changeIds = new Map((await ops.snapshotDisks(round.snapshotMoid)).map((d) => [d.key, d.changeId]));
  }
  await ctx.event(
    'info',
    resumed ? 'round.resumed' : 'round.started',
    `${kind} copy round ${round.number} ${resumed ? 'resumed' : 'started'}`,
    {
      round: round.number,
      kind,
      snapshot: round.snapshotName,
    },
  );

  let bytesCopied = 0;
  let bytesChanged = 0;
  const live = new Map<number, number>();
  const copyDisk = async (disk: PlannedDisk): Promise<void> => {
    const cp = diskCheckpoint(ctx, disk.key);
    const target = targets.get(disk.key);
    if (!target) throw new FfoError(ErrorCode.INTERNAL, `no target for disk ${disk.key}`);
    if (!cp.round) {
      const base = kind === 'full' ? '*' : cp.changeId;
      if (kind === 'delta' && !base) {
        throw new FfoError(
          ErrorCode.MIGRATION_STATE_INVALID,
          `disk ${disk.key} has no changeId to take a delta from`,
        );
      }
      let extents: Extent[];
      if (useCbt) {
        extents = await ops.queryChangedDiskAreas(
          vmMoid,
          round.snapshotMoid!,
          disk.key,
          base!,
          disk.capacityBytes,
        );
      } else {
        extents = [{ start: 0, length: disk.capacityBytes }];
      }
      extents = normalizeExtents(extents, disk.capacityBytes);
      const plan = chunkExtents(extents, ctx.settings.chunkBytes);
      const next: DiskRound = {
        kind,
        baseChangeId: base!,
        targetChangeId: changeIds.get(disk.key) ?? null,
        extents: extents.map((e) => [e.start, e.length]),
        chunkBytes: ctx.settings.chunkBytes,
        chunksDone: 0,
        chunkCount: plan.length,
        bytesTotal: bytesOf(extents),
        bytesDone: 0,
      };
      cp.round = next;
      await ctx.saveCheckpoints();
    }
    const dr = cp.round!;
    bytesChanged += dr.bytesTotal;
    const chunks = chunkExtents(
      dr.extents.map(([start, length]) => ({ start, length })),
      dr.chunkBytes,
    );
    if (dr.chunksDone > 0) {
      await ctx.event(
        'info',
        'disk.resumed',
        `disk ${disk.key}: resuming at chunk ${dr.chunksDone + 1}/${dr.chunkCount}`,
        {
          disk: disk.key,
          chunksDone: dr.chunksDone,
          bytesDone: dr.bytesDone,
          bytesTotal: dr.bytesTotal,
        },
      );
    }
    const source = await sourceOf(disk, round.snapshotMoid);
    for (let i = dr.chunksDone; i < chunks.length; i++) {
      ctx.throwIfCancelled();
      const chunk = chunks[i]!;
      const result = await copier.copy({
        disk,
        source,
        target,
        extents: chunk,
        targetIsFresh: kind === 'full' && !resumed,
        onBytes: (n) => {
          live.set(disk.key, n);
          void ctx.progress(false, live).catch(() => undefined);
        },
        signal: ctx.signal,
        workDir: ctx.workDir,
      });
      live.delete(disk.key);
      dr.chunksDone = i + 1;
      dr.bytesDone += bytesOf(chunk);
      cp.bytesCopied += result.bytesCopied;
      bytesCopied += result.bytesCopied;
      await ctx.saveCheckpoints();
      await ctx.event('info', 'chunk.copied', `disk ${disk.key}: chunk ${i + 1}/${chunks.length} copied`, {
        disk: disk.key,
        chunk: i + 1,
        chunks: chunks.length,
        bytes: result.bytesCopied,
        bytesDone: dr.bytesDone,
        bytesTotal: dr.bytesTotal,
      });
      await ctx.progress(true);
    }
  };
  await inParallel(ctx.plan.disks, ctx.settings.diskParallelism, copyDisk);

  // The round is complete on every disk: the targets now hold the snapshot's state.
  for (const disk of ctx.plan.disks) {
    const cp = diskCheckpoint(ctx, disk.key);
    cp.changeId = cp.round?.targetChangeId ?? cp.changeId ?? null;
    cp.round = null;
  }
  const seconds = (Date.now() - started) / 1000;
  if (kind === 'delta') {
    cps.deltaHistory.push({ round: round.number, bytesCopied, bytesChanged, seconds });
  }
  await ctx.saveCheckpoints();
  if (useCbt && round.snapshotMoid) {
    await removeRoundSnapshot(ctx, round.number, round.snapshotMoid);
  }
  cps.round = null;
  await ctx.saveCheckpoints();
  await ctx.event(
    'info',
    'round.finished',
    `${kind} copy round ${round.number}: ${bytesCopied} bytes copied in ${seconds.toFixed(1)} s`,
    {
      round: round.number,
      kind,
      bytesCopied,
      bytesChanged,
      seconds,
    },
  );
  return { number: round.number, kind, bytesCopied, bytesChanged, seconds, resumed };
}

async function removeRoundSnapshot(ctx: MigrationContext, number: number, moid: string): Promise<void> {
  const ops = await ctx.vmOps();
  await ops.removeSnapshot(moid);
  await ctx.store.resourceState(resourceId(ctx.record.id, 'snapshot', `round-${number}`), 'deleted');
}

export function diskCheckpoint(ctx: MigrationContext, key: number): DiskCheckpoint {
  const id = String(key);
  let cp = ctx.checkpoints.disks[id];
  if (!cp) {
    cp = { key, volumeId: null, changeId: null, round: null, bytesCopied: 0 };
    ctx.checkpoints.disks[id] = cp;
  }
  return cp;
}

/** The datastore file of a disk over HTTPS with the session cookie (never on a command line: a 0600 file). */
export async function httpSourceOf(ctx: MigrationContext, disk: PlannedDisk): Promise<DiskSource> {
  const vim = await ctx.vim();
  const cookie = vim.sessionCookie();
  if (!cookie) throw new FfoError(ErrorCode.VSPHERE_NOT_AUTHENTICATED, 'no vSphere session cookie');
  const cookieFile = join(ctx.workDir, 'vsphere-cookie');
  writeFileSync(cookieFile, `vmware_soap_session=${cookie}`, { mode: 0o600 });
  const tls = ctx.vcenterTls();
  return {
    kind: 'http',
    url: datastoreFileUrl(
      tls.url,
      ctx.checkpoints.datacenterPath ?? ctx.plan.vm.datacenter,
      disk.datastoreName,
      flatFileOf(disk.path),
    ),
    cookieFile,
    ...(tls.caFile ? { caFile: tls.caFile } : {}),
    insecure: tls.insecure,
  };
}

/** Runs fn over items with at most `limit` at once; the first failure aborts the rest's results. */
export async function inParallel<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await fn(item);
    }
  });
  await Promise.all(workers);
}
