import { copyExtents } from '../../providers/disk/nbdcopy.js';
import { nbdkitSourceArgs, nbdkitTargetArgs } from '../../providers/disk/nbd-source.js';
import type { CopyRequest, DiskCopier } from './disk-copier.js';

/**
 * Pipeline A: nbdkit (curl plugin over the datastore HTTP access, or VDDK) with an extent list, nbdcopy with
 * `-S 0 --destination-is-zero --flush`, into an nbdkit `file` server on the target volume (never a plain file
 * path: nbdcopy would truncate it).
 */
export class NbdDiskCopier implements DiskCopier {
  constructor(private readonly rateBytesPerSecond: number | null = null) {}

  async copy(request: CopyRequest): Promise<{ bytesCopied: number; seconds: number }> {
    const source = nbdkitSourceArgs(request.source, {
      ...(this.rateBytesPerSecond ? { rateBytesPerSecond: this.rateBytesPerSecond } : {}),
    });
    const target = nbdkitTargetArgs(
      request.target.kind === 'file'
        ? { kind: 'file', path: request.target.path }
        : { kind: 'block', device: request.target.device },
    );
    return copyExtents({
      source,
      target,
      extents: request.extents,
      sizeBytes: request.disk.capacityBytes,
      onProgress: request.onBytes,
      signal: request.signal,
      workDir: request.workDir,
    });
  }
}
