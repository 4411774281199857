import { rmSync } from 'node:fs';
import { ErrorCode, FfoError } from '../../errors/index.js';
import { qemuImgConvert } from '../../providers/disk/qemu-img.js';
import { ensureImage } from '../target/glance-import.js';
import { deleteImage } from '../target/resource-reaper.js';
import { ownerMetadata, resourceName } from '../target/target-ownership.js';
import { ensureVolume } from '../target/volume-provisioner.js';
import { diskCheckpoint } from '../transfer/copy-round.js';
import { resourceId } from '../migration-store.js';
import type { PhaseRunner } from './phase.js';

/**
 * HTTP pipeline: each downloaded (and, for the boot disk, converted) file becomes a qcow2 image in Glance, and a
 * Cinder volume is created from it (Cinder writes the bytes). The image is removed once its volume exists.
 */
export const runImportPhase: PhaseRunner = async (ctx) => {
  const client = ctx.openstack();
  const metadata = ownerMetadata(ctx.record.id);
  for (const disk of ctx.plan.disks) {
    ctx.throwIfCancelled();
    const cp = diskCheckpoint(ctx, disk.key);
    if (cp.volumeId) continue;
    if (!cp.downloadPath) throw new FfoError(ErrorCode.INTERNAL, `disk ${disk.key} was not downloaded`);
    const qcow2 = `${cp.downloadPath}.qcow2`;
    await qemuImgConvert({
      src: cp.downloadPath,
      srcFormat: 'raw',
      dst: qcow2,
      dstFormat: 'qcow2',
      signal: ctx.signal,
    });
    const imageName = resourceName(ctx.record.id, 'image', disk.key);
    const imageId = await ctx.ensureResource(
      'image',
      `image-${disk.key}`,
      imageName,
      'openstack',
      async () =>
        (
          await ensureImage(client, {
            name: imageName,
            diskFormat: 'qcow2',
            file: qcow2,
            metadata: { ...metadata, hw_disk_bus: 'virtio', hw_vif_model: 'virtio' },
          })
        ).image.id,
    );
    const volumeName = resourceName(ctx.record.id, 'disk', disk.key);
    const volumeId = await ctx.ensureResource(
      'volume',
      `disk-${disk.key}`,
      volumeName,
      'openstack',
      async () =>
        (
          await ensureVolume(
            client,
            {
              name: volumeName,
              sizeGB: disk.sizeGB,
              volumeType: disk.volumeType,
              imageRef: imageId,
              description: `FFO Twin: ${ctx.plan.vm.name} ${disk.fileName}`,
              metadata: { ...metadata, ffo_disk_key: String(disk.key), ffo_source_file: disk.fileName },
            },
            { timeoutMs: ctx.settings.volumeTimeoutMs, signal: ctx.signal },
          )
        ).volume.id,
    );
    cp.volumeId = volumeId;
    await ctx.saveCheckpoints();
    await ctx.event(
      'info',
      'volume.imported',
      `disk ${disk.key}: volume ${volumeName} created from image ${imageName}`,
      {
        disk: disk.key,
        volumeId,
        imageId,
      },
    );
    rmSync(qcow2, { force: true });
    // The volume holds its own copy of the bytes: the image is only a vehicle.
    await deleteImage(client, imageId, { signal: ctx.signal });
    await ctx.store.resourceState(resourceId(ctx.record.id, 'image', `image-${disk.key}`), 'deleted');
  }
};
