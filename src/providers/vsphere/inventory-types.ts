// The vCenter inventory as our code sees it, independent of SOAP wire shapes.
// Identity everywhere is the managed object id (moid) within one vCenter instance (instanceUuid).

export interface VCenterAbout {
  instanceUuid: string;
  fullName: string;
  apiVersion: string;
  apiType: string;
}

export interface DatacenterInventory {
  moid: string;
  name: string;
}

export interface ClusterInventory {
  moid: string;
  name: string;
  datacenterMoid: string;
}

export interface HostInventory {
  moid: string;
  name: string;
  datacenterMoid: string;
  /** null for a standalone host (its parent is a plain ComputeResource). */
  clusterMoid: string | null;
  cpuCores: number | null;
  memoryBytes: number | null;
  connectionState: string | null;
  powerState: string | null;
}

export interface DatastoreInventory {
  moid: string;
  name: string;
  datacenterMoid: string;
  type: string | null;
  url: string | null;
  capacityBytes: number | null;
  freeSpaceBytes: number | null;
}

export type PortGroupKind = 'standard' | 'distributed';

export interface PortGroupInventory {
  /** Network moid ("network-7") or DistributedVirtualPortgroup moid ("dvportgroup-13"). */
  moid: string;
  name: string;
  kind: PortGroupKind;
  datacenterMoid: string;
  /** VLAN id when known (standard: host portgroup spec; distributed: default port config). */
  vlanId: number | null;
  /** Distributed switch name (distributed) or vSwitch name (standard, when known). */
  switchName: string | null;
  /** Distributed switch uuid; NIC backings reference port groups by (switchUuid, key). */
  switchUuid: string | null;
  /** Distributed port group key. */
  key: string | null;
}

export type DiskControllerType =
  'pvscsi' | 'lsilogic' | 'lsilogic-sas' | 'buslogic' | 'ide' | 'sata' | 'nvme' | 'unknown';

export interface DiskInventory {
  key: number;
  label: string | null;
  /** Datastore path, e.g. "[LocalDS_0] web01/web01.vmdk". */
  fileName: string;
  datastoreMoid: string | null;
  capacityBytes: number;
  thinProvisioned: boolean;
  eagerlyScrub: boolean;
  diskMode: string | null;
  controllerKey: number;
  controllerType: DiskControllerType;
  unitNumber: number | null;
  /** CBT change id of the disk backing, null when empty. */
  changeId: string | null;
  /** Raw device mapping or multi-writer sharing; later issues turn these into concerns. */
  rdm: boolean;
  sharing: string | null;
}

export interface NicInventory {
  key: number;
  label: string | null;
  macAddress: string;
  /** vmxnet3, e1000, e1000e, vmxnet2, pcnet32, sriov, unknown */
  adapterType: string;
  /** Port group moid (Network or DistributedVirtualPortgroup), null when it cannot be resolved. */
  portGroupMoid: string | null;
  /** Network name as the backing states it (standard) or the resolved port group name. */
  networkName: string | null;
  addressType: string | null;
  connected: boolean | null;
}

export interface VmInventory {
  moid: string;
  name: string;
  instanceUuid: string | null;
  biosUuid: string | null;
  guestId: string | null;
  guestFullName: string | null;
  numCpu: number;
  memoryMB: number;
  /** poweredOn | poweredOff | suspended */
  powerState: string;
  hostMoid: string | null;
  clusterMoid: string | null;
  datacenterMoid: string | null;
  /** bios | efi */
  firmware: string | null;
  /** e.g. "vmx-13" */
  hardwareVersion: string | null;
  changeTrackingEnabled: boolean;
  /** capability.changeTrackingSupported; null when the server does not say. */
  changeTrackingSupported: boolean | null;
  template: boolean;
  annotation: string | null;
  /** summary.storage.committed: bytes the VM really uses on its datastores; null when not reported. */
  usedBytes?: number | null;
  disks: DiskInventory[];
  nics: NicInventory[];
}

export interface Inventory {
  about: VCenterAbout;
  datacenters: DatacenterInventory[];
  clusters: ClusterInventory[];
  hosts: HostInventory[];
  datastores: DatastoreInventory[];
  portGroups: PortGroupInventory[];
  vms: VmInventory[];
}
