import { ErrorCode, FfoError } from '../../errors/index.js';
import { ownerMetadata } from '../target/target-ownership.js';
import { ensureServer, waitForServer } from '../target/server-launcher.js';
import { setBootable } from '../target/volume-provisioner.js';
import type { PhaseRunner } from './phase.js';

/**
 * Marks the boot volume bootable with virtio image properties, boots the server from it with the matched flavor
 * and the pre-created ports, waits for ACTIVE (or Nova's fault), and records id, IPs and the downtime.
 */
export const runLaunchPhase: PhaseRunner = async (ctx) => {
  const client = ctx.openstack();
  const cps = ctx.checkpoints;
  const volumeIds = ctx.plan.disks.map((d) => {
    const id = cps.disks[String(d.key)]?.volumeId;
    if (!id) throw new FfoError(ErrorCode.INTERNAL, `disk ${d.key} has no target volume`);
    return id;
  });
  const resources = await ctx.store.resources(ctx.record.id);
  const portIds = ctx.plan.nics.map((n) => {
    const port = resources.find((r) => r.kind === 'port' && r.key === `nic-${n.key}`);
    if (!port?.externalId) throw new FfoError(ErrorCode.INTERNAL, `NIC ${n.key} has no target port`);
    return port.externalId;
  });
  const firmware = ctx.plan.vm.firmware === 'efi' ? 'uefi' : 'bios';
  await setBootable(client, volumeIds[0]!, {
    hw_disk_bus: 'virtio',
    hw_vif_model: 'virtio',
    hw_firmware_type: firmware,
    ...(firmware === 'uefi' ? { hw_machine_type: 'q35' } : {}),
    ...(ctx.checkpoints.conversion?.path === 'windows' ? { os_type: 'windows' } : { os_type: 'linux' }),
  });
  const name = ctx.plan.vm.name;
  const spec = {
    name,
    flavorId: ctx.plan.flavor.id,
    bootVolumeId: volumeIds[0]!,
    extraVolumeIds: volumeIds.slice(1),
    portIds,
    metadata: { ...ownerMetadata(ctx.record.id), ffo_source_vm: ctx.plan.vm.id },
    description: `FFO Twin: migrated from ${ctx.plan.vm.vcenter}/${ctx.plan.vm.moid}`,
  };
  // Recorded as soon as Nova has an id, before the (long) wait for ACTIVE.
  const serverId = await ctx.ensureResource(
    'server',
    'server',
    name,
    'openstack',
    async () => (await ensureServer(client, spec)).serverId,
  );
  await waitForServer(client, serverId, {
    timeoutMs: ctx.settings.launchTimeoutMs,
    intervalMs: 1000,
    signal: ctx.signal,
  });
  const result = {
    ports: await Promise.all(
      portIds.map(async (portId) => {
        const port = await client.getPort(portId);
        return { portId, macAddress: port.mac_address ?? null, fixedIps: port.fixed_ips ?? [] };
      }),
    ),
  };
  const fixedIps = result.ports.flatMap((p) => p.fixedIps.map((ip) => ip.ip_address ?? '')).filter(Boolean);
  cps.server = {
    id: serverId,
    fixedIps,
    ports: result.ports.map((p) => ({ id: p.portId, mac: p.macAddress ?? '' })),
  };
  await ctx.saveCheckpoints();
  const props: Record<string, unknown> = { serverId, fixedIps };
  if (cps.downtimeStartedAt) {
    props.downtimeSeconds = (Date.now() - new Date(cps.downtimeStartedAt).getTime()) / 1000;
  }
  await ctx.store.update(ctx.record.id, props);
  await ctx.event(
    'info',
    'server.active',
    `server ${name} (${serverId}) is ACTIVE${fixedIps.length ? ` at ${fixedIps.join(', ')}` : ''}`,
    {
      serverId,
      fixedIps,
      downtimeSeconds: props.downtimeSeconds ?? null,
    },
  );
};
