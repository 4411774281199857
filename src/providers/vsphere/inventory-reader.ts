// Reads the whole vCenter inventory in one PropertyCollector retrieval: a recursive ContainerView
// over the root folder plus one PropertySpec per type, paged with RetrievePropertiesEx. Each page is
// reduced to compact records at once (the XML tree of a page can be dropped), and cross references
// (datacenter, cluster, port groups) are resolved when all pages are in.

import {
  mapVmDevices,
  pruneIgnoredDevices,
  resolveNicPortGroups,
  type PortGroupResolver,
  type ResolvedPortGroup,
  type VmDevices,
} from './device-mapping.js';
import type {
  ClusterInventory,
  DatacenterInventory,
  DatastoreInventory,
  HostInventory,
  Inventory,
  PortGroupInventory,
  VmInventory,
} from './inventory-types.js';
import { moRefOf, type ManagedObjectReference } from './managed-object-reference.js';
import type { MissingProperty, ObjectContent } from './retrieve-result.js';
import { containerViewFilterSpec, type PropertySpec } from './soap-envelope.js';
import type { VimSession } from './vim-client.js';
import {
  asArray,
  booleanOf,
  childOf,
  isXmlObject,
  nonEmptyTextOf,
  numberOf,
  pathOf,
  textOf,
  xsiTypeOf,
  type XmlValue,
} from './xml-tree.js';

export interface ReadInventoryOptions {
  /** RetrievePropertiesEx maxObjects per page (the server may return fewer). Default 1000. */
  pageSize?: number;
  /** Called for each property vCenter could not read (missingSet), e.g. NoPermission on one VM. */
  onMissingProperty?: (obj: ManagedObjectReference, missing: MissingProperty) => void;
}

/**
 * View types. Subtypes are included by vCenter and vcsim alike: ComputeResource covers
 * ClusterComputeResource, Network covers DistributedVirtualPortgroup (and OpaqueNetwork), Folder
 * covers StoragePod, ResourcePool covers VirtualApp, DistributedVirtualSwitch covers
 * VmwareDistributedVirtualSwitch (vcsim creates plain DistributedVirtualSwitch objects).
 */
export const INVENTORY_VIEW_TYPES: readonly string[] = [
  'Datacenter',
  'Folder',
  'ComputeResource',
  'HostSystem',
  'Datastore',
  'Network',
  'DistributedVirtualSwitch',
  'ResourcePool',
  'VirtualMachine',
];

/** One PropertySpec per type; the server returns the union of all specs matching an object's type. */
export const INVENTORY_PROPERTY_SPECS: readonly PropertySpec[] = [
  { type: 'Datacenter', pathSet: ['name'] },
  { type: 'Folder', pathSet: ['parent'] },
  { type: 'ClusterComputeResource', pathSet: ['name', 'parent'] },
  { type: 'ComputeResource', pathSet: ['parent'] },
  {
    type: 'HostSystem',
    pathSet: [
      'name',
      'parent',
      'summary.hardware.numCpuCores',
      'summary.hardware.memorySize',
      'runtime.connectionState',
      'runtime.powerState',
      'config.network.portgroup',
    ],
  },
  {
    type: 'Datastore',
    pathSet: ['name', 'parent', 'summary.type', 'summary.url', 'summary.capacity', 'summary.freeSpace'],
  },
  { type: 'Network', pathSet: ['name', 'parent'] },
  {
    type: 'DistributedVirtualPortgroup',
    pathSet: ['name', 'parent', 'key', 'config.distributedVirtualSwitch', 'config.defaultPortConfig'],
  },
  { type: 'DistributedVirtualSwitch', pathSet: ['name', 'uuid'] },
  // Only to place a VM whose runtime.host is unset: resourcePool.owner is its cluster.
  { type: 'ResourcePool', pathSet: ['owner'] },
  {
    type: 'VirtualMachine',
    pathSet: [
      'name',
      'parent',
      'config.uuid',
      'config.instanceUuid',
      'config.guestId',
      'config.guestFullName',
      'config.hardware.numCPU',
      'config.hardware.memoryMB',
      'config.hardware.device',
      'config.firmware',
      'config.version',
      'config.changeTrackingEnabled',
      'config.template',
      'config.annotation',
      'capability.changeTrackingSupported',
      'summary.storage.committed',
      'runtime.powerState',
      'runtime.host',
      'resourcePool',
    ],
  },
];

const DEFAULT_PAGE_SIZE = 1000;

export async function readInventory(
  session: VimSession,
  options: ReadInventoryOptions = {},
): Promise<Inventory> {
  const about = await session.about();
  const view = await session.createContainerView(INVENTORY_VIEW_TYPES, true);
  const collector = new InventoryCollector(options.onMissingProperty);
  try {
    const spec = containerViewFilterSpec(view, INVENTORY_PROPERTY_SPECS);
    const pages = session.retrievePropertyPages([spec], options.pageSize ?? DEFAULT_PAGE_SIZE, {
      prune: pruneIgnoredDevices,
    });
    for await (const page of pages) {
      for (const object of page) collector.add(object);
    }
  } finally {
    // Views die with the session anyway; a failed cleanup must not hide the result or the real error.
    await session.destroyView(view).catch(() => undefined);
  }
  return { about, ...collector.build() };
}

// ---------------------------------------------------------------------------------------------------

interface HostRecord extends Omit<HostInventory, 'datacenterMoid' | 'clusterMoid'> {
  parent: ManagedObjectReference | null;
  portGroups: StandardPortGroupSpec[];
}

interface StandardPortGroupSpec {
  name: string;
  vlanId: number | null;
  vswitchName: string | null;
}

interface NetworkRecord {
  moid: string;
  name: string;
}

interface DvPortGroupRecord {
  moid: string;
  name: string;
  key: string | null;
  dvsMoid: string | null;
  vlanId: number | null;
}

/** The final VmInventory object (placement and NIC port groups filled in by build()) plus lookups. */
interface VmRecord {
  vm: VmInventory;
  resourcePoolMoid: string | null;
  devices: VmDevices;
}

type Props = Map<string, XmlValue>;

/** Accumulates compact per-type records from ObjectContent, then resolves references in build(). */
export class InventoryCollector {
  private readonly parents = new Map<string, string>();
  private readonly datacenters: DatacenterInventory[] = [];
  private readonly datacenterIds = new Set<string>();
  private readonly clusters: { moid: string; name: string }[] = [];
  private readonly hosts: HostRecord[] = [];
  private readonly datastores: Omit<DatastoreInventory, 'datacenterMoid'>[] = [];
  private readonly networks: NetworkRecord[] = [];
  private readonly dvPortGroups: DvPortGroupRecord[] = [];
  private readonly switches = new Map<string, { name: string | null; uuid: string | null }>();
  private readonly resourcePoolOwners = new Map<string, ManagedObjectReference>();
  private readonly vms: VmRecord[] = [];

  constructor(private readonly onMissing?: (obj: ManagedObjectReference, missing: MissingProperty) => void) {}

  add(object: ObjectContent): void {
    const { obj } = object;
    if (this.onMissing !== undefined) for (const m of object.missingSet) this.onMissing(obj, m);
    const props: Props = new Map();
    for (const p of object.propSet) props.set(p.name, p.val);
    const parent = moRefOf(props.get('parent'));
    if (parent !== null) this.parents.set(obj.value, parent.value);

    switch (obj.type) {
      case 'Datacenter':
        this.datacenterIds.add(obj.value);
        this.datacenters.push({ moid: obj.value, name: textOf(props.get('name')) ?? obj.value });
        break;
      case 'ClusterComputeResource':
        this.clusters.push({ moid: obj.value, name: textOf(props.get('name')) ?? obj.value });
        break;
      case 'HostSystem':
        this.hosts.push(readHost(obj, props, parent));
        break;
      case 'Datastore':
        this.datastores.push({
          moid: obj.value,
          name: textOf(props.get('name')) ?? obj.value,
          type: nonEmptyTextOf(props.get('summary.type')),
          url: nonEmptyTextOf(props.get('summary.url')),
          capacityBytes: numberOf(props.get('summary.capacity')),
          freeSpaceBytes: numberOf(props.get('summary.freeSpace')),
        });
        break;
      // Exactly 'Network': DistributedVirtualPortgroup and OpaqueNetwork are Network subtypes.
      case 'Network':
        this.networks.push({ moid: obj.value, name: textOf(props.get('name')) ?? obj.value });
        break;
      case 'DistributedVirtualPortgroup':
        this.dvPortGroups.push(readDvPortGroup(obj, props));
        break;
      case 'DistributedVirtualSwitch':
      case 'VmwareDistributedVirtualSwitch':
        this.switches.set(obj.value, {
          name: nonEmptyTextOf(props.get('name')),
          uuid: nonEmptyTextOf(props.get('uuid')),
        });
        break;
      case 'ResourcePool':
      case 'VirtualApp': {
        const owner = moRefOf(props.get('owner'));
        if (owner !== null) this.resourcePoolOwners.set(obj.value, owner);
        break;
      }
      case 'VirtualMachine':
        this.vms.push(readVm(obj, props));
        break;
      default:
        // Folder, ComputeResource, StoragePod...: only their parent matters (recorded above).
        break;
    }
  }

  build(): Omit<Inventory, 'about'> {
    const datacenterOf = this.datacenterResolver();
    const hostsById = new Map<string, HostInventory>();
    const hosts = this.hosts.map((h): HostInventory => {
      const host: HostInventory = {
        moid: h.moid,
        name: h.name,
        datacenterMoid: datacenterOf(h.moid) ?? '',
        clusterMoid: h.parent?.type === 'ClusterComputeResource' ? h.parent.value : null,
        cpuCores: h.cpuCores,
        memoryBytes: h.memoryBytes,
        connectionState: h.connectionState,
        powerState: h.powerState,
      };
      hostsById.set(host.moid, host);
      return host;
    });

    const clusters: ClusterInventory[] = this.clusters.map((c) => ({
      ...c,
      datacenterMoid: datacenterOf(c.moid) ?? '',
    }));
    const datastores: DatastoreInventory[] = this.datastores.map((d) => ({
      ...d,
      datacenterMoid: datacenterOf(d.moid) ?? '',
    }));
    const { portGroups, resolverFor } = this.buildPortGroups(datacenterOf);

    // Fill in place: copying 5,000 twenty-field objects with spread costs more than the rest of build().
    const vms = this.vms.map(({ vm, resourcePoolMoid, devices }): VmInventory => {
      const host = vm.hostMoid === null ? undefined : hostsById.get(vm.hostMoid);
      const owner = resourcePoolMoid === null ? undefined : this.resourcePoolOwners.get(resourcePoolMoid);
      vm.clusterMoid = host?.clusterMoid ?? (owner?.type === 'ClusterComputeResource' ? owner.value : null);
      // vApp members have no parent folder; their host still places them.
      vm.datacenterMoid =
        datacenterOf(vm.moid) ??
        (host !== undefined && host.datacenterMoid !== '' ? host.datacenterMoid : null);
      resolveNicPortGroups(devices, resolverFor(vm.datacenterMoid));
      return vm;
    });

    return { datacenters: this.datacenters, clusters, hosts, datastores, portGroups, vms };
  }

  /** Walks parent links up to a Datacenter, memoising every object on the way (one walk per branch). */
  private datacenterResolver(): (moid: string) => string | null {
    const memo = new Map<string, string | null>();
    return (moid: string): string | null => {
      const visited: string[] = [];
      let current: string | undefined = moid;
      let result: string | null = null;
      while (current !== undefined) {
        if (this.datacenterIds.has(current)) {
          result = current;
          break;
        }
        const known = memo.get(current);
        if (known !== undefined) {
          result = known;
          break;
        }
        visited.push(current);
        if (visited.length > 256) break; // a cycle in broken data must not hang discovery
        current = this.parents.get(current);
      }
      for (const v of visited) memo.set(v, result);
      return result;
    };
  }

  private buildPortGroups(datacenterOf: (moid: string) => string | null): {
    portGroups: PortGroupInventory[];
    resolverFor: (datacenterMoid: string | null) => PortGroupResolver;
  } {
    // Standard port group VLAN/vSwitch come from the hosts' port group specs in the same datacenter.
    const hostSpecs = new Map<string, StandardPortGroupSpec>();
    for (const h of this.hosts) {
      const dc = datacenterOf(h.moid) ?? '';
      for (const spec of h.portGroups) {
        const key = `${dc}\u0000${spec.name}`;
        if (!hostSpecs.has(key)) hostSpecs.set(key, spec);
      }
    }

    const portGroups: PortGroupInventory[] = [];
    const networkById = new Map<string, ResolvedPortGroup>();
    const networkByDcName = new Map<string, ResolvedPortGroup>();
    const networksByName = new Map<string, ResolvedPortGroup[]>();
    for (const n of this.networks) {
      const dc = datacenterOf(n.moid) ?? '';
      const spec = hostSpecs.get(`${dc}\u0000${n.name}`);
      portGroups.push({
        moid: n.moid,
        name: n.name,
        kind: 'standard',
        datacenterMoid: dc,
        vlanId: spec?.vlanId ?? null,
        switchName: spec?.vswitchName ?? null,
        switchUuid: null,
        key: null,
      });
      const ref = { moid: n.moid, name: n.name };
      networkById.set(n.moid, ref);
      networkByDcName.set(`${dc}\u0000${n.name}`, ref);
      const list = networksByName.get(n.name) ?? [];
      list.push(ref);
      networksByName.set(n.name, list);
    }

    const dvpgBySwitchKey = new Map<string, ResolvedPortGroup>();
    const dvpgsByKey = new Map<string, ResolvedPortGroup[]>();
    for (const pg of this.dvPortGroups) {
      const dvs = pg.dvsMoid === null ? undefined : this.switches.get(pg.dvsMoid);
      const switchUuid = dvs?.uuid ?? null;
      portGroups.push({
        moid: pg.moid,
        name: pg.name,
        kind: 'distributed',
        datacenterMoid: datacenterOf(pg.moid) ?? '',
        vlanId: pg.vlanId,
        switchName: dvs?.name ?? null,
        switchUuid,
        key: pg.key,
      });
      const ref = { moid: pg.moid, name: pg.name };
      const key = pg.key ?? pg.moid;
      if (switchUuid !== null) dvpgBySwitchKey.set(`${switchUuid}\u0000${key}`, ref);
      const list = dvpgsByKey.get(key) ?? [];
      list.push(ref);
      dvpgsByKey.set(key, list);
    }

    const resolverFor = (datacenterMoid: string | null): PortGroupResolver => ({
      distributed(switchUuid, portgroupKey) {
        if (portgroupKey === null) return null;
        if (switchUuid !== null) {
          const exact = dvpgBySwitchKey.get(`${switchUuid}\u0000${portgroupKey}`);
          if (exact !== undefined) return exact;
        }
        // Keys are unique per vCenter in practice (key == moid); accept a key-only match if unambiguous.
        const candidates = dvpgsByKey.get(portgroupKey);
        return candidates?.length === 1 ? candidates[0]! : null;
      },
      standard(networkMoid, deviceName) {
        if (networkMoid !== null) {
          const byId = networkById.get(networkMoid);
          if (byId !== undefined) return byId;
        }
        if (deviceName === null) return null;
        if (datacenterMoid !== null)
          return networkByDcName.get(`${datacenterMoid}\u0000${deviceName}`) ?? null;
        const candidates = networksByName.get(deviceName);
        return candidates?.length === 1 ? candidates[0]! : null;
      },
    });
    return { portGroups, resolverFor };
  }
}

function readHost(
  obj: ManagedObjectReference,
  props: Props,
  parent: ManagedObjectReference | null,
): HostRecord {
  const portGroups: StandardPortGroupSpec[] = [];
  const pgArray = props.get('config.network.portgroup');
  for (const pg of isXmlObject(pgArray) ? asArray(pgArray['HostPortGroup']) : []) {
    const spec = childOf(pg, 'spec');
    const name = nonEmptyTextOf(childOf(spec, 'name'));
    if (name === null) continue;
    portGroups.push({
      name,
      vlanId: numberOf(childOf(spec, 'vlanId')),
      vswitchName: nonEmptyTextOf(childOf(spec, 'vswitchName')),
    });
  }
  return {
    moid: obj.value,
    name: textOf(props.get('name')) ?? obj.value,
    parent,
    cpuCores: numberOf(props.get('summary.hardware.numCpuCores')),
    memoryBytes: numberOf(props.get('summary.hardware.memorySize')),
    connectionState: nonEmptyTextOf(props.get('runtime.connectionState')),
    powerState: nonEmptyTextOf(props.get('runtime.powerState')),
    portGroups,
  };
}

function readDvPortGroup(obj: ManagedObjectReference, props: Props): DvPortGroupRecord {
  const vlan = pathOf(props.get('config.defaultPortConfig'), ['vlan']);
  // Only a plain VLAN id maps to one number; trunk ranges and private VLANs stay null.
  const vlanId =
    xsiTypeOf(vlan) === 'VmwareDistributedVirtualSwitchVlanIdSpec' ? numberOf(childOf(vlan, 'vlanId')) : null;
  return {
    moid: obj.value,
    name: textOf(props.get('name')) ?? obj.value,
    key: nonEmptyTextOf(props.get('key')),
    dvsMoid: moRefOf(props.get('config.distributedVirtualSwitch'))?.value ?? null,
    vlanId,
  };
}

function readVm(obj: ManagedObjectReference, props: Props): VmRecord {
  const devices = mapVmDevices(props.get('config.hardware.device'));
  const vm: VmInventory = {
    moid: obj.value,
    name: textOf(props.get('name')) ?? obj.value,
    instanceUuid: nonEmptyTextOf(props.get('config.instanceUuid')),
    biosUuid: nonEmptyTextOf(props.get('config.uuid')),
    guestId: nonEmptyTextOf(props.get('config.guestId')),
    guestFullName: nonEmptyTextOf(props.get('config.guestFullName')),
    numCpu: numberOf(props.get('config.hardware.numCPU')) ?? 0,
    memoryMB: numberOf(props.get('config.hardware.memoryMB')) ?? 0,
    powerState: nonEmptyTextOf(props.get('runtime.powerState')) ?? 'unknown',
    hostMoid: moRefOf(props.get('runtime.host'))?.value ?? null,
    clusterMoid: null,
    datacenterMoid: null,
    firmware: nonEmptyTextOf(props.get('config.firmware')),
    hardwareVersion: nonEmptyTextOf(props.get('config.version')),
    changeTrackingEnabled: booleanOf(props.get('config.changeTrackingEnabled')) === true,
    changeTrackingSupported: booleanOf(props.get('capability.changeTrackingSupported')),
    template: booleanOf(props.get('config.template')) === true,
    annotation: nonEmptyTextOf(props.get('config.annotation')),
    usedBytes: numberOf(props.get('summary.storage.committed')),
    disks: devices.disks,
    nics: devices.nics,
  };
  return { vm, resourcePoolMoid: moRefOf(props.get('resourcePool'))?.value ?? null, devices };
}
