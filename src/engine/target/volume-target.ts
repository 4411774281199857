// A Cinder volume opened for writing by the conversion host (pipeline A: disk bytes go straight into the
// volume). The host attaches itself the way Nova's compute would: a Cinder attachment with this host's
// connector, then the connection_info tells where the bytes go: a file on an NFS export this host mounts, or a
// block device (os-brick style attach, behind BlockAttacher). release() deletes the attachment so the volume
// is `available` again for Nova to boot from.
import { stat } from 'node:fs/promises';
import { hostname, networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { ErrorCode } from '../../errors/error-codes.js';
import { FfoError } from '../../errors/ffo-error.js';
import { isOpenStackNotFound } from '../../errors/openstack-errors.js';
import type { OpenStackApi } from '../../providers/openstack/openstack-client.js';
import type { CinderAttachment } from '../../providers/openstack/openstack-wire-types.js';
import { UnsupportedBlockAttacher, type AttachedBlockDevice, type BlockAttacher } from './block-attacher.js';
import { interpretConnectionInfo } from './connection-info.js';
import { normalizeExport } from './nfs-mounts.js';
import { waitForVolumeStatus } from './volume-provisioner.js';

export type VolumeAccess = { kind: 'file'; path: string } | { kind: 'block'; device: string };

export interface WritableVolume {
  volumeId: string;
  attachmentId: string;
  /** How a disk writer reaches it. */
  access: VolumeAccess;
  /** Size of the volume in bytes (what the writer may fill). */
  sizeBytes: number;
  /** Detaches (block), deletes the attachment and waits until the volume is `available`. Idempotent. */
  release(): Promise<void>;
}

/** os-brick's connector properties of the host that attaches (what Cinder's initialize_connection gets). */
export interface HostConnector {
  host: string;
  ip: string;
  initiator?: string;
  platform: string;
  os_type: string;
  multipath: boolean;
  do_local_attach: boolean;
  [property: string]: unknown;
}

export interface AttachForWritingOptions {
  /** NFS export (as in connection_info, `host:/path`) -> local directory where this host mounts it. */
  nfsMounts: Map<string, string>;
  blockAttacher?: BlockAttacher;
  signal?: AbortSignal;
  /** Wait for the volume's status changes (attach, release). Default 120 s. */
  timeoutMs?: number;
  intervalMs?: number;
}

/** The connector of this host (override any field, e.g. the iSCSI initiator name). */
export function conversionHostConnector(overrides: Partial<HostConnector> = {}): HostConnector {
  return {
    host: hostname(),
    ip: firstIpv4(),
    platform: process.arch === 'arm64' ? 'aarch64' : 'x86_64',
    os_type: 'linux',
    multipath: false,
    do_local_attach: false,
    ...overrides,
  };
}

/**
 * Attaches `volumeId` to this host for writing. A retry reuses an attachment of ours left by an earlier attempt
 * (one without an instance: Nova's always name their server) instead of adding another.
 */
export async function attachForWriting(
  client: OpenStackApi,
  volumeId: string,
  connector: HostConnector,
  options: AttachForWritingOptions,
): Promise<WritableVolume> {
  const waits = {
    timeoutMs: options.timeoutMs ?? 120_000,
    ...(options.intervalMs !== undefined ? { intervalMs: options.intervalMs } : {}),
    ...(options.signal !== undefined ? { signal: options.signal } : {}),
  };
  const volume = await client.getVolume(volumeId);
  let attachment = await findHostAttachment(client, volumeId);
  if (attachment !== null && !hasConnectionInfo(attachment)) {
    // Reserved without a connector by a crashed attempt: useless to us; start over.
    await deleteAttachmentIfPresent(client, attachment.id);
    attachment = null;
  }
  if (attachment === null) {
    const status = volume.status ?? 'unknown';
    if (status !== 'available')
      throw new FfoError(
        ErrorCode.TRANSFER_FAILED,
        `Volume ${volumeId} is ${status}, not available: it cannot be attached for writing`,
        { details: { volumeId, status } },
      );
    attachment = await client.createAttachment({ volume_uuid: volumeId, connector, mode: 'rw' });
    if (!hasConnectionInfo(attachment)) attachment = await client.getAttachment(attachment.id);
  }
  const attachmentId = attachment.id;
  const target = interpretConnectionInfo(attachment.connection_info);
  const sizeBytes = (volume.size ?? 0) * 1024 ** 3;
  let access: VolumeAccess;
  let device: AttachedBlockDevice | null = null;
  try {
    if (target.kind === 'nfs') {
      access = {
        kind: 'file',
        path: await nfsVolumePath(target.export, target.name, options.nfsMounts, sizeBytes),
      };
      if (target.format !== 'raw')
        throw new FfoError(
          ErrorCode.TARGET_BACKEND_UNSUPPORTED,
          `Volume ${volumeId} is a ${target.format} file on its NFS share; only raw volume files can be written`,
          { details: { volumeId, format: target.format } },
        );
    } else {
      const attacher = options.blockAttacher ?? new UnsupportedBlockAttacher();
      device = await attacher.attach(target, options.signal ? { signal: options.signal } : {});
      access = { kind: 'block', device: device.device };
    }
    // The host now uses the volume: mark it in-use so nothing else (a user, Nova) grabs it meanwhile.
    if (attachment.status !== 'attached') await client.completeAttachment(attachmentId);
  } catch (error) {
    await device?.detach().catch(() => undefined);
    await deleteAttachmentIfPresent(client, attachmentId).catch(() => undefined);
    throw error;
  }
  let released = false;
  return {
    volumeId,
    attachmentId,
    access,
    sizeBytes,
    release: async () => {
      if (released) return;
      await device?.detach();
      await deleteAttachmentIfPresent(client, attachmentId);
      await waitForVolumeStatus(client, volumeId, ['available'], waits);
      released = true;
    },
  };
}

/** Our (instance-less) attachment of the volume, if an earlier attempt left one. */
export async function findHostAttachment(
  client: OpenStackApi,
  volumeId: string,
): Promise<CinderAttachment | null> {
  const attachments = await client.listAttachments({ query: { volume_id: volumeId } });
  const ours = attachments.filter(
    (a) => (a.volume_id === undefined || a.volume_id === volumeId) && (a.instance ?? null) === null,
  );
  for (const a of ours) {
    // List entries carry no connection_info; the detail does.
    const full = await client.getAttachment(a.id).catch((e: unknown) => {
      if (isOpenStackNotFound(e)) return null;
      throw e;
    });
    if (full !== null) return full;
  }
  return null;
}

async function deleteAttachmentIfPresent(client: OpenStackApi, attachmentId: string): Promise<void> {
  try {
    await client.deleteAttachment(attachmentId);
  } catch (error) {
    if (!isOpenStackNotFound(error)) throw error;
  }
}

function hasConnectionInfo(a: CinderAttachment): boolean {
  return (
    typeof a.connection_info === 'object' &&
    a.connection_info !== null &&
    'driver_volume_type' in a.connection_info
  );
}

/** `<local dir of the export>/<file>`, checked to exist with the volume's size. */
export async function nfsVolumePath(
  exp: string,
  name: string,
  mounts: Map<string, string>,
  expectedBytes: number,
): Promise<string> {
  const wanted = normalizeExport(exp);
  let dir: string | undefined;
  for (const [e, d] of mounts) if (normalizeExport(e) === wanted) dir = d;
  if (dir === undefined)
    throw new FfoError(
      ErrorCode.TARGET_BACKEND_UNSUPPORTED,
      `The volume lives on NFS export ${exp}, which this host does not mount (set FFO_NFS_MOUNTS=${exp}=<dir>)`,
      { details: { export: exp, known: [...mounts.keys()] } },
    );
  if (name.includes('/') || name === '..')
    throw new FfoError(ErrorCode.TARGET_BACKEND_UNSUPPORTED, `Unexpected NFS volume file name "${name}"`);
  const path = join(dir, name);
  const info = await stat(path).catch(() => null);
  if (info === null || !info.isFile())
    throw new FfoError(
      ErrorCode.TRANSFER_FAILED,
      `The volume file ${path} does not exist: is ${exp} really mounted at ${dir}?`,
      { details: { path, export: exp } },
    );
  if (expectedBytes > 0 && info.size !== expectedBytes)
    throw new FfoError(
      ErrorCode.TRANSFER_FAILED,
      `The volume file ${path} has ${info.size} bytes, the volume ${expectedBytes}: not the volume Cinder attached`,
      { details: { path, size: info.size, expected: expectedBytes } },
    );
  return path;
}

function firstIpv4(): string {
  for (const addresses of Object.values(networkInterfaces())) {
    for (const a of addresses ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return '127.0.0.1';
}
