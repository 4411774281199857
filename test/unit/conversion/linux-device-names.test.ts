import { describe, expect, it } from '@jest/globals';
import { isFfoError } from '../../../src/errors/ffo-error.js';
import {
  applianceDeviceName,
  findDeviceNames,
  findNicNames,
  networkLinkFile,
  networkLinkFileName,
  rewriteDefaultGrub,
  rewriteFstab,
  rewriteKernelCmdlineDevices,
} from '../../../src/providers/conversion/linux-device-names.js';

const ROOT = '0b5c1d8e-2f4a-4c1e-9a57-1f0e4d2c3b6a';
const SWAP = '7d3e8f21-55aa-4b0c-8e11-9c2b7a6d5e40';
const uuids = { '/dev/sda1': ROOT, '/dev/sda5': SWAP };

describe('fstab device names', () => {
  it('replaces /dev/sdXN and /dev/hdXN first fields, keeping spacing, options and comments', () => {
    const fstab =
      '# /etc/fstab: static file system information.\n' +
      '/dev/sda1\t/\text4\terrors=remount-ro 0 1\n' +
      '  /dev/hda5   none  swap  sw  0 0\n' +
      'proc /proc proc defaults 0 0\n' +
      '# /dev/sda1 was on /dev/sda1 during installation\n';
    const out = rewriteFstab(fstab, uuids);
    expect(out.text).toBe(
      '# /etc/fstab: static file system information.\n' +
        `UUID=${ROOT}\t/\text4\terrors=remount-ro 0 1\n` +
        `  UUID=${SWAP}   none  swap  sw  0 0\n` +
        'proc /proc proc defaults 0 0\n' +
        '# /dev/sda1 was on /dev/sda1 during installation\n',
    );
    expect(out.changes).toEqual([
      { from: '/dev/sda1', to: `UUID=${ROOT}` },
      { from: '/dev/hda5', to: `UUID=${SWAP}` },
    ]);
    expect(out.unresolved).toEqual([]);
  });

  it('leaves UUID=, LABEL= and /dev/mapper entries alone and reports names without a UUID', () => {
    const fstab = `UUID=${ROOT} / ext4 defaults 0 1\nLABEL=data /data xfs defaults 0 2\n/dev/mapper/vg-lv /srv ext4 defaults 0 2\n/dev/sdb1 /mnt ext4 defaults 0 2\n`;
    const out = rewriteFstab(fstab, uuids);
    expect(out.text).toBe(fstab);
    expect(out.changes).toEqual([]);
    expect(out.unresolved).toEqual(['/dev/sdb1']);
  });

  it('rewrites the /dev/vdXN names a full virt-v2v conversion leaves behind', () => {
    expect(rewriteFstab('/dev/vda1 / ext4 errors=remount-ro 0 1\n', uuids).text).toBe(
      `UUID=${ROOT} / ext4 errors=remount-ro 0 1\n`,
    );
  });
});

describe('kernel command line device names', () => {
  const grubCfg =
    '\tsearch --no-floppy --fs-uuid --set=root 0b5c1d8e\n' +
    "\techo\t'Loading Linux 6.1.0-50-amd64 ...'\n" +
    '\tlinux\t/boot/vmlinuz-6.1.0-50-amd64 root=/dev/sda1 ro console=ttyS0,115200 resume=/dev/sda5\n' +
    "menuentry 'Debian GNU/Linux, with Linux 6.1.0-50-amd64 (recovery mode)' {\n" +
    '\tlinux\t/boot/vmlinuz-6.1.0-50-amd64 root=/dev/sda1 ro single\n';

  it('turns root= and resume= into UUID= on every linux line', () => {
    const out = rewriteKernelCmdlineDevices(grubCfg, uuids);
    expect(out.text).toBe(
      grubCfg
        .replaceAll('root=/dev/sda1', `root=UUID=${ROOT}`)
        .replace('resume=/dev/sda5', `resume=UUID=${SWAP}`),
    );
    expect(out.changes).toHaveLength(3);
  });

  it('does not touch a longer name that only starts like a device (root=/dev/sda10)', () => {
    const out = rewriteKernelCmdlineDevices('linux /vmlinuz root=/dev/sda10 ro\n', uuids);
    expect(out.text).toBe('linux /vmlinuz root=/dev/sda10 ro\n');
    expect(out.unresolved).toEqual(['/dev/sda10']);
  });

  it("gives a root= the conversion appliance named (root=/dev/sdb1 on a one-disk guest) the guest's root UUID", () => {
    // What virt-v2v-in-place left in grub.cfg on a lab run: it regenerated the file with the disk second.
    const cfg =
      'linux /vmlinuz root=/dev/sdb1 ro resume=/dev/sdb5\nlinux /vmlinuz root=/dev/sdb1 ro single\n';
    const withRoot = rewriteKernelCmdlineDevices(cfg, uuids, ROOT);
    expect(withRoot.text).toBe(
      `linux /vmlinuz root=UUID=${ROOT} ro resume=/dev/sdb5\nlinux /vmlinuz root=UUID=${ROOT} ro single\n`,
    );
    expect(withRoot.changes).toEqual([
      { from: 'root=/dev/sdb1', to: `root=UUID=${ROOT}` },
      { from: 'root=/dev/sdb1', to: `root=UUID=${ROOT}` },
    ]);
    // resume= may name any swap: without a known UUID it is reported, never guessed.
    expect(withRoot.unresolved).toEqual(['/dev/sdb5']);
    // Known names keep their own UUID; without a root UUID nothing is guessed.
    expect(rewriteKernelCmdlineDevices('root=/dev/sda5', uuids, ROOT).text).toBe(`root=UUID=${SWAP}`);
    expect(rewriteKernelCmdlineDevices(cfg, uuids).unresolved).toEqual(['/dev/sdb1', '/dev/sdb5']);
    const grub = rewriteDefaultGrub('GRUB_CMDLINE_LINUX="root=/dev/sdb1"\n', uuids, ROOT);
    expect(grub.text).toBe(`GRUB_CMDLINE_LINUX="root=UUID=${ROOT}"\n`);
  });

  it('rewrites /etc/default/grub and comments out GRUB_DISABLE_LINUX_UUID=true', () => {
    const text =
      'GRUB_DEFAULT=0\nGRUB_CMDLINE_LINUX="console=ttyS0,115200 root=/dev/sda1"\nGRUB_DISABLE_LINUX_UUID=true\nGRUB_TERMINAL=serial\n';
    const out = rewriteDefaultGrub(text, uuids);
    expect(out.text).toContain(`GRUB_CMDLINE_LINUX="console=ttyS0,115200 root=UUID=${ROOT}"`);
    expect(out.text).not.toMatch(/^GRUB_DISABLE_LINUX_UUID=true/m);
    expect(out.text).toMatch(/^# GRUB_DISABLE_LINUX_UUID=true {2}# disabled by FFO/m);
    expect(out.text).toContain('GRUB_TERMINAL=serial\n');
    expect(out.changes).toHaveLength(2);
  });

  it('keeps GRUB_DISABLE_LINUX_UUID=false', () => {
    expect(rewriteDefaultGrub('GRUB_DISABLE_LINUX_UUID=false\n', uuids).text).toBe(
      'GRUB_DISABLE_LINUX_UUID=false\n',
    );
  });
});

describe('device name helpers', () => {
  it('finds bus-dependent device names but not by-uuid paths or mapper devices', () => {
    expect(
      findDeviceNames('root=/dev/sda1 /dev/disk/by-uuid/x /dev/mapper/vg /dev/hdb2 /dev/nvme0n1p2 /dev/sda1'),
    ).toEqual(['/dev/sda1', '/dev/hdb2', '/dev/nvme0n1p2']);
  });

  it('maps guest names to the appliance names of the same position', () => {
    expect(applianceDeviceName('/dev/hda1')).toBe('/dev/sda1');
    expect(applianceDeviceName('/dev/vdb')).toBe('/dev/sdb');
    expect(applianceDeviceName('/dev/xvdc3')).toBe('/dev/sdc3');
    expect(applianceDeviceName('/dev/nvme0n1p2')).toBe('/dev/sda2');
    expect(applianceDeviceName('/dev/nvme1n1')).toBe('/dev/sdb');
    expect(applianceDeviceName('/dev/mapper/root')).toBeUndefined();
  });
});

describe('NIC name pinning', () => {
  it('writes a .link file matching the MAC and naming the interface', () => {
    const pin = { mac: '00:50:56:AB:CD:EF', name: 'ens192' };
    expect(networkLinkFileName(pin)).toBe('10-ffo-ens192.link');
    const text = networkLinkFile(pin);
    expect(text).toMatch(/^\[Match\]\nMACAddress=00:50:56:ab:cd:ef\n\n\[Link\]\nName=ens192\n$/m);
  });

  it('rejects malformed MACs and names that could escape the directory', () => {
    for (const pin of [
      { mac: '00:50:56:ab:cd', name: 'ens192' },
      { mac: '00:50:56:ab:cd:ef', name: '../../etc/passwd' },
      { mac: '00:50:56:ab:cd:ef', name: 'a-name-longer-than-15' },
    ]) {
      let error: unknown;
      try {
        networkLinkFile(pin);
      } catch (e) {
        error = e;
      }
      expect(isFfoError(error) && error.code).toBe('BAD_INPUT');
    }
  });

  it('finds NIC names in ifupdown, netplan, ifcfg, NetworkManager and networkd files', () => {
    const interfaces =
      'source /etc/network/interfaces.d/*\nauto lo\niface lo inet loopback\n# vmxnet3\nallow-hotplug ens192\niface ens192 inet dhcp\nauto ens224 ens256\n';
    expect(findNicNames('/etc/network/interfaces', interfaces)).toEqual(['ens192', 'ens224', 'ens256']);
    const netplan =
      'network:\n  version: 2\n  ethernets:\n    ens160:\n      dhcp4: true\n      match:\n        name: x\n    ens192:\n      addresses: [10.0.0.5/24]\n  bridges:\n    br0:\n      interfaces: [ens160]\n';
    expect(findNicNames('/etc/netplan/50-cloud-init.yaml', netplan)).toEqual(['ens160', 'ens192']);
    expect(
      findNicNames('/etc/sysconfig/network-scripts/ifcfg-ens192', 'DEVICE="ens192"\nBOOTPROTO=dhcp\n'),
    ).toEqual(['ens192']);
    expect(
      findNicNames(
        '/etc/NetworkManager/system-connections/Wired.nmconnection',
        '[connection]\ninterface-name=ens33\n',
      ),
    ).toEqual(['ens33']);
    expect(findNicNames('/etc/systemd/network/10-lan.network', '[Match]\nName=ens192 en*\n')).toEqual([
      'ens192',
    ]);
  });
});
