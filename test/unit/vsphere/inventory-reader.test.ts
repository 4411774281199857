import { afterEach, describe, expect, it } from '@jest/globals';
import { VSphereFaultError } from '../../../src/errors/vsphere-errors.js';
import { readInventory } from '../../../src/providers/vsphere/inventory-reader.js';
import type { Inventory, VCenterAbout, VmInventory } from '../../../src/providers/vsphere/inventory-types.js';
import {
  moRef,
  type ManagedObjectReference,
} from '../../../src/providers/vsphere/managed-object-reference.js';
import {
  parseRetrieveResult,
  type MissingProperty,
  type ObjectContent,
  type RetrieveResult,
} from '../../../src/providers/vsphere/retrieve-result.js';
import type { PropertyFilterSpec } from '../../../src/providers/vsphere/soap-envelope.js';
import { parseSoapResponse } from '../../../src/providers/vsphere/soap-response-parser.js';
import {
  VimClient,
  type ServiceContent,
  type VimSession,
} from '../../../src/providers/vsphere/vim-client.js';
import { FakeVCenter, defaultHandlers } from './fake-vcenter.js';
import { readFixture } from './fixture-files.js';

const ABOUT: VCenterAbout = {
  instanceUuid: 'dbed6e0c-bd88-4ef6-b594-21283e1c677f',
  fullName: 'VMware vCenter Server 6.5.0 build-5973321',
  apiVersion: '6.5',
  apiType: 'VirtualCenter',
};

/** A VimSession serving one recorded RetrievePropertiesEx result, recording what the reader asked for. */
class FixtureSession implements VimSession {
  readonly viewTypes: string[][] = [];
  readonly destroyed: ManagedObjectReference[] = [];
  specs: readonly PropertyFilterSpec[] = [];

  constructor(
    private readonly objects: ObjectContent[],
    private readonly failRetrieve = false,
  ) {}

  about(): Promise<VCenterAbout> {
    return Promise.resolve(ABOUT);
  }
  retrieveServiceContent(): Promise<ServiceContent> {
    return Promise.reject(new Error('not needed'));
  }
  createContainerView(types: readonly string[]): Promise<ManagedObjectReference> {
    this.viewTypes.push([...types]);
    return Promise.resolve(moRef('ContainerView', 'view-1'));
  }
  destroyView(view: ManagedObjectReference): Promise<void> {
    this.destroyed.push(view);
    return Promise.resolve();
  }
  retrievePropertiesEx(): Promise<RetrieveResult> {
    return Promise.reject(new Error('not needed'));
  }
  continueRetrievePropertiesEx(): Promise<RetrieveResult> {
    return Promise.reject(new Error('not needed'));
  }
  async *retrievePropertyPages(specSet: readonly PropertyFilterSpec[]): AsyncIterable<ObjectContent[]> {
    this.specs = specSet;
    await Promise.resolve();
    if (this.failRetrieve) throw new VSphereFaultError('InvalidProperty', 'boom');
    yield this.objects;
  }
}

function objectsOf(fixture: string): ObjectContent[] {
  return parseRetrieveResult(parseSoapResponse(readFixture(fixture), 'RetrievePropertiesEx')).objects;
}

function vm(inventory: Inventory, name: string): VmInventory {
  const found = inventory.vms.find((v) => v.name === name);
  if (found === undefined) throw new Error(`no VM ${name}`);
  return found;
}

describe('readInventory on the crafted real-vCenter-style response', () => {
  it('asks for one recursive view with all types and one filter with a propSet per type', async () => {
    const session = new FixtureSession(objectsOf('retrieve-inventory.vcenter.xml'));
    await readInventory(session);
    expect(session.viewTypes).toEqual([
      [
        'Datacenter',
        'Folder',
        'ComputeResource',
        'HostSystem',
        'Datastore',
        'Network',
        'DistributedVirtualSwitch',
        'ResourcePool',
        'VirtualMachine',
      ],
    ]);
    expect(session.specs).toHaveLength(1);
    expect(session.specs[0]!.objectSet[0]!.obj).toEqual(moRef('ContainerView', 'view-1'));
    expect(session.specs[0]!.propSet.map((p) => p.type)).toContain('DistributedVirtualPortgroup');
    expect(session.destroyed).toEqual([moRef('ContainerView', 'view-1')]);
  });

  it('fills the inventory contract', async () => {
    const missing: [string, MissingProperty][] = [];
    const inventory = await readInventory(new FixtureSession(objectsOf('retrieve-inventory.vcenter.xml')), {
      onMissingProperty: (obj, m) => missing.push([obj.value, m]),
    });
    expect(inventory.about).toEqual(ABOUT);
    expect(inventory.datacenters).toEqual([{ moid: 'datacenter-2', name: 'DC0' }]);
    expect(inventory.clusters).toEqual([
      { moid: 'clustercomputeresource-27', name: 'DC0_C0', datacenterMoid: 'datacenter-2' },
    ]);
    expect(inventory.hosts).toHaveLength(4);
    expect(inventory.hosts.find((h) => h.moid === 'host-21')).toEqual({
      moid: 'host-21',
      name: 'DC0_H0',
      datacenterMoid: 'datacenter-2',
      clusterMoid: null,
      cpuCores: 2,
      memoryBytes: 4294430720,
      connectionState: 'connected',
      powerState: 'poweredOn',
    });
    expect(inventory.hosts.filter((h) => h.clusterMoid === 'clustercomputeresource-27')).toHaveLength(3);
    expect(inventory.datastores).toEqual([
      {
        moid: 'datastore-15',
        name: 'LocalDS_0',
        datacenterMoid: 'datacenter-2',
        type: 'VMFS',
        url: 'ds:///vmfs/volumes/5e2c5b9e-0d2f4a10-8c1e-005056a1b2c3/',
        capacityBytes: 270553174016,
        freeSpaceBytes: 157257371648,
      },
    ]);

    const pg = (name: string): unknown => inventory.portGroups.find((p) => p.name === name);
    expect(inventory.portGroups).toHaveLength(7);
    expect(pg('VM Network')).toEqual({
      moid: 'network-7',
      name: 'VM Network',
      kind: 'standard',
      datacenterMoid: 'datacenter-2',
      vlanId: 0,
      switchName: 'vSwitch0',
      switchUuid: null,
      key: null,
    });
    expect(pg('std-pg')).toMatchObject({
      moid: 'network-76',
      kind: 'standard',
      vlanId: 300,
      switchName: 'vSwitch0',
    });
    expect(pg('pg-app')).toEqual({
      moid: 'dvportgroup-73',
      name: 'pg-app',
      kind: 'distributed',
      datacenterMoid: 'datacenter-2',
      vlanId: 100,
      switchName: 'DVS-test',
      switchUuid: '001dfb2d-de5b-5182-a6bf-0ecf20fd8b1c',
      key: 'dvportgroup-73',
    });
    // Uplink port groups carry a trunk range: no single VLAN id.
    expect(pg('DVS-test-DVUplinks-69')).toMatchObject({ kind: 'distributed', vlanId: null });

    expect(inventory.vms).toHaveLength(8);
    expect(vm(inventory, 'web01')).toEqual({
      moid: 'vm-80',
      name: 'web01',
      usedBytes: 2147483648,
      instanceUuid: 'f4942855-2531-58e4-8160-6d10cde6d97a',
      biosUuid: '37fcc44d-0f9e-5012-b2d8-655193d9c038',
      guestId: 'rhel8_64Guest',
      guestFullName: 'rhel8_64Guest',
      numCpu: 4,
      memoryMB: 4096,
      powerState: 'poweredOff',
      hostMoid: 'host-42',
      clusterMoid: 'clustercomputeresource-27',
      datacenterMoid: 'datacenter-2',
      firmware: 'bios',
      hardwareVersion: 'vmx-13',
      changeTrackingEnabled: true,
      changeTrackingSupported: true,
      template: false,
      annotation: `owner: R&D <ops> 'x' "y"`,
      disks: [
        expect.objectContaining({
          key: 203,
          fileName: '[LocalDS_0] web01/web01.vmdk',
          datastoreMoid: 'datastore-15',
          capacityBytes: 20 * 1024 ** 3,
          thinProvisioned: true,
          controllerType: 'pvscsi',
          unitNumber: 0,
        }),
        expect.objectContaining({
          fileName: '[LocalDS_0] web01/data.vmdk',
          capacityBytes: 50 * 1024 ** 3,
          thinProvisioned: false,
          eagerlyScrub: false,
          controllerType: 'pvscsi',
        }),
        expect.objectContaining({
          fileName: '[LocalDS_0] web01/data3.vmdk',
          capacityBytes: 1024 ** 3,
          eagerlyScrub: true,
          controllerKey: 205,
          controllerType: 'lsilogic-sas',
        }),
      ],
      nics: [
        {
          key: 204,
          label: 'ethernet--7',
          macAddress: '00:0c:29:2a:33:38',
          adapterType: 'vmxnet3',
          portGroupMoid: 'dvportgroup-73',
          networkName: 'pg-app',
          addressType: null,
          connected: true,
        },
        expect.objectContaining({
          adapterType: 'e1000e',
          portGroupMoid: 'dvportgroup-75',
          networkName: 'pg-db',
        }),
        expect.objectContaining({
          adapterType: 'vmxnet3',
          macAddress: '00:50:56:aa:bb:cc',
          addressType: 'manual',
          portGroupMoid: 'network-7',
          networkName: 'VM Network',
        }),
      ],
    });

    const db01 = vm(inventory, 'db01');
    expect(db01).toMatchObject({
      firmware: 'efi',
      changeTrackingEnabled: false,
      clusterMoid: 'clustercomputeresource-27',
    });
    expect(db01.disks.map((d) => [d.controllerType, d.capacityBytes])).toEqual([
      ['buslogic', 10 * 1024 ** 3],
      ['ide', 1024 ** 3],
    ]);
    // No network moref on this backing: resolved by deviceName within the VM's datacenter.
    expect(db01.nics.map((n) => [n.adapterType, n.portGroupMoid, n.networkName])).toEqual([
      ['e1000', 'network-76', 'std-pg'],
    ]);

    expect(vm(inventory, 'tmpl01')).toMatchObject({ template: true, hostMoid: 'host-21', clusterMoid: null });
    expect(vm(inventory, 'DC0_C0_RP0_VM0').nics[0]).toMatchObject({
      adapterType: 'e1000',
      portGroupMoid: 'dvportgroup-13',
      networkName: 'DC0_DVPG0',
    });

    // Partially readable VM: everything absent is null/default, nothing throws.
    expect(vm(inventory, 'partial01')).toEqual({
      moid: 'vm-9001',
      name: 'partial01',
      instanceUuid: null,
      biosUuid: null,
      guestId: null,
      guestFullName: null,
      numCpu: 0,
      memoryMB: 0,
      powerState: 'poweredOn',
      hostMoid: null,
      clusterMoid: null,
      datacenterMoid: null,
      firmware: null,
      hardwareVersion: null,
      changeTrackingEnabled: false,
      changeTrackingSupported: null,
      template: false,
      annotation: null,
      usedBytes: null,
      disks: [],
      nics: [],
    });
    expect(missing.map(([moid, m]) => [moid, m.path, m.faultType])).toEqual([
      ['vm-9001', 'config.hardware.device', 'NoPermission'],
      ['vm-9001', 'config.uuid', 'NoPermission'],
      ['vm-9001', 'runtime.host', 'NoPermission'],
    ]);
  });
});

describe('readInventory on the recorded vcsim response', () => {
  it('gives the same VMs as the vCenter-style variant, modulo the documented vcsim differences', async () => {
    const vcsim = await readInventory(new FixtureSession(objectsOf('retrieve-inventory.vcsim.xml')));
    const vcenter = await readInventory(new FixtureSession(objectsOf('retrieve-inventory.vcenter.xml')));
    const vcsimDatastore = vcsim.datastores[0]!.moid;
    expect(vcsimDatastore).toMatch(/@folder-5$/);
    const normalise = (v: VmInventory): VmInventory => ({
      ...v,
      changeTrackingSupported: null,
      // vcsim reports no summary.storage.committed.
      usedBytes: null,
      disks: v.disks.map((d) => ({
        ...d,
        datastoreMoid: d.datastoreMoid === vcsimDatastore ? 'datastore-15' : d.datastoreMoid,
      })),
    });
    expect(vcsim.vms.map(normalise)).toEqual(vcenter.vms.filter((v) => v.moid !== 'vm-9001').map(normalise));
    expect(vcsim.portGroups.find((p) => p.name === 'std-pg')).toMatchObject({
      vlanId: null,
      switchName: null,
    });
    expect(vcsim.datastores[0]).toMatchObject({ type: 'OTHER', datacenterMoid: 'datacenter-2' });
  });

  it('destroys the view and propagates the error when the retrieval fails', async () => {
    const session = new FixtureSession([], true);
    await expect(readInventory(session)).rejects.toBeInstanceOf(VSphereFaultError);
    expect(session.destroyed).toHaveLength(1);
  });
});

describe('readInventory through VimClient with paging', () => {
  let server: FakeVCenter | null = null;
  let client: VimClient | null = null;

  afterEach(async () => {
    await client?.close();
    await server?.stop();
  });

  it('reads two pages (token) and resolves references across pages', async () => {
    const handlers = defaultHandlers();
    handlers['RetrievePropertiesEx'] = () => ({ body: readFixture('retrieve-inventory-page1.vcenter.xml') });
    handlers['ContinueRetrievePropertiesEx'] = () => ({
      body: readFixture('retrieve-inventory-page2.vcenter.xml'),
    });
    server = new FakeVCenter(handlers);
    client = new VimClient({ url: await server.start() });
    await client.login('admin', 'S3cret!');
    const paged = await readInventory(client, { pageSize: 15 });
    expect(server.methods()).toEqual([
      'RetrieveServiceContent',
      'Login',
      'CreateContainerView',
      'RetrievePropertiesEx',
      'ContinueRetrievePropertiesEx',
      'DestroyView',
    ]);
    const unpaged = await readInventory(new FixtureSession(objectsOf('retrieve-inventory.vcenter.xml')));
    expect(paged).toEqual(unpaged);
  });
});
