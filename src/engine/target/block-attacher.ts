// Attaching a block-protocol volume (iSCSI, RBD, FC) to the conversion host, as os-brick does for Nova.
// This needs host tooling (iscsiadm, rbd, multipath) and privileges the conversion host may lack, so it is a
// seam: the default implementation refuses with TARGET_BACKEND_UNSUPPORTED and names what would be needed.
import { ErrorCode } from '../../errors/error-codes.js';
import { FfoError } from '../../errors/ffo-error.js';
import type { FibreChannelConnection, IscsiConnection, RbdConnection } from './connection-info.js';

export type BlockConnection = IscsiConnection | RbdConnection | FibreChannelConnection;

export interface AttachedBlockDevice {
  /** e.g. /dev/sdb, /dev/rbd0, /dev/dm-3 */
  device: string;
  /** Logs out / unmaps; idempotent. */
  detach(): Promise<void>;
}

export interface BlockAttacher {
  attach(connection: BlockConnection, options?: { signal?: AbortSignal }): Promise<AttachedBlockDevice>;
}

/** What a conversion host without a block attach capability does: a clear refusal. */
export class UnsupportedBlockAttacher implements BlockAttacher {
  attach(connection: BlockConnection): Promise<AttachedBlockDevice> {
    const where =
      connection.kind === 'iscsi'
        ? ` (would log in to ${connection.targets[0]!.portal} ${connection.targets[0]!.iqn} and use ${connection.devicePath})`
        : connection.kind === 'rbd'
          ? ` (would map ${connection.pool}/${connection.image} to ${connection.devicePath})`
          : ` (would scan for ${connection.devicePathPattern.join(', ')})`;
    return Promise.reject(
      new FfoError(
        ErrorCode.TARGET_BACKEND_UNSUPPORTED,
        `Writing to ${connection.kind} volumes needs a block attach on the conversion host, which this host does not offer${where}; use an NFS backend or the Glance import pipeline`,
        { details: { driverVolumeType: connection.kind } },
      ),
    );
  }
}
