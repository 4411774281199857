import type { GraphClient } from '../graph/graph-client.js';
import { cidrContains } from './ip-address.js';
import type { FlavorMatch, FlavorMatcher } from './flavor-matcher.js';
import type { ProjectScope } from './target-scope.js';

export type Severity = 'blocker' | 'warning';

/** Stable concern codes, Forklift-style: clients and later issues branch on these. */
export const ConcernCode = {
  NETWORK_UNMAPPED: 'NETWORK_UNMAPPED',
  NO_FLAVOR_FITS: 'NO_FLAVOR_FITS',
  MAC_CLASH: 'MAC_CLASH',
  MAC_DUPLICATE_IN_SOURCE: 'MAC_DUPLICATE_IN_SOURCE',
  FIXED_IP_OUTSIDE_SUBNET: 'FIXED_IP_OUTSIDE_SUBNET',
  UNSUPPORTED_FIRMWARE: 'UNSUPPORTED_FIRMWARE',
  UEFI_FIRMWARE: 'UEFI_FIRMWARE',
  UNSUPPORTED_CONTROLLER: 'UNSUPPORTED_CONTROLLER',
  CBT_UNAVAILABLE: 'CBT_UNAVAILABLE',
  CBT_DISABLED: 'CBT_DISABLED',
  RDM_DISK: 'RDM_DISK',
  SHARED_DISK: 'SHARED_DISK',
  UNKNOWN_OS_POWERED_OFF: 'UNKNOWN_OS_POWERED_OFF',
  NAME_COLLISION: 'NAME_COLLISION',
  STORAGE_UNMAPPED: 'STORAGE_UNMAPPED',
  TEMPLATE: 'TEMPLATE',
} as const;
export type ConcernCode = (typeof ConcernCode)[keyof typeof ConcernCode];

export interface Concern {
  code: ConcernCode;
  severity: Severity;
  message: string;
}

export interface VmReadiness {
  vmId: string;
  vmName: string;
  ready: boolean;
  concerns: Concern[];
  flavor: FlavorMatch | null;
}

export interface ReadinessFacts {
  vmId: string;
  name: string;
  powerState: string;
  guestId: string | null;
  firmware: string | null;
  hardwareVersion: string | null;
  template: boolean;
  changeTrackingEnabled: boolean;
  changeTrackingSupported: boolean | null;
  disks: {
    key: number;
    fileName: string;
    capacityBytes: number;
    controllerType: string;
    rdm: boolean;
    sharing: string | null;
    datastore: string | null;
    volumeType: string | null;
  }[];
  nics: {
    key: number;
    macAddress: string;
    portGroup: string | null;
    networkId: string | null;
    network: string | null;
    subnets: { id: string; cidr: string }[];
    fixedIp: string | null;
    clashingPorts: string[];
  }[];
  nameTaken: boolean;
  defaultVolumeType: string | null;
}

const hwVersion = (v: string | null): number | null => {
  const m = /^vmx-(\d+)$/.exec(v ?? '');
  return m ? Number(m[1]) : null;
};

/** The concerns of one VM, from facts the twin holds. Pure: unit-tested rule by rule. */
export function concernsOf(
  facts: ReadinessFacts,
  flavor: FlavorMatch | null,
  duplicateMacs: Set<string>,
): Concern[] {
  const out: Concern[] = [];
  const add = (code: ConcernCode, severity: Severity, message: string): void => {
    out.push({ code, severity, message });
  };
  if (facts.template) add(ConcernCode.TEMPLATE, 'blocker', 'templates are not migrated as servers');
  if (flavor && !flavor.flavor) add(ConcernCode.NO_FLAVOR_FITS, 'blocker', flavor.reason);
  for (const nic of facts.nics) {
    if (!nic.networkId) {
      add(
        ConcernCode.NETWORK_UNMAPPED,
        'blocker',
        nic.portGroup
          ? `port group ${nic.portGroup} is not mapped to a network`
          : `NIC ${nic.macAddress} has no known port group`,
      );
    }
    if (nic.clashingPorts.length > 0) {
      add(
        ConcernCode.MAC_CLASH,
        'blocker',
        `MAC ${nic.macAddress} is already used by port ${nic.clashingPorts.join(', ')} in the target`,
      );
    }
    if (duplicateMacs.has(nic.macAddress)) {
      add(
        ConcernCode.MAC_DUPLICATE_IN_SOURCE,
        'blocker',
        `MAC ${nic.macAddress} is used by more than one NIC being planned`,
      );
    }
    if (nic.fixedIp && nic.networkId && !nic.subnets.some((s) => cidrContains(s.cidr, nic.fixedIp!))) {
      add(
        ConcernCode.FIXED_IP_OUTSIDE_SUBNET,
        'blocker',
        `fixed IP ${nic.fixedIp} is outside ${nic.subnets.map((s) => s.cidr).join(', ') || 'any subnet'} of ${nic.network}`,
      );
    }
  }
  if (facts.firmware && facts.firmware !== 'bios' && facts.firmware !== 'efi') {
    add(ConcernCode.UNSUPPORTED_FIRMWARE, 'blocker', `firmware ${facts.firmware} is not supported`);
  } else if (facts.firmware === 'efi') {
    add(
      ConcernCode.UEFI_FIRMWARE,
      'warning',
      'UEFI guest: the target image/volume needs hw_firmware_type=uefi',
    );
  }
  for (const disk of facts.disks) {
    if (disk.rdm) add(ConcernCode.RDM_DISK, 'blocker', `${disk.fileName} is a raw device mapping`);
    if (disk.sharing && disk.sharing !== 'sharingNone') {
      add(ConcernCode.SHARED_DISK, 'blocker', `${disk.fileName} is shared (${disk.sharing})`);
    }
    if (disk.controllerType === 'unknown') {
      add(ConcernCode.UNSUPPORTED_CONTROLLER, 'blocker', `${disk.fileName} sits on an unknown controller`);
    } else if (disk.controllerType === 'buslogic') {
      add(
        ConcernCode.UNSUPPORTED_CONTROLLER,
        'warning',
        `${disk.fileName} is on BusLogic; conversion must switch drivers`,
      );
    }
    if (!disk.volumeType && !facts.defaultVolumeType) {
      add(
        ConcernCode.STORAGE_UNMAPPED,
        'blocker',
        `datastore ${disk.datastore ?? '?'} has no volume type and the cloud has no default`,
      );
    }
  }
  const hw = hwVersion(facts.hardwareVersion);
  if ((hw !== null && hw < 7) || facts.changeTrackingSupported === false) {
    add(
      ConcernCode.CBT_UNAVAILABLE,
      'warning',
      `CBT is not possible (${facts.hardwareVersion ?? 'unknown hardware'}): cold migration only`,
    );
  } else if (!facts.changeTrackingEnabled) {
    add(ConcernCode.CBT_DISABLED, 'warning', 'CBT is off; a warm migration will enable it first');
  }
  if (facts.powerState === 'poweredOff' && (!facts.guestId || /^other/.test(facts.guestId))) {
    add(
      ConcernCode.UNKNOWN_OS_POWERED_OFF,
      'warning',
      'powered off with an unknown guest OS: conversion cannot be planned',
    );
  }
  if (facts.nameTaken)
    add(ConcernCode.NAME_COLLISION, 'warning', `a server named ${facts.name} already exists in the project`);
  return out;
}

/** Readiness of VMs for one cloud/project: what the twin knows, nothing created in OpenStack. */
export class ReadinessService {
  constructor(
    private readonly graph: GraphClient,
    private readonly flavors: FlavorMatcher,
  ) {}

  async facts(vmIds: string[], scope: ProjectScope): Promise<ReadinessFacts[]> {
    return (await this.graph.read('readiness-facts', {
      vmIds,
      cloudId: scope.cloudId,
      projectId: scope.id,
    })) as unknown as ReadinessFacts[];
  }

  async assess(vmIds: string[], scope: ProjectScope): Promise<VmReadiness[]> {
    const [facts, matches] = await Promise.all([
      this.facts(vmIds, scope),
      this.flavors.matchIds(vmIds, scope),
    ]);
    const byVm = new Map(matches.map((m) => [m.vmId, m]));
    const macCount = new Map<string, number>();
    for (const f of facts)
      for (const n of f.nics) macCount.set(n.macAddress, (macCount.get(n.macAddress) ?? 0) + 1);
    const duplicates = new Set([...macCount].filter(([, c]) => c > 1).map(([mac]) => mac));
    return facts.map((f) => {
      const flavor = byVm.get(f.vmId) ?? null;
      const concerns = concernsOf(f, flavor, duplicates);
      return {
        vmId: f.vmId,
        vmName: f.name,
        ready: !concerns.some((c) => c.severity === 'blocker'),
        concerns,
        flavor,
      };
    });
  }
}
