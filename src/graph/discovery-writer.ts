import { createHash } from 'node:crypto';
import { ErrorCode, FfoError } from '../errors/index.js';
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

const VM_BATCH = 500;
const WRITE_LANES = 2;

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** The URL as the graph may keep it: credentials someone put into it (user:pass@) never reach the twin. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return '(unparseable url)';
  }
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

  // A configured name stays bound to the vCenter instance it first discovered. Another instance answering
  // under that name is far more likely a configuration mistake than a replacement, so nothing is written.
  const [bound] = await graph.read('vcenter-by-name', { name: target.name });
  if (bound && bound.id !== vc) {
    throw new FfoError(
      ErrorCode.VCENTER_IDENTITY_MISMATCH,
      `the name "${target.name}" belongs to vCenter instance ${String(bound.id)}, but ${redactUrl(target.url)} is instance ${vc}`,
      { details: { vcenter: target.name, boundInstance: bound.id, answeringInstance: vc } },
    );
  }
  await graph.write('discovery-upsert-vcenter', {
    vcenterId: vc,
    name: target.name,
    url: redactUrl(target.url),
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
  // Compare fingerprints first: unchanged VMs are not written at all, which keeps re-discovery cheap.
  const known = new Map(
    (await graph.read('discovery-vm-fingerprints', { vcenterId: vc })).map((r) => [
      r.id as string,
      { fingerprint: r.fingerprint as string | null, removed: Boolean(r.removed) },
    ]),
  );
  const seen = new Set(inventory.vms.map((vm) => sourceId(vc, vm.moid)));
  const created: { vm: VmInventory; fingerprint: string }[] = [];
  const changed: { vm: VmInventory; fingerprint: string }[] = [];
  for (const vm of inventory.vms) {
    const fingerprint = vmFingerprint(vm);
    const before = known.get(sourceId(vc, vm.moid));
    if (!before) created.push({ vm, fingerprint });
    else if (before.fingerprint !== fingerprint || before.removed) changed.push({ vm, fingerprint });
  }
  counts.vmsAdded = created.length;
  counts.vmsUpdated = changed.length;
  counts.vmsUnchanged = inventory.vms.length - created.length - changed.length;

  let written = counts.vmsUnchanged;
  onProgress({ phase: 'writing', vmsWritten: written, vmsTotal: inventory.vms.length });
  const batches = [
    ...chunks(created, VM_BATCH).map((batch) => ({ statement: 'discovery-create-vms', batch })),
    ...chunks(changed, VM_BATCH).map((batch) => ({ statement: 'discovery-upsert-vms', batch })),
  ];
  // Two batches in flight: Neo4j commits one while it plans and runs the next. Lock waits on shared hosts and
  // datastores are resolved by the driver's retry of transient (deadlock) errors.
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < batches.length) {
      const { statement, batch } = batches[next++]!;
      await graph.write(statement, {
        ...base,
        now,
        rows: batch.map(({ vm, fingerprint }) => vmRow(vc, vm, fingerprint)),
      });
      written += batch.length;
      onProgress({ phase: 'writing', vmsWritten: written, vmsTotal: inventory.vms.length });
    }
  };
  await Promise.all(Array.from({ length: WRITE_LANES }, lane));

  onProgress({ phase: 'removing', vmsWritten: written, vmsTotal: inventory.vms.length });
  const [removed] = await graph.write('discovery-mark-removed', {
    vcenterId: vc,
    runId,
    now,
    removedVmIds: [...known].filter(([id, k]) => !k.removed && !seen.has(id)).map(([id]) => id),
  });
  counts.vmsRemoved = Number(removed?.vmsRemoved ?? 0);
  return counts;
}

/** One VM with its disks and NICs as a row of discovery-upsert-vms. */
function vmRow(vc: string, vm: VmInventory, fingerprint: string): Row {
  return {
    id: sourceId(vc, vm.moid),
    hostId: vm.hostMoid ? sourceId(vc, vm.hostMoid) : null,
    fingerprint,
    props: vmProps(vm),
    disks: vm.disks.map((d) => ({
      id: diskId(vc, vm.moid, d.key),
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
    nics: vm.nics.map((n) => ({
      id: nicId(vc, vm.moid, n.key),
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
  };
}
