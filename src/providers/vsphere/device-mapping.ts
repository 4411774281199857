// Maps a VM's config.hardware.device (ArrayOfVirtualDevice) to disks and NICs of inventory-types.ts.
// Device kinds come from the xsi:type of each VirtualDevice, never from labels (vcsim labels NICs
// "ethernet-0" while vCenter says "Network adapter 1").

import type { DiskControllerType, DiskInventory, NicInventory } from './inventory-types.js';
import { moRefOf } from './managed-object-reference.js';
import {
  asArray,
  booleanOf,
  childOf,
  isXmlObject,
  nonEmptyTextOf,
  numberOf,
  textOf,
  xsiTypeOf,
  type XmlObject,
  type XmlValue,
} from './xml-tree.js';

/** Disk controller class (xsi:type) -> controller kind used for the OpenStack disk bus mapping. */
export const DISK_CONTROLLER_TYPES: Readonly<Record<string, DiskControllerType>> = {
  ParaVirtualSCSIController: 'pvscsi',
  VirtualLsiLogicController: 'lsilogic',
  VirtualLsiLogicSASController: 'lsilogic-sas',
  VirtualBusLogicController: 'buslogic',
  VirtualIDEController: 'ide',
  VirtualAHCIController: 'sata',
  VirtualSATAController: 'sata',
  VirtualNVMEController: 'nvme',
};

/** VirtualEthernetCard subclass (xsi:type) -> adapter type; anything else is 'unknown'. */
export const NIC_ADAPTER_TYPES: Readonly<Record<string, string>> = {
  VirtualVmxnet3: 'vmxnet3',
  VirtualE1000: 'e1000',
  VirtualE1000e: 'e1000e',
  VirtualVmxnet2: 'vmxnet2',
  VirtualPCNet32: 'pcnet32',
  VirtualSriovEthernetCard: 'sriov',
};

/** Ethernet card classes without a dedicated adapter type; still NICs. */
const OTHER_NIC_TYPES: ReadonlySet<string> = new Set([
  'VirtualVmxnet',
  'VirtualVmxnet3Vrdma',
  'VirtualEthernetCard',
]);

/**
 * Device classes that never become disks or NICs. Discovery prunes them while parsing: they are about
 * a third of a VM retrieval's XML. A deny list (not an allow list) so that an unknown future NIC or
 * controller class still reaches mapVmDevices.
 */
export const IGNORED_DEVICE_TYPES: ReadonlySet<string> = new Set([
  'VirtualCdrom',
  'VirtualFloppy',
  'VirtualKeyboard',
  'VirtualPointingDevice',
  'VirtualMachineVideoCard',
  'VirtualMachineVMCIDevice',
  'VirtualMachineVMIROM',
  'VirtualPCIController',
  'VirtualPS2Controller',
  'VirtualSIOController',
  'VirtualSerialPort',
  'VirtualParallelPort',
  'VirtualUSB',
  'VirtualUSBController',
  'VirtualUSBXHCIController',
  'VirtualEnsoniq1371',
  'VirtualHdAudioCard',
  'VirtualSoundBlaster16',
  'VirtualTPM',
  'VirtualWDT',
  'VirtualPrecisionClock',
]);

/** Prune predicate for RetrievePropertiesEx responses that contain config.hardware.device. */
export function pruneIgnoredDevices(localName: string, xsiType: string): boolean {
  return localName === 'VirtualDevice' && IGNORED_DEVICE_TYPES.has(xsiType);
}

const RDM_BACKING = 'VirtualDiskRawDiskMappingVer1BackingInfo';
const DVS_BACKING = 'VirtualEthernetCardDistributedVirtualPortBackingInfo';
const STANDARD_BACKING = 'VirtualEthernetCardNetworkBackingInfo';
const OPAQUE_BACKING = 'VirtualEthernetCardOpaqueNetworkBackingInfo';

export interface ResolvedPortGroup {
  moid: string;
  name: string;
}

/** Resolves NIC backings to port groups; the inventory reader binds it to the VM's datacenter. */
export interface PortGroupResolver {
  /** DVS backing: (switchUuid, portgroupKey) -> DistributedVirtualPortgroup. */
  distributed(switchUuid: string | null, portgroupKey: string | null): ResolvedPortGroup | null;
  /** Standard backing: the backing's network moref if present, else the Network named deviceName. */
  standard(networkMoid: string | null, deviceName: string | null): ResolvedPortGroup | null;
}

/** What a NIC backing says about its network, kept until all port groups are known. */
export type NicBacking =
  | { kind: 'distributed'; switchUuid: string | null; portgroupKey: string | null }
  | { kind: 'standard'; networkMoid: string | null; deviceName: string | null }
  | { kind: 'other' };

export interface VmDevices {
  disks: DiskInventory[];
  /** portGroupMoid / networkName stay unresolved until resolveNicPortGroups(). */
  nics: NicInventory[];
  /** Same order as nics. */
  nicBackings: NicBacking[];
}

/**
 * Disks and NICs of one VM. Missing fields become null (or the documented default), never a throw.
 * Port groups are resolved separately because a page of VMs can arrive before the port groups.
 */
export function mapVmDevices(deviceArray: XmlValue | undefined): VmDevices {
  const devices = isXmlObject(deviceArray) ? asArray(deviceArray['VirtualDevice']) : [];
  const controllers = new Map<number, DiskControllerType>();
  const disks: DiskInventory[] = [];
  const nics: NicInventory[] = [];
  const nicBackings: NicBacking[] = [];
  for (const device of devices) {
    if (!isXmlObject(device)) continue;
    const type = xsiTypeOf(device);
    if (type === null) continue;
    const controllerType = DISK_CONTROLLER_TYPES[type];
    if (controllerType !== undefined) {
      const key = numberOf(device['key']);
      if (key !== null) controllers.set(key, controllerType);
    } else if (type === 'VirtualDisk') {
      disks.push(mapDisk(device));
    } else if (
      NIC_ADAPTER_TYPES[type] !== undefined ||
      OTHER_NIC_TYPES.has(type) ||
      device['addressType'] !== undefined
    ) {
      nics.push(mapNic(device, type));
      nicBackings.push(readNicBacking(device['backing']));
    }
  }
  // Controllers may follow their disks in the array, so resolve after the single pass.
  for (const disk of disks) disk.controllerType = controllers.get(disk.controllerKey) ?? 'unknown';
  return { disks, nics, nicBackings };
}

/** Fills portGroupMoid and networkName of each NIC from its backing. */
export function resolveNicPortGroups(devices: VmDevices, resolver: PortGroupResolver): void {
  devices.nics.forEach((nic, index) => {
    const backing = devices.nicBackings[index];
    if (backing === undefined || backing.kind === 'other') return;
    if (backing.kind === 'distributed') {
      const pg = resolver.distributed(backing.switchUuid, backing.portgroupKey);
      nic.portGroupMoid = pg?.moid ?? null;
      nic.networkName = pg?.name ?? null;
    } else {
      const pg = resolver.standard(backing.networkMoid, backing.deviceName);
      nic.portGroupMoid = pg?.moid ?? null;
      nic.networkName = backing.deviceName ?? pg?.name ?? null;
    }
  });
}

function readNicBacking(backing: XmlValue | undefined): NicBacking {
  const type = xsiTypeOf(backing);
  const port = childOf(backing, 'port');
  if (type === DVS_BACKING || (type === null && port !== undefined)) {
    return {
      kind: 'distributed',
      switchUuid: nonEmptyTextOf(childOf(port, 'switchUuid')),
      portgroupKey: nonEmptyTextOf(childOf(port, 'portgroupKey')),
    };
  }
  if (type === OPAQUE_BACKING) return { kind: 'other' };
  // Standard (and legacy) backings name the port group; newer vCenters add the Network moref.
  const deviceName = nonEmptyTextOf(childOf(backing, 'deviceName'));
  const networkMoid = moRefOf(childOf(backing, 'network'))?.value ?? null;
  if (type === STANDARD_BACKING || deviceName !== null || networkMoid !== null) {
    return { kind: 'standard', networkMoid, deviceName };
  }
  return { kind: 'other' };
}

function mapDisk(device: XmlObject): DiskInventory {
  const backing = device['backing'];
  const bytes = numberOf(device['capacityInBytes']);
  const kb = numberOf(device['capacityInKB']);
  // vcsim (and old hosts) report capacityInBytes = 0; capacityInKB is always set.
  const capacityBytes = bytes !== null && bytes > 0 ? bytes : kb !== null ? kb * 1024 : 0;
  return {
    key: numberOf(device['key']) ?? -1,
    label: nonEmptyTextOf(childOf(device['deviceInfo'], 'label')),
    fileName: textOf(childOf(backing, 'fileName')) ?? '',
    datastoreMoid: moRefOf(childOf(backing, 'datastore'))?.value ?? null,
    capacityBytes,
    thinProvisioned: booleanOf(childOf(backing, 'thinProvisioned')) === true,
    eagerlyScrub: booleanOf(childOf(backing, 'eagerlyScrub')) === true,
    diskMode: nonEmptyTextOf(childOf(backing, 'diskMode')),
    controllerKey: numberOf(device['controllerKey']) ?? -1,
    controllerType: 'unknown',
    unitNumber: numberOf(device['unitNumber']),
    changeId: nonEmptyTextOf(childOf(backing, 'changeId')),
    rdm: xsiTypeOf(backing) === RDM_BACKING,
    sharing: nonEmptyTextOf(childOf(backing, 'sharing')),
  };
}

function mapNic(device: XmlObject, type: string): NicInventory {
  return {
    key: numberOf(device['key']) ?? -1,
    label: nonEmptyTextOf(childOf(device['deviceInfo'], 'label')),
    macAddress: textOf(device['macAddress']) ?? '',
    adapterType: NIC_ADAPTER_TYPES[type] ?? 'unknown',
    portGroupMoid: null,
    networkName: null,
    addressType: nonEmptyTextOf(device['addressType']),
    connected: booleanOf(childOf(device['connectable'], 'connected')),
  };
}
