import { ErrorCode, FfoError } from '../../errors/index.js';
import type { MigrationContext } from '../migration-context.js';
import type { VolumeAccess } from '../target/volume-target.js';
import { sha256OfFile, sha256OfSource } from '../transfer/checksum-verifier.js';
import { diskCheckpoint, httpSourceOf } from '../transfer/copy-round.js';
import { withWritableTargets } from '../transfer/writable-targets.js';
import type { PhaseDeps, PhaseRunner } from './phase.js';

/**
 * Optional byte-for-byte check of every disk (before the guest is touched), then the OS conversion on the boot
 * disk: the minimal path for modern Linux with virtio drivers, full virt-v2v otherwise, none for a disk without
 * an operating system. The HTTP pipeline converts its downloaded file before the upload.
 */
export const runConvertPhase: PhaseRunner = async (ctx, deps) => {
  const boot = ctx.plan.disks.find((d) => d.boot) ?? ctx.plan.disks[0]!;
  if (ctx.plan.pipeline === 'http') {
    if (ctx.plan.options.verifyChecksums) {
      for (const disk of ctx.plan.disks) {
        const cp = diskCheckpoint(ctx, disk.key);
        await verifyDisk(ctx, disk.key, { kind: 'file', path: cp.downloadPath! });
      }
    }
    const path = diskCheckpoint(ctx, boot.key).downloadPath;
    if (!path) throw new FfoError(ErrorCode.INTERNAL, 'the boot disk was not downloaded');
    await convertOn(ctx, deps, { kind: 'file', path });
    return;
  }
  if (ctx.plan.options.verifyChecksums) {
    await withWritableTargets(ctx, async (targets) => {
      for (const disk of ctx.plan.disks) await verifyDisk(ctx, disk.key, targets.get(disk.key)!);
    });
  }
  await withWritableTargets(ctx, (targets) => convertOn(ctx, deps, targets.get(boot.key)!), [boot.key]);
};

async function verifyDisk(ctx: MigrationContext, key: number, target: VolumeAccess): Promise<void> {
  const disk = ctx.plan.disks.find((d) => d.key === key)!;
  const cp = diskCheckpoint(ctx, key);
  const [source, copied] = await Promise.all([
    sha256OfSource(await httpSourceOf(ctx, disk), disk.capacityBytes, ctx.signal),
    sha256OfFile(target.kind === 'file' ? target.path : target.device, disk.capacityBytes),
  ]);
  cp.sha256Source = source;
  cp.sha256Target = copied;
  await ctx.saveCheckpoints();
  if (source !== copied) {
    throw new FfoError(
      ErrorCode.TRANSFER_FAILED,
      `disk ${key}: target sha256 ${copied} differs from the source's ${source}`,
      {
        details: { disk: key, source, target: copied },
      },
    );
  }
  await ctx.event('info', 'disk.verified', `disk ${key}: sha256 ${source} on both sides`, {
    disk: key,
    sha256: source,
  });
}

async function convertOn(ctx: MigrationContext, deps: PhaseDeps, disk: VolumeAccess): Promise<void> {
  if (ctx.checkpoints.conversion) {
    await ctx.event(
      'info',
      'conversion.done_before',
      `already converted (${ctx.checkpoints.conversion.path})`,
    );
    return;
  }
  const outcome = await deps.converter.convert(disk, {
    choice: ctx.plan.options.conversion,
    guestId: ctx.plan.vm.guestId,
    firmware: ctx.plan.vm.firmware,
    macs: ctx.plan.nics.map((n) => n.macAddress),
    onMessage: (text) => void ctx.event('info', 'conversion.message', text).catch(() => undefined),
    signal: ctx.signal,
  });
  ctx.checkpoints.conversion = { path: outcome.path, reason: outcome.reason, changes: outcome.changes };
  await ctx.saveCheckpoints();
  await ctx.store.update(ctx.record.id, { conversionPath: outcome.path, conversionReason: outcome.reason });
  await ctx.event(
    outcome.path === 'none' ? 'warning' : 'info',
    'conversion.finished',
    `conversion: ${outcome.path} (${outcome.reason}) in ${outcome.seconds.toFixed(1)} s`,
    { ...outcome },
  );
}
