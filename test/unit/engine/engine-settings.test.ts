import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadEngineSettings } from '../../../src/engine/engine-settings.js';
import { ErrorCode } from '../../../src/errors/index.js';
import { refusal } from '../support/refusal.js';

describe('loadEngineSettings', () => {
  it('uses the defaults for an empty environment', () => {
    expect(loadEngineSettings({})).toEqual({
      workDir: join(tmpdir(), 'ffo-engine'),
      nfsMounts: new Map(),
      chunkBytes: 1024 * 1024 * 1024,
      rateBytesPerSecond: null,
      vddkLibdir: null,
      diskParallelism: 4,
      shutdownTimeoutMs: 120_000,
      launchTimeoutMs: 600_000,
      volumeTimeoutMs: 600_000,
      jobLockMs: 30_000,
    });
  });

  it('treats empty variables as unset', () => {
    expect(
      loadEngineSettings({
        FFO_ENGINE_WORK_DIR: '',
        FFO_NFS_MOUNTS: '',
        FFO_COPY_CHUNK_BYTES: '',
        FFO_TRANSFER_RATE_LIMIT: '',
        FFO_VDDK_LIBDIR: '',
        FFO_DISK_PARALLELISM: '',
      }),
    ).toEqual(loadEngineSettings({}));
  });

  it('reads every variable, converting seconds to milliseconds', () => {
    expect(
      loadEngineSettings({
        FFO_ENGINE_WORK_DIR: '/var/lib/ffo',
        FFO_COPY_CHUNK_BYTES: '67108864',
        FFO_TRANSFER_RATE_LIMIT: '1048576',
        FFO_VDDK_LIBDIR: '/opt/vmware-vix-disklib-distrib',
        FFO_DISK_PARALLELISM: '2',
        FFO_SHUTDOWN_TIMEOUT_S: '30',
        FFO_LAUNCH_TIMEOUT_S: '90',
        FFO_VOLUME_TIMEOUT_S: '45',
        FFO_JOB_LOCK_MS: '5000',
      }),
    ).toEqual({
      workDir: '/var/lib/ffo',
      nfsMounts: new Map(),
      chunkBytes: 67_108_864,
      rateBytesPerSecond: 1_048_576,
      vddkLibdir: '/opt/vmware-vix-disklib-distrib',
      diskParallelism: 2,
      shutdownTimeoutMs: 30_000,
      launchTimeoutMs: 90_000,
      volumeTimeoutMs: 45_000,
      jobLockMs: 5000,
    });
  });

  it('parses FFO_NFS_MOUNTS: export=dir pairs, trailing slashes removed, blanks skipped', () => {
    const settings = loadEngineSettings({
      FFO_NFS_MOUNTS: ' 10.0.0.5:/cinder/=/mnt/cinder/ ,, nfs.lab:/exports/vol=/srv/nfs ',
    });
    expect([...settings.nfsMounts.entries()]).toEqual([
      ['10.0.0.5:/cinder', '/mnt/cinder'],
      ['nfs.lab:/exports/vol', '/srv/nfs'],
    ]);
  });

  it('splits an NFS entry at its last "="', () => {
    expect([...loadEngineSettings({ FFO_NFS_MOUNTS: 'a=b=/mnt/x' }).nfsMounts.entries()]).toEqual([
      ['a=b', '/mnt/x'],
    ]);
  });

  it.each(['10.0.0.5:/cinder', '=/mnt/cinder', '10.0.0.5:/cinder=', 'ok:/a=/a,broken'])(
    'refuses FFO_NFS_MOUNTS %p with CONFIG_INVALID',
    (value) => {
      const error = refusal(() => loadEngineSettings({ FFO_NFS_MOUNTS: value }));
      expect(error.code).toBe(ErrorCode.CONFIG_INVALID);
      expect(error.message).toMatch(/^FFO_NFS_MOUNTS entry ".+" is not export=dir$/);
    },
  );

  it.each([
    ['FFO_COPY_CHUNK_BYTES', 'lots'],
    ['FFO_COPY_CHUNK_BYTES', '0'],
    ['FFO_TRANSFER_RATE_LIMIT', '-1'],
    ['FFO_TRANSFER_RATE_LIMIT', 'fast'],
    ['FFO_DISK_PARALLELISM', 'Infinity'],
    ['FFO_SHUTDOWN_TIMEOUT_S', '2m'],
    ['FFO_LAUNCH_TIMEOUT_S', '-600'],
    ['FFO_VOLUME_TIMEOUT_S', 'NaN'],
    ['FFO_JOB_LOCK_MS', '0'],
  ])('refuses %s=%p with CONFIG_INVALID naming the variable', (name, value) => {
    const error = refusal(() => loadEngineSettings({ [name]: value }));
    expect(error.code).toBe(ErrorCode.CONFIG_INVALID);
    expect(error.message).toBe(`${name} must be a positive number`);
  });
});
