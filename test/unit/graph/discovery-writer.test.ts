import { redactUrl, vmFingerprint, vmProps } from '../../../src/graph/discovery-writer.js';
import type { VmInventory } from '../../../src/providers/vsphere/inventory-types.js';

const vm: VmInventory = {
  moid: 'vm-1',
  name: 'web01',
  instanceUuid: 'i',
  biosUuid: 'b',
  guestId: 'rhel8_64Guest',
  guestFullName: null,
  numCpu: 2,
  memoryMB: 4096,
  powerState: 'poweredOn',
  hostMoid: 'host-1',
  clusterMoid: null,
  datacenterMoid: 'dc-1',
  firmware: 'efi',
  hardwareVersion: 'vmx-19',
  changeTrackingEnabled: true,
  changeTrackingSupported: true,
  template: false,
  annotation: null,
  usedBytes: 5,
  disks: [
    {
      key: 2000,
      label: null,
      fileName: '[ds] web01/web01.vmdk',
      datastoreMoid: 'ds-1',
      capacityBytes: 10,
      thinProvisioned: true,
      eagerlyScrub: false,
      diskMode: null,
      controllerKey: 1000,
      controllerType: 'pvscsi',
      unitNumber: 0,
      changeId: null,
      rdm: false,
      sharing: null,
    },
    {
      key: 2001,
      label: null,
      fileName: '[ds] web01/data.vmdk',
      datastoreMoid: 'ds-1',
      capacityBytes: 32,
      thinProvisioned: false,
      eagerlyScrub: false,
      diskMode: null,
      controllerKey: 1000,
      controllerType: 'pvscsi',
      unitNumber: 1,
      changeId: null,
      rdm: false,
      sharing: null,
    },
  ],
  nics: [],
};

describe('discovery writer helpers', () => {
  it('never lets credentials in a URL reach the twin', () => {
    expect(redactUrl('https://admin:S3cret@vc.example.com/sdk')).toBe('https://vc.example.com/sdk');
    expect(redactUrl('not a url')).toBe('(unparseable url)');
  });

  it('derives provisioned storage from the disks', () => {
    expect(vmProps(vm)).toMatchObject({ provisionedBytes: 42, usedBytes: 5, numCpu: 2 });
  });

  it('changes the fingerprint when a device changes, and only then', () => {
    const same = vmFingerprint(structuredClone(vm));
    expect(vmFingerprint(vm)).toBe(same);
    const resized = structuredClone(vm);
    resized.disks[1]!.capacityBytes = 64;
    expect(vmFingerprint(resized)).not.toBe(same);
  });
});
