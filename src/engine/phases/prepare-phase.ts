import { ensurePort } from '../target/port-provisioner.js';
import { ownerMetadata, resourceName } from '../target/target-ownership.js';
import { ensureVolume } from '../target/volume-provisioner.js';
import { diskCheckpoint } from '../transfer/copy-round.js';
import type { PhaseRunner } from './phase.js';

/**
 * Creates the target's ports (with the source MACs, so a MAC clash stops the migration before a byte is copied)
 * and, for the NBD pipeline, one empty volume per disk to copy into. Each is recorded before it is created.
 */
export const runPreparePhase: PhaseRunner = async (ctx) => {
  const client = ctx.openstack();
  const metadata = ownerMetadata(ctx.record.id);
  for (const nic of ctx.plan.nics) {
    const name = resourceName(ctx.record.id, 'nic', nic.key);
    const portId = await ctx.ensureResource(
      'port',
      `nic-${nic.key}`,
      name,
      'openstack',
      async () =>
        (
          await ensurePort(client, {
            name,
            networkId: nic.networkId,
            macAddress: nic.macAddress,
            ...(nic.fixedIp && nic.subnetId
              ? { fixedIps: [{ subnet_id: nic.subnetId, ip_address: nic.fixedIp }] }
              : {}),
            description: `FFO Twin: ${ctx.plan.vm.name} NIC ${nic.key} (${nic.portGroup ?? 'unknown port group'})`,
            metadata,
          })
        ).port.id,
    );
    await ctx.event('info', 'port.ready', `port ${name} (${nic.macAddress}) on network ${nic.networkId}`, {
      portId,
      mac: nic.macAddress,
      nic: nic.key,
    });
  }
  if (ctx.plan.pipeline !== 'nbd') return;
  for (const disk of ctx.plan.disks) {
    const name = resourceName(ctx.record.id, 'disk', disk.key);
    const volumeId = await ctx.ensureResource(
      'volume',
      `disk-${disk.key}`,
      name,
      'openstack',
      async () =>
        (
          await ensureVolume(
            client,
            {
              name,
              sizeGB: disk.sizeGB,
              volumeType: disk.volumeType,
              description: `FFO Twin: ${ctx.plan.vm.name} ${disk.fileName}`,
              metadata: { ...metadata, ffo_disk_key: String(disk.key), ffo_source_file: disk.fileName },
            },
            { timeoutMs: ctx.settings.volumeTimeoutMs, signal: ctx.signal },
          )
        ).volume.id,
    );
    diskCheckpoint(ctx, disk.key).volumeId = volumeId;
    await ctx.saveCheckpoints();
    await ctx.event(
      'info',
      'volume.ready',
      `volume ${name} (${disk.sizeGB} GB, ${disk.volumeType ?? 'default type'})`,
      {
        volumeId,
        disk: disk.key,
      },
    );
  }
};
