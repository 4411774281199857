import type { NbdSourceSpec } from '../../providers/disk/nbd-source.js';
import type { VolumeAccess } from '../target/volume-target.js';
import type { Extent, PlannedDisk } from '../migration-types.js';

/** Where a disk's bytes are read from: the datastore file over HTTPS (lab, open source) or VDDK. */
export type DiskSource = Exclude<NbdSourceSpec, { kind: 'file' }>;

export interface CopyRequest {
  disk: PlannedDisk;
  source: DiskSource;
  target: VolumeAccess;
  /** Areas to copy; everything else of the target is left as it is. */
  extents: Extent[];
  /**
   * True when the target is known to be zero wherever the source is zero (a fresh volume and a full copy):
   * zero blocks may then be skipped. Delta rounds pass false so blocks rewritten to zeros are copied too.
   */
  targetIsFresh: boolean;
  onBytes(bytesDone: number): void;
  signal: AbortSignal;
  workDir: string;
}

/** Copies extents of one source disk into one writable target; the NBD pipeline implements it. */
export interface DiskCopier {
  copy(request: CopyRequest): Promise<{ bytesCopied: number; seconds: number }>;
}
