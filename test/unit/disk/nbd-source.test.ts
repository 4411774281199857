import { isFfoError } from '../../../src/errors/ffo-error.js';
import { nbdkitSourceArgs, nbdkitTargetArgs } from '../../../src/providers/disk/nbd-source.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return isFfoError(error) ? error.code : 'not-ffo';
  }
  return undefined;
}

describe('nbdkitSourceArgs', () => {
  it('builds a read-only curl source with cookie file, CA and TLS options', () => {
    expect(
      nbdkitSourceArgs({
        kind: 'http',
        url: 'https://esx.example/folder/vm/vm-flat.vmdk?dcPath=DC0&dsName=ds1',
        cookieFile: '/run/ffo/cookie',
        caFile: '/etc/ffo/ca.pem',
      }),
    ).toEqual([
      '-r',
      'curl',
      'url=https://esx.example/folder/vm/vm-flat.vmdk?dcPath=DC0&dsName=ds1',
      'cookie=+/run/ffo/cookie',
      'cainfo=/etc/ffo/ca.pem',
    ]);
    expect(nbdkitSourceArgs({ kind: 'http', url: 'https://esx/x', insecure: true })).toEqual([
      '-r',
      'curl',
      'url=https://esx/x',
      'sslverify=false',
    ]);
  });

  it('puts filters before the plugin and their parameters after it; the rate is in bits', () => {
    expect(
      nbdkitSourceArgs(
        { kind: 'file', path: '/d/src.raw' },
        { extentListFile: '/w/extents.txt', rateBytesPerSecond: 1_000_000 },
      ),
    ).toEqual([
      '-r',
      '--filter=extentlist',
      '--filter=rate',
      'file',
      'file=/d/src.raw',
      'extentlist=/w/extents.txt',
      'rate=8000000',
    ]);
  });

  it('builds VDDK arguments with the password as a file and the moref form of vm=', () => {
    const args = nbdkitSourceArgs({
      kind: 'vddk',
      libdir: '/opt/vmware-vix-disklib-distrib',
      server: 'vcenter.example',
      user: 'administrator@vsphere.local',
      passwordFile: '/run/ffo/vc-password',
      thumbprint: 'AA:BB:CC',
      vmMoref: 'vm-42',
      snapshotMoref: 'snapshot-7',
      file: '[datastore1] web/web.vmdk',
      transports: 'nbdssl:nbd',
    });
    expect(args).toEqual([
      '-r',
      'vddk',
      'libdir=/opt/vmware-vix-disklib-distrib',
      'server=vcenter.example',
      'user=administrator@vsphere.local',
      'password=+/run/ffo/vc-password',
      'thumbprint=AA:BB:CC',
      'vm=moref=vm-42',
      'snapshot=snapshot-7',
      'transports=nbdssl:nbd',
      'file=[datastore1] web/web.vmdk',
    ]);
    expect(
      nbdkitSourceArgs({
        kind: 'vddk',
        libdir: '/l',
        server: 's',
        user: 'u',
        passwordFile: '/p',
        thumbprint: 't',
        vmMoref: 'moref=vm-1',
        file: '[ds] a.vmdk',
      }),
    ).toContain('vm=moref=vm-1');
  });

  it('never puts a secret into argv', () => {
    const secretCookie = 'vmware_soap_session="52a01262-secret"';
    const password = 'hunter2-secret';
    const http = nbdkitSourceArgs({ kind: 'http', url: 'https://esx/x', cookieFile: '/run/c' });
    const vddk = nbdkitSourceArgs({
      kind: 'vddk',
      libdir: '/l',
      server: 's',
      user: 'u',
      passwordFile: '/run/p',
      thumbprint: 't',
      vmMoref: 'vm-1',
      file: 'f',
    });
    for (const arg of [...http, ...vddk]) {
      expect(arg).not.toContain(secretCookie);
      expect(arg).not.toContain(password);
    }
    expect(http.filter((a) => a.startsWith('cookie='))).toEqual(['cookie=+/run/c']);
    expect(vddk.filter((a) => a.startsWith('password='))).toEqual(['password=+/run/p']);
    // Credentials embedded in a URL are refused rather than shown in the process list.
    expect(codeOf(() => nbdkitSourceArgs({ kind: 'http', url: 'https://root:pw@esx/x' }))).toBe('BAD_INPUT');
  });

  it('refuses missing VDDK fields, non-http URLs and bad rates', () => {
    expect(
      codeOf(() =>
        nbdkitSourceArgs({
          kind: 'vddk',
          libdir: '/l',
          server: 's',
          user: 'u',
          passwordFile: '',
          thumbprint: 't',
          vmMoref: 'vm-1',
          file: 'f',
        }),
      ),
    ).toBe('BAD_INPUT');
    expect(codeOf(() => nbdkitSourceArgs({ kind: 'http', url: 'ftp://esx/x' }))).toBe('BAD_INPUT');
    expect(codeOf(() => nbdkitSourceArgs({ kind: 'http', url: 'not a url' }))).toBe('BAD_INPUT');
    expect(codeOf(() => nbdkitSourceArgs({ kind: 'file', path: '/x' }, { rateBytesPerSecond: 0 }))).toBe(
      'BAD_INPUT',
    );
  });
});

describe('nbdkitTargetArgs', () => {
  it('serves files and block devices writable through the file plugin', () => {
    expect(nbdkitTargetArgs({ kind: 'file', path: '/t/disk.raw' })).toEqual(['file', 'file=/t/disk.raw']);
    expect(nbdkitTargetArgs({ kind: 'block', device: '/dev/sdb' })).toEqual(['file', 'file=/dev/sdb']);
    expect(nbdkitTargetArgs({ kind: 'block', device: '/dev/sdb' })).not.toContain('-r');
  });
});
