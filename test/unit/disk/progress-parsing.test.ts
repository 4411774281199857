import { parseDumpConfig, parseToolVersion } from '../../../src/providers/disk/disk-tools.js';
import { parseContentRange } from '../../../src/providers/disk/http-range-download.js';
import { parseNbdcopyProgress } from '../../../src/providers/disk/nbdcopy.js';
import { parseQemuImgInfo, parseQemuImgProgress } from '../../../src/providers/disk/qemu-img.js';

describe('progress lines', () => {
  it('reads nbdcopy --progress=FD lines', () => {
    expect(parseNbdcopyProgress('0/100')).toBe(0);
    expect(parseNbdcopyProgress('42/100')).toBe(42);
    expect(parseNbdcopyProgress('100/100')).toBe(100);
    expect(parseNbdcopyProgress('101/100')).toBeNull();
    expect(parseNbdcopyProgress('nbdcopy: error')).toBeNull();
    expect(parseNbdcopyProgress('')).toBeNull();
  });

  it('reads qemu-img convert -p lines', () => {
    expect(parseQemuImgProgress('    (12.00/100%)')).toBe(12);
    expect(parseQemuImgProgress('    (100.00/100%)')).toBe(100);
    expect(parseQemuImgProgress('(3.12/100%)')).toBe(3.12);
    expect(parseQemuImgProgress('qemu-img: Could not open')).toBeNull();
  });
});

describe('Content-Range', () => {
  it('parses full, unknown-total and unsatisfied forms', () => {
    expect(parseContentRange('bytes 0-99/1000')).toEqual({ start: 0, end: 99, total: 1000 });
    expect(parseContentRange('bytes 100-199/*')).toEqual({ start: 100, end: 199, total: null });
    expect(parseContentRange('bytes */1000')).toEqual({ start: null, total: 1000 });
    expect(parseContentRange(null)).toBeNull();
    expect(parseContentRange('items 0-1/2')).toBeNull();
  });
});

describe('tool versions and config', () => {
  it('finds versions in the tools own --version output', () => {
    expect(parseToolVersion('nbdkit 1.32.5\n', 'nbdkit')).toBe('1.32.5');
    expect(parseToolVersion('nbdcopy 1.14.2\nlibnbd 1.14.2\n', 'nbdcopy')).toBe('1.14.2');
    expect(
      parseToolVersion('qemu-img version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)\nCopyright', 'qemu-img'),
    ).toBe('7.2.22');
    expect(parseToolVersion('virt-v2v 2.2.0\n', 'virt-v2v')).toBe('2.2.0');
    expect(parseToolVersion('something else', 'nbdkit')).toBeNull();
  });

  it('parses nbdkit --dump-config', () => {
    expect(parseDumpConfig('binary=/usr/bin/nbdkit\nplugindir=/usr/lib/x/plugins\nversion=1.32.5\n')).toEqual(
      {
        binary: '/usr/bin/nbdkit',
        plugindir: '/usr/lib/x/plugins',
        version: '1.32.5',
      },
    );
  });
});

describe('qemu-img info JSON', () => {
  it('maps the fields the engine needs', () => {
    const info = parseQemuImgInfo(
      JSON.stringify({
        'virtual-size': 67108864,
        filename: 'c.qcow2',
        'cluster-size': 65536,
        format: 'qcow2',
        'actual-size': 200704,
        'dirty-flag': false,
      }),
    );
    expect(info).toMatchObject({
      virtualSize: 67108864,
      format: 'qcow2',
      actualSize: 200704,
      clusterSize: 65536,
      backingFilename: null,
      dirty: false,
    });
  });

  it('refuses output that is not qemu-img info', () => {
    expect(() => parseQemuImgInfo('not json')).toThrow(/JSON/);
    expect(() => parseQemuImgInfo('{"format":"raw"}')).toThrow(/virtual-size/);
  });
});
