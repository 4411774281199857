import { createHash } from 'node:crypto';
import type { Inventory, VmInventory } from '../providers/vsphere/inventory-types.js';
import type { GraphClient, Row } from './graph-client.js';
import { diskId, nicId, sourceId } from './twin-ids.js';

export interface DiscoveryTarget {
  /** Configured name of the vCenter (credentials are looked up by it; the graph stores only this). */
  name: string;
  url: string;
}

export interface DiscoveryCounts {
  vmsTotal: number;
  vmsAdded: number;
  vmsUpdated: number;
  vmsUnchanged: number;
  vmsRemoved: number;
  objectsTotal: number;
}

export interface WriteProgress {
  phase: 'writing' | 'removing';
  vmsWritten: number;
  vmsTotal: number;
}

const VM_BATCH = 1000;
const DEVICE_BATCH = 2000;

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Stable hash of what discovery knows of a VM; equal hash = nothing to rewrite. */
export function vmFingerprint(vm: VmInventory): string {
  return createHash('sha1').update(JSON.stringify(vm)).digest('base64');
}

export function vmProps(vm: VmInventory): Row {
  return {
    moid: vm.moid,
    name: vm.name,
    instanceUuid: vm.instanceUuid,
    biosUuid: vm.biosUuid,
    guestId: vm.guestId,
    guestFullName: vm.guestFullName,
    numCpu: vm.numCpu,
    memoryMB: vm.memoryMB,
    powerState: vm.powerState,
    firmware: vm.firmware,
    hardwareVersion: vm.hardwareVersion,
    changeTrackingEnabled: vm.changeTrackingEnabled,
    changeTrackingSupported: vm.changeTrackingSupported,
    template: vm.template,
    annotation: vm.annotation,
    provisionedBytes: vm.disks.reduce((sum, d) => sum + d.capacityBytes, 0),
    usedBytes: vm.usedBytes ?? null,
  };
}

/** Upserts one vCenter inventory into the twin in batched UNWIND statements; incremental by fingerprint. */
export async function writeInventory(
  graph: GraphClient,
  target: DiscoveryTarget,
  inventory: Inventory,
  runId: string,
  onProgress: (progress: WriteProgress) => void = () => {},
): Promise<DiscoveryCounts> {
  const vc = inventory.about.instanceUuid;
  const now = new Date().toISOString();
  const base = { vcenterId: vc, runId };
  const id = (moid: string | null): string | null => (moid ? sourceId(vc, moid) : null);

  await graph.write('discovery-upsert-vcenter', {
    vcenterId: vc,
    name: target.name,
    url: target.url,
    fullName: inventory.about.fullName,
    apiVersion: inventory.about.apiVersion,
    apiType: inventory.about.apiType,
  });
  await graph.write('discovery-upsert-datacenters', {
    ...base,
    rows: inventory.datacenters.map((dc) => ({ id: id(dc.moid), moid: dc.moid, name: dc.name })),
  });
  await graph.write('discovery-upsert-clusters', {
    ...base,
    rows: inventory.clusters.map((c) => ({
      id: id(c.moid),
      moid: c.moid,
      name: c.name,
      datacenterId: id(c.datacenterMoid),
    })),
  });
  await graph.write('discovery-upsert-hosts', {
    ...base,
    rows: inventory.hosts.map((h) => ({
      id: id(h.moid),
      clusterId: id(h.clusterMoid),
      datacenterId: id(h.datacenterMoid),
      props: {
        moid: h.moid,
        name: h.name,
        cpuCores: h.cpuCores,
        memoryBytes: h.memoryBytes,
        connectionState: h.connectionState,
        powerState: h.powerState,
      },
    })),
  });
  await graph.write('discovery-upsert-datastores', {
    ...base,
    rows: inventory.datastores.map((ds) => ({
      id: id(ds.moid),
      datacenterId: id(ds.datacenterMoid),
      props: {
        moid: ds.moid,
        name: ds.name,
        type: ds.type,
        url: ds.url,
        capacityBytes: ds.capacityBytes,
        freeSpaceBytes: ds.freeSpaceBytes,
      },
    })),
  });
  await graph.write('discovery-upsert-portgroups', {
    ...base,
    rows: inventory.portGroups.map((pg) => ({
      id: id(pg.moid),
      datacenterId: id(pg.datacenterMoid),
      props: {
        moid: pg.moid,
        name: pg.name,
        kind: pg.kind,
        vlanId: pg.vlanId,
        switchName: pg.switchName,
        switchUuid: pg.switchUuid,
        key: pg.key,
      },
    })),
  });

  const counts: DiscoveryCounts = {
    vmsTotal: inventory.vms.length,
    vmsAdded: 0,
    vmsUpdated: 0,
    vmsUnchanged: 0,
    vmsRemoved: 0,
    objectsTotal:
      inventory.datacenters.length +
      inventory.clusters.length +
      inventory.hosts.length +
      inventory.datastores.length +
      inventory.portGroups.length +
      inventory.vms.length,
  };
  let written = 0;
  for (const batch of chunks(inventory.vms, VM_BATCH)) {
    const fingerprints = new Map(batch.map((vm) => [vm.moid, vmFingerprint(vm)]));
    const [result] = await graph.write('discovery-upsert-vms', {
      ...base,
      now,
      rows: batch.map((vm) => ({
        id: id(vm.moid),
        hostId: id(vm.hostMoid),
        fingerprint: fingerprints.get(vm.moid),
        props: vmProps(vm),
      })),
    });
    counts.vmsAdded += Number(result?.added ?? 0);
    counts.vmsUpdated += Number(result?.updated ?? 0);
    counts.vmsUnchanged += Number(result?.unchanged ?? 0);
    const changed = new Set((result?.changedIds as string[] | undefined) ?? []);
    await writeDevices(
      graph,
      base,
      batch.filter((vm) => changed.has(sourceId(vc, vm.moid))),
    );
    written += batch.length;
    onProgress({ phase: 'writing', vmsWritten: written, vmsTotal: inventory.vms.length });
  }

  onProgress({ phase: 'removing', vmsWritten: written, vmsTotal: inventory.vms.length });
  const [removed] = await graph.write('discovery-mark-removed', { vcenterId: vc, runId, now });
  counts.vmsRemoved = Number(removed?.vmsRemoved ?? 0);
  return counts;
}

/**
 * Devices are rewritten only for new or changed VMs (by fingerprint); an unchanged estate skips these
 * statements entirely, which is what makes re-discovery cheap.
 */
async function writeDevices(
  graph: GraphClient,
  base: { vcenterId: string; runId: string },
  vms: VmInventory[],
): Promise<void> {
  if (vms.length === 0) return;
  const vc = base.vcenterId;
  const disks = vms.flatMap((vm) =>
    vm.disks.map((d) => ({
      id: diskId(vc, vm.moid, d.key),
      vmId: sourceId(vc, vm.moid),
      datastoreId: d.datastoreMoid ? sourceId(vc, d.datastoreMoid) : null,
      props: {
        key: d.key,
        label: d.label,
        fileName: d.fileName,
        capacityBytes: d.capacityBytes,
        thinProvisioned: d.thinProvisioned,
        eagerlyScrub: d.eagerlyScrub,
        diskMode: d.diskMode,
        controllerKey: d.controllerKey,
        controllerType: d.controllerType,
        unitNumber: d.unitNumber,
        changeId: d.changeId,
        rdm: d.rdm,
        sharing: d.sharing,
      },
    })),
  );
  const nics = vms.flatMap((vm) =>
    vm.nics.map((n) => ({
      id: nicId(vc, vm.moid, n.key),
      vmId: sourceId(vc, vm.moid),
      portGroupId: n.portGroupMoid ? sourceId(vc, n.portGroupMoid) : null,
      props: {
        key: n.key,
        label: n.label,
        macAddress: n.macAddress,
        adapterType: n.adapterType,
        networkName: n.networkName,
        addressType: n.addressType,
        connected: n.connected,
      },
    })),
  );
  for (const rows of chunks(disks, DEVICE_BATCH))
    await graph.write('discovery-upsert-disks', { ...base, rows });
  for (const rows of chunks(nics, DEVICE_BATCH))
    await graph.write('discovery-upsert-nics', { ...base, rows });
  await graph.write('discovery-prune-devices', {
    runId: base.runId,
    vmIds: vms.map((vm) => sourceId(vc, vm.moid)),
  });
}
