import { describe, expect, it } from '@jest/globals';
import {
  buildDeviceUuids,
  dracutPolicy,
  driverPresence,
  fstabDeviceEntries,
  initramfsToolsPolicy,
  parseColonPairs,
} from '../../../src/providers/conversion/guest-inspector.js';

describe('guest inspection helpers', () => {
  it('parses guestfish key: value output', () => {
    expect(parseColonPairs('/: /dev/sda1\n/boot: /dev/sda2\n')).toEqual([
      ['/', '/dev/sda1'],
      ['/boot', '/dev/sda2'],
    ]);
    expect(parseColonPairs('/dev/sda1: ext4\n/dev/sda2: swap\n')).toEqual([
      ['/dev/sda1', 'ext4'],
      ['/dev/sda2', 'swap'],
    ]);
  });

  it('finds virtio drivers as modules (any compression) or built into the kernel', () => {
    const dep =
      'kernel/drivers/block/virtio_blk.ko.xz: kernel/drivers/virtio/virtio.ko.xz\n' +
      'kernel/drivers/net/virtio_net.ko: kernel/net/core/failover.ko\n';
    const builtin = 'kernel/drivers/virtio/virtio_pci.ko\nkernel/drivers/virtio/virtio.ko\n';
    expect(driverPresence('virtio_blk', dep, builtin)).toBe('module');
    expect(driverPresence('virtio_net', dep, builtin)).toBe('module');
    expect(driverPresence('virtio_pci', dep, builtin)).toBe('builtin');
    expect(driverPresence('virtio_scsi', dep, builtin)).toBe('missing');
  });

  it('knows which initramfs-tools settings carry virtio_blk', () => {
    expect(initramfsToolsPolicy(['MODULES=most\nBUSYBOX=auto\n'], '').includesVirtio).toBe(true);
    expect(initramfsToolsPolicy([''], '').policy).toBe('most');
    expect(initramfsToolsPolicy(['MODULES=most\n', 'MODULES=dep\n'], '# list\n').includesVirtio).toBe(false);
    expect(initramfsToolsPolicy(['MODULES=dep\n'], 'virtio_pci\nvirtio_blk\n')).toEqual({
      policy: 'dep',
      listedModules: ['virtio_pci', 'virtio_blk'],
      includesVirtio: true,
    });
  });

  it('treats dracut host-only images as lacking virtio unless configured', () => {
    expect(dracutPolicy(['']).includesVirtio).toBe(false);
    expect(dracutPolicy(['hostonly="no"\n'])).toEqual({
      policy: 'generic',
      listedModules: [],
      includesVirtio: true,
    });
    expect(dracutPolicy(['add_drivers+=" virtio_blk virtio_net "\n']).includesVirtio).toBe(true);
  });

  it('maps fstab device names to UUIDs through libguestfs mountpoints, swap by position', () => {
    const fstab =
      '/dev/sda1 /boot ext4 defaults 0 2\n/dev/sdb1 / ext4 defaults 0 1\n/dev/sdb5 none swap sw 0 0\n';
    expect(fstabDeviceEntries(fstab).map((e) => e.device)).toEqual(['/dev/sda1', '/dev/sdb1', '/dev/sdb5']);
    const uuids = buildDeviceUuids(
      [
        { device: '/dev/sda1', type: 'ext4', uuid: 'root-uuid' },
        { device: '/dev/sda2', type: 'ext4', uuid: 'boot-uuid' },
        { device: '/dev/sdb5', type: 'swap', uuid: 'swap-uuid' },
      ],
      // The guest's disk order differs from the appliance's: libguestfs resolved it.
      { '/': '/dev/sda1', '/boot': '/dev/sda2' },
      fstab,
    );
    expect(uuids).toEqual({
      '/dev/sda1': 'boot-uuid',
      '/dev/sda2': 'boot-uuid',
      '/dev/sdb1': 'root-uuid',
      '/dev/sdb5': 'swap-uuid',
    });
  });
});
