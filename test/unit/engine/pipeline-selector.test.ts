import { selectPipeline, type PipelineFacts } from '../../../src/engine/pipeline-selector.js';
import { ErrorCode } from '../../../src/errors/index.js';
import { refusal } from '../support/refusal.js';

/** This lab's host: nbdkit with the curl plugin, nbdcopy, qemu-img, no VDDK, the Cinder NFS export mounted. */
const labHost = (overrides: Partial<PipelineFacts> = {}): PipelineFacts => ({
  nbdkit: true,
  nbdkitCurlPlugin: true,
  nbdcopy: true,
  qemuImg: true,
  vddk: false,
  targetWritable: true,
  targetWritableReason: 'NFS export 10.0.0.5:/cinder mounted at /mnt/cinder',
  ...overrides,
});

describe('selectPipeline', () => {
  it('auto picks NBD over datastore HTTP when there is no VDDK', () => {
    const decision = selectPipeline('auto', 'cold', labHost());
    expect(decision).toEqual({
      pipeline: 'nbd',
      source: 'http',
      reason:
        'auto: NBD pipeline; no VDDK library → NBD over datastore HTTP (nbdkit curl); ' +
        'target NFS export 10.0.0.5:/cinder mounted at /mnt/cinder',
    });
    expect(decision.reason).toContain('no VDDK library → NBD over datastore HTTP');
  });

  it('uses the VDDK source when VDDK is configured, even without the curl plugin', () => {
    expect(selectPipeline('auto', 'warm', labHost({ vddk: true, nbdkitCurlPlugin: false }))).toEqual({
      pipeline: 'nbd',
      source: 'vddk',
      reason:
        'auto: NBD pipeline; VDDK library configured → nbdkit vddk; ' +
        'target NFS export 10.0.0.5:/cinder mounted at /mnt/cinder',
    });
  });

  it('says "requested" for an explicit NBD choice', () => {
    expect(selectPipeline('nbd', 'cold', labHost()).reason).toBe(
      'requested: NBD pipeline; no VDDK library → NBD over datastore HTTP (nbdkit curl); ' +
        'target NFS export 10.0.0.5:/cinder mounted at /mnt/cinder',
    );
  });

  it('auto falls back to HTTP when the target is not writable, naming why', () => {
    const facts = labHost({
      targetWritable: false,
      targetWritableReason: 'no FFO_NFS_MOUNTS entry for 10.0.0.5:/cinder',
    });
    expect(selectPipeline('auto', 'cold', facts)).toEqual({
      pipeline: 'http',
      source: null,
      reason: 'auto: HTTP pipeline because no FFO_NFS_MOUNTS entry for 10.0.0.5:/cinder',
    });
  });

  it('auto falls back to HTTP when nbdkit is missing, listing every NBD problem', () => {
    expect(selectPipeline('auto', 'cold', labHost({ nbdkit: false, nbdcopy: false }))).toEqual({
      pipeline: 'http',
      source: null,
      reason: 'auto: HTTP pipeline because nbdkit is not installed; nbdcopy is not installed',
    });
    expect(
      selectPipeline(
        'auto',
        'cold',
        labHost({ nbdkitCurlPlugin: false, targetWritable: false, targetWritableReason: 'x' }),
      ).reason,
    ).toBe('auto: HTTP pipeline because neither VDDK nor the nbdkit curl plugin is available; x');
  });

  it('an explicit HTTP choice takes HTTP even when NBD could run', () => {
    expect(selectPipeline('http', 'cold', labHost())).toEqual({
      pipeline: 'http',
      source: null,
      reason: 'requested: HTTP pipeline (datastore download, qemu-img, Glance, volume from image)',
    });
  });

  it('refuses an explicit NBD choice that cannot run with DISK_TOOL_MISSING', () => {
    const error = refusal(() => selectPipeline('nbd', 'cold', labHost({ nbdkit: false })));
    expect(error.code).toBe(ErrorCode.DISK_TOOL_MISSING);
    expect(error.message).toBe('the NBD pipeline cannot run here: nbdkit is not installed');
    expect(error.details).toEqual({ problems: ['nbdkit is not installed'] });
  });

  it('refuses a warm migration when NBD cannot run, instead of falling back to HTTP', () => {
    const facts = labHost({ targetWritable: false, targetWritableReason: 'export not mounted' });
    const error = refusal(() => selectPipeline('auto', 'warm', facts));
    expect(error.code).toBe(ErrorCode.DISK_TOOL_MISSING);
    expect(error.message).toBe(
      'a warm migration needs the NBD pipeline, which cannot run here: export not mounted',
    );
    expect(error.details).toEqual({ problems: ['export not mounted'] });
    // An explicit NBD choice is refused by the NBD check itself.
    expect(refusal(() => selectPipeline('nbd', 'warm', facts)).message).toBe(
      'the NBD pipeline cannot run here: export not mounted',
    );
  });

  it('the HTTP pipeline needs qemu-img', () => {
    const explicit = refusal(() => selectPipeline('http', 'cold', labHost({ qemuImg: false })));
    expect(explicit.code).toBe(ErrorCode.DISK_TOOL_MISSING);
    expect(explicit.message).toBe('the HTTP pipeline cannot run here: qemu-img is not installed');
    expect(explicit.details).toEqual({ problems: ['qemu-img is not installed'] });
    const fallback = refusal(() =>
      selectPipeline('auto', 'cold', labHost({ nbdcopy: false, qemuImg: false })),
    );
    expect(fallback.code).toBe(ErrorCode.DISK_TOOL_MISSING);
    expect(fallback.details).toEqual({ problems: ['qemu-img is not installed'] });
  });

  it('NBD does not need qemu-img', () => {
    expect(selectPipeline('auto', 'cold', labHost({ qemuImg: false })).pipeline).toBe('nbd');
  });
});
