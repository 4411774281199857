import { describe, expect, it } from '@jest/globals';
import {
  mapVmDevices,
  resolveNicPortGroups,
  type PortGroupResolver,
} from '../../../src/providers/vsphere/device-mapping.js';
import { parseRetrieveResult } from '../../../src/providers/vsphere/retrieve-result.js';
import { parseSoapResponse } from '../../../src/providers/vsphere/soap-response-parser.js';
import type { XmlValue } from '../../../src/providers/vsphere/xml-tree.js';

/** A config.hardware.device value in real vCenter style (xsi prefix on the Envelope). */
function deviceArray(devices: string): XmlValue {
  const xml =
    '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" ' +
    'xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>' +
    '<RetrievePropertiesExResponse xmlns="urn:vim25"><returnval><objects><obj type="VirtualMachine">vm-1</obj>' +
    `<propSet><name>config.hardware.device</name><val xsi:type="ArrayOfVirtualDevice">${devices}</val></propSet>` +
    '</objects></returnval></RetrievePropertiesExResponse></soapenv:Body></soapenv:Envelope>';
  return parseRetrieveResult(parseSoapResponse(xml, 'RetrievePropertiesEx')).objects[0]!.propSet[0]!.val;
}

const controller = (type: string, key: number): string =>
  `<VirtualDevice xsi:type="${type}"><key>${key}</key><deviceInfo><label>${type} ${key}</label><summary>s</summary></deviceInfo><busNumber>0</busNumber></VirtualDevice>`;

const disk = (key: number, controllerKey: number, extra = '', backing = ''): string =>
  `<VirtualDevice xsi:type="VirtualDisk"><key>${key}</key><deviceInfo><label>Hard disk ${key}</label><summary>x</summary></deviceInfo>` +
  (backing ||
    '<backing xsi:type="VirtualDiskFlatVer2BackingInfo"><fileName>[ds1] vm/vm.vmdk</fileName>' +
      '<datastore type="Datastore">datastore-15</datastore><diskMode>persistent</diskMode>' +
      '<thinProvisioned>true</thinProvisioned><eagerlyScrub>false</eagerlyScrub><changeId>52 aa/7</changeId></backing>') +
  `<controllerKey>${controllerKey}</controllerKey><unitNumber>0</unitNumber>${extra}</VirtualDevice>`;

const nic = (type: string, key: number, backing: string): string =>
  `<VirtualDevice xsi:type="${type}"><key>${key}</key><deviceInfo><label>Network adapter ${key}</label><summary>x</summary></deviceInfo>` +
  `${backing}<connectable><startConnected>true</startConnected><allowGuestControl>true</allowGuestControl><connected>true</connected></connectable>` +
  `<controllerKey>100</controllerKey><unitNumber>7</unitNumber><addressType>assigned</addressType><macAddress>00:50:56:00:00:${key % 100}</macAddress></VirtualDevice>`;

const resolver: PortGroupResolver = {
  distributed: (uuid, key) =>
    uuid === 'dvs-uuid-1' && key === 'dvportgroup-13' ? { moid: 'dvportgroup-13', name: 'pg-app' } : null,
  standard: (moid, name) =>
    moid === 'network-7' || name === 'VM Network' ? { moid: 'network-7', name: 'VM Network' } : null,
};

describe('disk controller mapping', () => {
  it.each([
    ['ParaVirtualSCSIController', 'pvscsi'],
    ['VirtualLsiLogicController', 'lsilogic'],
    ['VirtualLsiLogicSASController', 'lsilogic-sas'],
    ['VirtualBusLogicController', 'buslogic'],
    ['VirtualIDEController', 'ide'],
    ['VirtualAHCIController', 'sata'],
    ['VirtualNVMEController', 'nvme'],
    ['VirtualSomethingNewController', 'unknown'],
  ])('%s -> %s', (type, expected) => {
    const { disks } = mapVmDevices(deviceArray(controller(type, 1000) + disk(2000, 1000)));
    expect(disks[0]!.controllerType).toBe(expected);
  });

  it('resolves the controller even when it follows the disk in the array', () => {
    const { disks } = mapVmDevices(
      deviceArray(disk(2000, 1000) + controller('ParaVirtualSCSIController', 1000)),
    );
    expect(disks[0]!.controllerType).toBe('pvscsi');
  });
});

describe('disk mapping', () => {
  it('maps a flat disk', () => {
    const { disks } = mapVmDevices(
      deviceArray(
        controller('ParaVirtualSCSIController', 1000) + disk(2000, 1000, '<capacityInKB>1024</capacityInKB>'),
      ),
    );
    expect(disks).toEqual([
      {
        key: 2000,
        label: 'Hard disk 2000',
        fileName: '[ds1] vm/vm.vmdk',
        datastoreMoid: 'datastore-15',
        capacityBytes: 1048576,
        thinProvisioned: true,
        eagerlyScrub: false,
        diskMode: 'persistent',
        controllerKey: 1000,
        controllerType: 'pvscsi',
        unitNumber: 0,
        changeId: '52 aa/7',
        rdm: false,
        sharing: null,
      },
    ]);
  });

  it('prefers capacityInBytes when > 0 and falls back to capacityInKB * 1024 when it is 0', () => {
    const withBytes = mapVmDevices(
      deviceArray(
        disk(1, 9, '<capacityInKB>1</capacityInKB><capacityInBytes>5000000000000</capacityInBytes>'),
      ),
    );
    expect(withBytes.disks[0]!.capacityBytes).toBe(5_000_000_000_000);
    const zeroBytes = mapVmDevices(
      deviceArray(disk(1, 9, '<capacityInKB>20971520</capacityInKB><capacityInBytes>0</capacityInBytes>')),
    );
    expect(zeroBytes.disks[0]!.capacityBytes).toBe(20971520 * 1024);
    expect(mapVmDevices(deviceArray(disk(1, 9))).disks[0]!.capacityBytes).toBe(0);
  });

  it('flags raw device mappings and multi-writer sharing', () => {
    const rdmBacking =
      '<backing xsi:type="VirtualDiskRawDiskMappingVer1BackingInfo"><fileName>[ds1] vm/rdm.vmdk</fileName>' +
      '<datastore type="Datastore">datastore-15</datastore><lunUuid>0200</lunUuid><deviceName>/vmfs/devices/disks/naa.1</deviceName>' +
      '<compatibilityMode>physicalMode</compatibilityMode><diskMode>independent_persistent</diskMode><sharing>sharingMultiWriter</sharing></backing>';
    const { disks } = mapVmDevices(
      deviceArray(disk(2001, 1000, '<capacityInKB>10</capacityInKB>', rdmBacking)),
    );
    expect(disks[0]).toMatchObject({
      rdm: true,
      sharing: 'sharingMultiWriter',
      thinProvisioned: false,
      diskMode: 'independent_persistent',
      changeId: null,
    });
  });

  it('survives disks with missing backing and fields', () => {
    const { disks } = mapVmDevices(
      deviceArray('<VirtualDevice xsi:type="VirtualDisk"><key>5</key></VirtualDevice>'),
    );
    expect(disks).toEqual([
      {
        key: 5,
        label: null,
        fileName: '',
        datastoreMoid: null,
        capacityBytes: 0,
        thinProvisioned: false,
        eagerlyScrub: false,
        diskMode: null,
        controllerKey: -1,
        controllerType: 'unknown',
        unitNumber: null,
        changeId: null,
        rdm: false,
        sharing: null,
      },
    ]);
  });
});

describe('NIC mapping', () => {
  const dvsBacking =
    '<backing xsi:type="VirtualEthernetCardDistributedVirtualPortBackingInfo"><port><switchUuid>dvs-uuid-1</switchUuid>' +
    '<portgroupKey>dvportgroup-13</portgroupKey><portKey>12</portKey></port></backing>';
  const stdBacking = (network = ''): string =>
    `<backing xsi:type="VirtualEthernetCardNetworkBackingInfo"><deviceName>VM Network</deviceName>${network}</backing>`;

  it.each([
    ['VirtualVmxnet3', 'vmxnet3'],
    ['VirtualE1000', 'e1000'],
    ['VirtualE1000e', 'e1000e'],
    ['VirtualVmxnet2', 'vmxnet2'],
    ['VirtualPCNet32', 'pcnet32'],
    ['VirtualSriovEthernetCard', 'sriov'],
    ['VirtualVmxnet3Vrdma', 'unknown'],
  ])('%s -> %s', (type, expected) => {
    const { nics } = mapVmDevices(deviceArray(nic(type, 4000, dvsBacking)));
    expect(nics).toHaveLength(1);
    expect(nics[0]!.adapterType).toBe(expected);
  });

  it('resolves a DVS backing to the distributed port group', () => {
    const devices = mapVmDevices(deviceArray(nic('VirtualVmxnet3', 4000, dvsBacking)));
    expect(devices.nicBackings).toEqual([
      { kind: 'distributed', switchUuid: 'dvs-uuid-1', portgroupKey: 'dvportgroup-13' },
    ]);
    resolveNicPortGroups(devices, resolver);
    expect(devices.nics[0]).toEqual({
      key: 4000,
      label: 'Network adapter 4000',
      macAddress: '00:50:56:00:00:0',
      adapterType: 'vmxnet3',
      portGroupMoid: 'dvportgroup-13',
      networkName: 'pg-app',
      addressType: 'assigned',
      connected: true,
    });
  });

  it('resolves a standard backing by network moref, else by deviceName', () => {
    const devices = mapVmDevices(
      deviceArray(
        nic('VirtualE1000', 4001, stdBacking('<network type="Network">network-7</network>')) +
          nic('VirtualE1000e', 4002, stdBacking()),
      ),
    );
    expect(devices.nicBackings).toEqual([
      { kind: 'standard', networkMoid: 'network-7', deviceName: 'VM Network' },
      { kind: 'standard', networkMoid: null, deviceName: 'VM Network' },
    ]);
    resolveNicPortGroups(devices, resolver);
    expect(devices.nics.map((n) => [n.portGroupMoid, n.networkName])).toEqual([
      ['network-7', 'VM Network'],
      ['network-7', 'VM Network'],
    ]);
  });

  it('leaves unresolvable and opaque backings null', () => {
    const devices = mapVmDevices(
      deviceArray(
        nic(
          'VirtualVmxnet3',
          4003,
          '<backing xsi:type="VirtualEthernetCardDistributedVirtualPortBackingInfo"><port><switchUuid>other</switchUuid><portgroupKey>dvportgroup-99</portgroupKey></port></backing>',
        ) +
          nic(
            'VirtualVmxnet3',
            4004,
            '<backing xsi:type="VirtualEthernetCardOpaqueNetworkBackingInfo"><opaqueNetworkId>ls-1</opaqueNetworkId><opaqueNetworkType>nsx.LogicalSwitch</opaqueNetworkType></backing>',
          ) +
          nic('VirtualVmxnet3', 4005, ''),
      ),
    );
    resolveNicPortGroups(devices, resolver);
    expect(devices.nics.map((n) => [n.portGroupMoid, n.networkName])).toEqual([
      [null, null],
      [null, null],
      [null, null],
    ]);
  });

  it('ignores non-disk, non-NIC devices and tolerates an absent device list', () => {
    const devices = mapVmDevices(
      deviceArray(
        controller('VirtualPS2Controller', 300) +
          '<VirtualDevice xsi:type="VirtualKeyboard"><key>600</key><controllerKey>300</controllerKey></VirtualDevice>' +
          '<VirtualDevice xsi:type="VirtualCdrom"><key>3000</key><backing xsi:type="VirtualCdromRemotePassthroughBackingInfo"><deviceName></deviceName><exclusive>false</exclusive></backing></VirtualDevice>',
      ),
    );
    expect(devices).toEqual({ disks: [], nics: [], nicBackings: [] });
    expect(mapVmDevices(undefined)).toEqual({ disks: [], nics: [], nicBackings: [] });
    expect(mapVmDevices('')).toEqual({ disks: [], nics: [], nicBackings: [] });
  });
});
