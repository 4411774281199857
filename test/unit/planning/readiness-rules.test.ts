import { concernsOf, type ReadinessFacts } from '../../../src/services/readiness-service.js';

const base: ReadinessFacts = {
  vmId: 'vc/vm-1',
  name: 'web01',
  powerState: 'poweredOn',
  guestId: 'rhel8_64Guest',
  firmware: 'bios',
  hardwareVersion: 'vmx-13',
  template: false,
  changeTrackingEnabled: true,
  changeTrackingSupported: true,
  disks: [
    {
      key: 2000,
      fileName: '[ds] web01/web01.vmdk',
      capacityBytes: 1,
      controllerType: 'pvscsi',
      rdm: false,
      sharing: 'sharingNone',
      datastore: 'ds',
      volumeType: 'standard',
    },
  ],
  nics: [
    {
      key: 4000,
      macAddress: '00:50:56:00:00:01',
      portGroup: 'pg-app',
      networkId: 'c/net',
      network: 'net-app',
      subnets: [{ id: 'c/s', cidr: '10.0.0.0/24' }],
      fixedIp: null,
      clashingPorts: [],
    },
  ],
  nameTaken: false,
  defaultVolumeType: null,
};
const fits = {
  vmId: 'vc/vm-1',
  vmName: 'web01',
  flavor: null,
  reason: 'none',
  overridden: false,
  alternatives: [],
};
const codes = (facts: ReadinessFacts, duplicates = new Set<string>()) =>
  concernsOf(
    facts,
    {
      ...fits,
      flavor: { id: 'f', name: 'f', vcpus: 1, ramMB: 1, diskGB: 0, bootFromVolume: true, waste: 0 },
    },
    duplicates,
  ).map((c) => `${c.severity}:${c.code}`);

describe('readiness rules', () => {
  it('a clean VM has no concerns', () => {
    expect(codes(base)).toEqual([]);
  });

  it('reports each blocker with its stable code', () => {
    expect(concernsOf(base, fits, new Set()).map((c) => c.code)).toEqual(['NO_FLAVOR_FITS']);
    expect(codes({ ...base, template: true })).toEqual(['blocker:TEMPLATE']);
    expect(codes({ ...base, nics: [{ ...base.nics[0]!, networkId: null }] })).toEqual([
      'blocker:NETWORK_UNMAPPED',
    ]);
    expect(codes({ ...base, nics: [{ ...base.nics[0]!, clashingPorts: ['p1'] }] })).toEqual([
      'blocker:MAC_CLASH',
    ]);
    expect(codes(base, new Set(['00:50:56:00:00:01']))).toEqual(['blocker:MAC_DUPLICATE_IN_SOURCE']);
    expect(codes({ ...base, nics: [{ ...base.nics[0]!, fixedIp: '10.9.0.1' }] })).toEqual([
      'blocker:FIXED_IP_OUTSIDE_SUBNET',
    ]);
    expect(codes({ ...base, nics: [{ ...base.nics[0]!, fixedIp: '10.0.0.9' }] })).toEqual([]);
    expect(codes({ ...base, disks: [{ ...base.disks[0]!, rdm: true }] })).toEqual(['blocker:RDM_DISK']);
    expect(codes({ ...base, disks: [{ ...base.disks[0]!, sharing: 'sharingMultiWriter' }] })).toEqual([
      'blocker:SHARED_DISK',
    ]);
    expect(codes({ ...base, disks: [{ ...base.disks[0]!, volumeType: null }] })).toEqual([
      'blocker:STORAGE_UNMAPPED',
    ]);
    expect(
      codes({ ...base, disks: [{ ...base.disks[0]!, volumeType: null }], defaultVolumeType: 'standard' }),
    ).toEqual([]);
    expect(codes({ ...base, firmware: 'weird' })).toEqual(['blocker:UNSUPPORTED_FIRMWARE']);
  });

  it('reports warnings that do not block', () => {
    expect(codes({ ...base, firmware: 'efi' })).toEqual(['warning:UEFI_FIRMWARE']);
    expect(codes({ ...base, hardwareVersion: 'vmx-04' })).toEqual(['warning:CBT_UNAVAILABLE']);
    expect(codes({ ...base, changeTrackingSupported: false })).toEqual(['warning:CBT_UNAVAILABLE']);
    expect(codes({ ...base, changeTrackingEnabled: false })).toEqual(['warning:CBT_DISABLED']);
    expect(codes({ ...base, powerState: 'poweredOff', guestId: 'otherGuest' })).toEqual([
      'warning:UNKNOWN_OS_POWERED_OFF',
    ]);
    expect(codes({ ...base, nameTaken: true })).toEqual(['warning:NAME_COLLISION']);
    expect(codes({ ...base, disks: [{ ...base.disks[0]!, controllerType: 'buslogic' }] })).toEqual([
      'warning:UNSUPPORTED_CONTROLLER',
    ]);
  });
});
