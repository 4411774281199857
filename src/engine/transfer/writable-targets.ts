import { ErrorCode, FfoError } from '../../errors/index.js';
import type { MigrationContext } from '../migration-context.js';
import {
  attachForWriting,
  conversionHostConnector,
  type VolumeAccess,
  type WritableVolume,
} from '../target/volume-target.js';

/**
 * Attaches every target volume of the migration to this host for writing, runs `work`, and always releases the
 * attachments again (Nova needs the volumes `available` to boot from them).
 */
export async function withWritableTargets<T>(
  ctx: MigrationContext,
  work: (targets: Map<number, VolumeAccess>) => Promise<T>,
  disks: number[] = ctx.plan.disks.map((d) => d.key),
): Promise<T> {
  const client = ctx.openstack();
  const attached: WritableVolume[] = [];
  const targets = new Map<number, VolumeAccess>();
  try {
    for (const key of disks) {
      const volumeId = ctx.checkpoints.disks[String(key)]?.volumeId;
      if (!volumeId) throw new FfoError(ErrorCode.INTERNAL, `disk ${key} has no target volume yet`);
      const volume = await attachForWriting(client, volumeId, conversionHostConnector(), {
        nfsMounts: ctx.settings.nfsMounts,
        signal: ctx.signal,
      });
      attached.push(volume);
      targets.set(key, volume.access);
    }
    return await work(targets);
  } finally {
    for (const volume of attached) await volume.release().catch(() => undefined);
  }
}
