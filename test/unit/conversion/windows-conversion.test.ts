import { describe, expect, it } from '@jest/globals';
import {
  buildWindowsConversion,
  macIpOption,
  staticIpFirstbootCommand,
} from '../../../src/providers/conversion/windows-conversion.js';
import { refusal } from '../support/refusal.js';

const v22 = new Set(['--machine-readable', '--mac', '--root']);
const newer = new Set([
  '--machine-readable',
  '--mac',
  '--block-driver',
  '--firstboot',
  '--firstboot-command',
]);

describe('Windows conversion arguments', () => {
  it('refuses with CONVERSION_FAILED when no virtio-win is configured', () => {
    for (const virtioWin of [undefined, null, '', '  ']) {
      const error = refusal(() =>
        buildWindowsConversion({ disks: ['/v/w.raw'], virtioWin, supportedOptions: v22 }),
      );
      expect(error.code).toBe('CONVERSION_FAILED');
      expect(error.message).toMatch(/virtio-win/);
      expect(error.details.missing).toBe('VIRTIO_WIN');
    }
  });

  it('passes VIRTIO_WIN and virtio-blk on a virt-v2v that has --block-driver', () => {
    const built = buildWindowsConversion({
      disks: ['/v/w.raw'],
      virtioWin: '/srv/virtio-win.iso',
      supportedOptions: newer,
    });
    expect(built.command).toBe('virt-v2v-in-place');
    expect(built.env).toEqual({ VIRTIO_WIN: '/srv/virtio-win.iso' });
    expect(built.args).toEqual([
      '--machine-readable',
      '-i',
      'disk',
      '-if',
      'raw',
      '--block-driver',
      'virtio-blk',
      '/v/w.raw',
    ]);
  });

  it('re-applies static IPs with --mac ...:ip: and needs the rhsrvany directory for it', () => {
    const ip = {
      mac: '00:50:56:AA:BB:01',
      address: '10.0.0.5',
      gateway: '10.0.0.1',
      prefixLength: 24,
      nameservers: ['10.0.0.2'],
    };
    expect(
      refusal(() =>
        buildWindowsConversion({
          disks: ['/v/w.raw'],
          virtioWin: '/d',
          staticIps: [ip],
          supportedOptions: v22,
        }),
      ).details.missing,
    ).toBe('VIRT_TOOLS_DATA_DIR');
    const built = buildWindowsConversion({
      disks: ['/v/w.raw'],
      virtioWin: '/d',
      virtToolsDataDir: '/srv/virt-tools',
      staticIps: [ip],
      supportedOptions: v22,
    });
    expect(built.args).toEqual([
      '--machine-readable',
      '-i',
      'disk',
      '-if',
      'raw',
      '--mac',
      '00:50:56:aa:bb:01:ip:10.0.0.5,10.0.0.1,24,10.0.0.2',
      '/v/w.raw',
    ]);
    expect(built.env).toEqual({ VIRTIO_WIN: '/d', VIRT_TOOLS_DATA_DIR: '/srv/virt-tools' });
  });

  it('formats --mac ip options with empty placeholders and validates addresses', () => {
    expect(macIpOption({ mac: '00:50:56:aa:bb:01', address: '10.0.0.5' })).toBe(
      '00:50:56:aa:bb:01:ip:10.0.0.5',
    );
    expect(macIpOption({ mac: '00:50:56:aa:bb:01', address: '10.0.0.5', nameservers: ['1.1.1.1'] })).toBe(
      '00:50:56:aa:bb:01:ip:10.0.0.5,,,1.1.1.1',
    );
    expect(refusal(() => macIpOption({ mac: '00:50:56:aa:bb:01', address: '10.0.0.300' })).code).toBe(
      'CONVERSION_FAILED',
    );
    expect(refusal(() => macIpOption({ mac: 'zz', address: '10.0.0.3' })).code).toBe('CONVERSION_FAILED');
  });

  it('adds --firstboot and --firstboot-command where supported, and refuses them on 2.2', () => {
    const input = {
      disks: ['/v/w.raw'],
      virtioWin: '/d',
      virtToolsDataDir: '/t',
      firstbootScripts: ['/s/join-domain.ps1'],
      firstbootCommands: ['ipconfig /registerdns'],
    };
    const built = buildWindowsConversion({ ...input, supportedOptions: newer });
    expect(built.args.slice(5, -1)).toEqual([
      '--block-driver',
      'virtio-blk',
      '--firstboot',
      '/s/join-domain.ps1',
      '--firstboot-command',
      'ipconfig /registerdns',
    ]);
    const error = refusal(() => buildWindowsConversion({ ...input, supportedOptions: v22 }));
    expect(error.code).toBe('CONVERSION_FAILED');
    expect(error.message).toMatch(/--firstboot/);
  });

  it('falls back to a first-boot command when --mac ...:ip: is unavailable', () => {
    const ip = {
      mac: '00:50:56:aa:bb:01',
      address: '192.168.1.20',
      gateway: '192.168.1.1',
      prefixLength: 23,
    };
    const built = buildWindowsConversion({
      disks: ['/v/w.raw'],
      virtioWin: '/d',
      virtToolsDataDir: '/t',
      staticIps: [ip],
      supportedOptions: new Set(['--firstboot-command']),
    });
    expect(built.args).toContain('--firstboot-command');
    const command = staticIpFirstbootCommand(ip);
    expect(command).toContain("'00:50:56:AA:BB:01'");
    expect(command).toContain('static 192.168.1.20 255.255.254.0 192.168.1.1');
  });
});
