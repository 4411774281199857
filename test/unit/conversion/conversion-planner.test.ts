import { describe, expect, it } from '@jest/globals';
import { planConversion } from '../../../src/providers/conversion/conversion-planner.js';
import type { GuestInspection, KernelInspection } from '../../../src/providers/conversion/guest-inspector.js';

const kernel = (over: Partial<KernelInspection> = {}): KernelInspection => ({
  version: '6.1.0-50-amd64',
  virtioBlk: 'module',
  virtioNet: 'module',
  virtioPci: 'module',
  hasInitramfs: true,
  ...over,
});

/** What inspection reports for the lab's VMware-like Debian 12 guest. */
function debian(over: Partial<GuestInspection> = {}): GuestInspection {
  return {
    osType: 'linux',
    distro: 'debian',
    majorVersion: 12,
    minorVersion: 0,
    productName: 'Debian GNU/Linux 12 (bookworm)',
    root: '/dev/sda1',
    hostname: 'ffo-guest',
    packageFormat: 'deb',
    mountpoints: { '/': '/dev/sda1' },
    filesystems: [{ device: '/dev/sda1', type: 'ext4', uuid: 'u-1' }],
    deviceUuids: { '/dev/sda1': 'u-1' },
    fstab: '/dev/sda1 / ext4 errors=remount-ro 0 1\n',
    fstabDeviceNames: ['/dev/sda1'],
    grubConfigPath: '/boot/grub/grub.cfg',
    grubConfigs: [{ path: '/boot/grub/grub.cfg', deviceNames: ['/dev/sda1'] }],
    grubReferencesDeviceNames: true,
    defaultGrub: 'GRUB_DISABLE_LINUX_UUID=true\n',
    kernels: [kernel()],
    initramfs: { tool: 'initramfs-tools', policy: 'most', listedModules: [], includesVirtio: true },
    virtioDrivers: true,
    networkConfigs: [{ path: '/etc/network/interfaces', interfaces: ['ens192'] }],
    nicNames: ['ens192'],
    durationMs: 1,
    ...over,
  };
}

describe('conversion planner', () => {
  it('takes the minimal path for Debian 12 with virtio drivers and device names', () => {
    const plan = planConversion(debian({ nicNames: [] }));
    expect(plan).toEqual({
      path: 'minimal',
      reason: 'debian 12 with virtio drivers → minimal path: fstab and grub device names only',
    });
    expect(planConversion(debian(), { firmware: 'bios' }).reason).toBe(
      'debian 12 with virtio drivers → minimal path: fstab and grub device names, NIC names ens192 pinned by MAC only, bios firmware',
    );
  });

  it('needs no conversion when boot config uses UUIDs and no NIC names are configured', () => {
    const plan = planConversion(
      debian({ fstabDeviceNames: [], grubReferencesDeviceNames: false, nicNames: [], networkConfigs: [] }),
    );
    expect(plan.path).toBe('none');
  });

  it('runs the full conversion when a kernel lacks virtio or the initramfs is host-only', () => {
    const noModule = planConversion(
      debian({ virtioDrivers: false, kernels: [kernel({ virtioBlk: 'missing' })] }),
    );
    expect(noModule.path).toBe('full');
    expect(noModule.reason).toMatch(/virtio_blk \(6\.1\.0-50-amd64\)/);
    const hostOnly = planConversion(
      debian({
        distro: 'rhel',
        majorVersion: 9,
        minorVersion: 2,
        virtioDrivers: false,
        initramfs: { tool: 'dracut', policy: 'hostonly', listedModules: [], includesVirtio: false },
      }),
    );
    expect(hostOnly).toEqual({
      path: 'full',
      reason:
        'rhel 9.2: the dracut initramfs (hostonly) does not carry virtio_blk → full virt-v2v conversion',
    });
  });

  it('runs the full conversion without a GRUB 2 config and for other OS types', () => {
    expect(planConversion(debian({ grubConfigPath: null, grubConfigs: [] })).path).toBe('full');
    expect(planConversion(debian({ osType: 'freebsd', distro: 'freebsd' })).path).toBe('full');
  });

  it('sends Windows to the Windows conversion, also when only the guestId says so', () => {
    expect(
      planConversion(debian({ osType: 'windows', productName: 'Windows Server 2019 Standard' })).path,
    ).toBe('windows');
    expect(planConversion(null, { guestId: 'windows2019srv_64Guest' }).path).toBe('windows');
  });

  it('falls back to the full conversion when inspection found nothing', () => {
    const plan = planConversion(debian({ osType: 'unknown' }), { guestId: 'otherLinux64Guest' });
    expect(plan.path).toBe('full');
    expect(plan.reason).toMatch(/otherLinux64Guest/);
  });
});
