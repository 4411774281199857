import { describe, expect, it } from '@jest/globals';
import { UnsupportedBlockAttacher } from '../../../src/engine/target/block-attacher.js';
import { interpretConnectionInfo } from '../../../src/engine/target/connection-info.js';
import { parseNfsMounts } from '../../../src/engine/target/nfs-mounts.js';
import { caught } from './helpers.js';

// Samples shaped like Zed's drivers answer them (cinder/volume/drivers/{nfs,lvm+iscsi,rbd}.py, FC zoning drivers).
const NFS = {
  driver_volume_type: 'nfs',
  data: {
    export: '127.0.0.1:/cinder',
    name: 'volume-2b1f5a52-1c61-4a86-9c3e-4a0c7f0e9a11',
    options: null,
    format: 'raw',
    access_mode: 'rw',
  },
  mount_point_base: '/var/lib/cinder/mnt',
};
const ISCSI = {
  driver_volume_type: 'iscsi',
  data: {
    target_discovered: false,
    target_portal: '10.0.0.5:3260',
    target_iqn: 'iqn.2010-10.org.openstack:volume-2b1f5a52',
    target_lun: 1,
    volume_id: '2b1f5a52',
    auth_method: 'CHAP',
    auth_username: 'ffo',
    auth_password: 'not-logged',
    encrypted: false,
  },
};
const ISCSI_MULTIPATH = {
  driver_volume_type: 'iSCSI',
  data: {
    target_portals: ['10.0.0.5:3260', '10.0.1.5:3260'],
    target_iqns: ['iqn.a', 'iqn.b'],
    target_luns: [3, 3],
    target_portal: '10.0.0.5:3260',
    target_iqn: 'iqn.a',
    target_lun: 3,
  },
};
const RBD = {
  driver_volume_type: 'rbd',
  data: {
    name: 'volumes/volume-2b1f5a52',
    hosts: ['10.0.0.11', '10.0.0.12'],
    ports: ['6789', '6789'],
    cluster_name: 'ceph',
    auth_enabled: true,
    auth_username: 'cinder',
    secret_type: 'ceph',
    secret_uuid: 'b7e2c0de-0000-4000-8000-000000000000',
    volume_id: '2b1f5a52',
    discard: true,
  },
};
const FC = {
  driver_volume_type: 'fibre_channel',
  data: { target_wwn: ['500A0982991B8DC5', '500A0982891B8DC5'], target_lun: '2', target_discovered: false },
};

describe('connection_info interpretation', () => {
  it('nfs: export, file name and format', () => {
    expect(interpretConnectionInfo(NFS)).toEqual({
      kind: 'nfs',
      export: '127.0.0.1:/cinder',
      name: 'volume-2b1f5a52-1c61-4a86-9c3e-4a0c7f0e9a11',
      format: 'raw',
    });
  });

  it('nfs as the attachments API answers it (data flattened into connection_info)', () => {
    const flattened = { ...NFS.data, driver_volume_type: 'nfs', attachment_id: 'a1', mount_point_base: '/x' };
    expect(interpretConnectionInfo(flattened)).toMatchObject({
      kind: 'nfs',
      export: '127.0.0.1:/cinder',
      format: 'raw',
    });
  });

  it('iscsi: single path with CHAP (no password kept) and the udev by-path device', () => {
    const target = interpretConnectionInfo(ISCSI);
    expect(target).toEqual({
      kind: 'iscsi',
      targets: [{ portal: '10.0.0.5:3260', iqn: 'iqn.2010-10.org.openstack:volume-2b1f5a52', lun: 1 }],
      auth: { method: 'CHAP', username: 'ffo' },
      devicePath: '/dev/disk/by-path/ip-10.0.0.5:3260-iscsi-iqn.2010-10.org.openstack:volume-2b1f5a52-lun-1',
    });
    expect(JSON.stringify(target)).not.toContain('not-logged');
  });

  it('iscsi: multipath lists every path (driver type is case-insensitive)', () => {
    const target = interpretConnectionInfo(ISCSI_MULTIPATH);
    expect(target).toMatchObject({
      kind: 'iscsi',
      targets: [
        { portal: '10.0.0.5:3260', iqn: 'iqn.a', lun: 3 },
        { portal: '10.0.1.5:3260', iqn: 'iqn.b', lun: 3 },
      ],
      auth: null,
    });
  });

  it('rbd: pool/image, monitors with ports, user and krbd device', () => {
    expect(interpretConnectionInfo(RBD)).toEqual({
      kind: 'rbd',
      pool: 'volumes',
      image: 'volume-2b1f5a52',
      monitors: ['10.0.0.11:6789', '10.0.0.12:6789'],
      user: 'cinder',
      clusterName: 'ceph',
      devicePath: '/dev/rbd/volumes/volume-2b1f5a52',
    });
  });

  it('fibre_channel: lower-case WWNs, numeric LUN, by-path patterns', () => {
    expect(interpretConnectionInfo(FC)).toEqual({
      kind: 'fibre_channel',
      targetWwns: ['500a0982991b8dc5', '500a0982891b8dc5'],
      lun: 2,
      devicePathPattern: [
        '/dev/disk/by-path/pci-*-fc-0x500a0982991b8dc5-lun-2',
        '/dev/disk/by-path/pci-*-fc-0x500a0982891b8dc5-lun-2',
      ],
    });
  });

  it.each([
    [{ driver_volume_type: 'scaleio', data: { scaleIO_volname: 'x' } }, 'scaleio'],
    [{ data: NFS.data }, null],
    [{ driver_volume_type: 'nfs', data: { export: '127.0.0.1:/cinder' } }, 'nfs'],
    [{ driver_volume_type: 'rbd', data: { name: 'no-pool' } }, 'rbd'],
    [{ driver_volume_type: 'iscsi', data: { target_portal: '1.2.3.4:3260' } }, 'iscsi'],
    [null, null],
  ])('refuses %j with TARGET_BACKEND_UNSUPPORTED', async (info, type) => {
    const error = await caught(Promise.resolve().then(() => interpretConnectionInfo(info)));
    expect(error).toMatchObject({ code: 'TARGET_BACKEND_UNSUPPORTED', details: { driverVolumeType: type } });
  });

  it('the default block attacher refuses with a message naming the device it would use', async () => {
    const target = interpretConnectionInfo(ISCSI);
    if (target.kind === 'nfs') throw new Error('expected a block target');
    const error = (await caught(new UnsupportedBlockAttacher().attach(target))) as Error;
    expect(error).toMatchObject({
      code: 'TARGET_BACKEND_UNSUPPORTED',
      details: { driverVolumeType: 'iscsi' },
    });
    expect(error.message).toContain('ip-10.0.0.5:3260-iscsi-');
  });
});

describe('FFO_NFS_MOUNTS', () => {
  it('parses export=dir pairs (exports contain ":"; trailing slashes do not matter)', () => {
    expect(parseNfsMounts('127.0.0.1:/cinder=/srv/share/, 10.0.0.5:/vol/a/=/mnt/a')).toEqual(
      new Map([
        ['127.0.0.1:/cinder', '/srv/share'],
        ['10.0.0.5:/vol/a', '/mnt/a'],
      ]),
    );
    expect(parseNfsMounts(undefined).size).toBe(0);
    expect(parseNfsMounts('')).toEqual(new Map());
  });

  it('rejects an entry without a directory', () => {
    expect(() => parseNfsMounts('127.0.0.1:/cinder')).toThrow(/export=dir/);
    expect(() => parseNfsMounts('127.0.0.1:/cinder=')).toThrow(/export=dir/);
  });
});
