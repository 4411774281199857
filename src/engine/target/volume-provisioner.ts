// Cinder volumes of a migration: found by deterministic name + ffo_migration metadata, else created, then
// waited for. Boot volumes get the image properties Nova reads when it boots from a volume.
import { ErrorCode } from '../../errors/error-codes.js';
import { FfoError } from '../../errors/ffo-error.js';
import type { OpenStackApi } from '../../providers/openstack/openstack-client.js';
import type { CinderVolume } from '../../providers/openstack/openstack-wire-types.js';
import { MIGRATION_KEY, type OwnedMetadata } from './target-ownership.js';
import { pollUntil, type WaitOptions } from './wait-for.js';

export interface EnsureVolumeSpec {
  name: string;
  sizeGB: number;
  /** Volume type name or id; null/absent: the cloud's default type. */
  volumeType?: string | null;
  description?: string;
  metadata: OwnedMetadata;
  /** Create from this Glance image (Cinder copies the bytes). */
  imageRef?: string;
  availabilityZone?: string;
}

export interface EnsureVolumeOptions extends Partial<WaitOptions> {
  /** Error code when the volume ends in `error`. Default TRANSFER_FAILED. */
  failureCode?: ErrorCode;
}

export interface EnsuredVolume {
  volume: CinderVolume;
  /** False when an earlier attempt's volume was found and reused. */
  created: boolean;
}

const DEFAULT_TIMEOUT_MS = 30 * 60_000; // create-from-image copies the whole image

/** Finds the migration's volume by name and owner, or creates it; waits until it is `available`. */
export async function ensureVolume(
  client: OpenStackApi,
  spec: EnsureVolumeSpec,
  options: EnsureVolumeOptions = {},
): Promise<EnsuredVolume> {
  options.signal?.throwIfAborted();
  const existing = await findVolume(client, spec.name, spec.metadata[MIGRATION_KEY]);
  let volume: CinderVolume;
  let created = false;
  if (existing !== null) {
    volume = existing;
    if (volume.size !== undefined && volume.size < spec.sizeGB)
      throw new FfoError(
        ErrorCode.OPENSTACK_CONFLICT,
        `Volume ${spec.name} (${volume.id}) of an earlier attempt has ${volume.size} GB, ${spec.sizeGB} GB are needed`,
        { details: { volumeId: volume.id, size: volume.size, wanted: spec.sizeGB } },
      );
  } else {
    volume = await client.createVolume({
      name: spec.name,
      size: spec.sizeGB,
      metadata: spec.metadata,
      ...(spec.volumeType != null ? { volume_type: spec.volumeType } : {}),
      ...(spec.description !== undefined ? { description: spec.description } : {}),
      ...(spec.imageRef !== undefined ? { imageRef: spec.imageRef } : {}),
      ...(spec.availabilityZone !== undefined ? { availability_zone: spec.availabilityZone } : {}),
    });
    created = true;
  }
  // An earlier attempt's volume may be in-use by our own writer attachment: that is fine too.
  const ready = await waitForVolumeStatus(client, volume.id, ['available', 'in-use'], {
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    ...(options.intervalMs !== undefined ? { intervalMs: options.intervalMs } : {}),
    ...(options.signal !== undefined ? { signal: options.signal } : {}),
    ...(options.failureCode !== undefined ? { failureCode: options.failureCode } : {}),
  });
  return { volume: ready, created };
}

/** The migration's volume named `name` (the oldest if a race made two), or null. */
export async function findVolume(
  client: OpenStackApi,
  name: string,
  migrationId: string,
): Promise<CinderVolume | null> {
  // Cinder's name filter is exact; the owner check keeps a user's same-named volume out.
  const found = (await client.listVolumes({ query: { name } })).filter(
    (v) => v.name === name && v.metadata?.[MIGRATION_KEY] === migrationId && v.status !== 'deleting',
  );
  found.sort((a, b) => (a.created_at ?? '').localeCompare(b.created_at ?? ''));
  return found[0] ?? null;
}

/**
 * Polls the volume until its status is one of `wanted`. `error*` states end the wait with `failureCode`
 * (default TRANSFER_FAILED) and Cinder's user messages for the volume in the details.
 */
export async function waitForVolumeStatus(
  client: OpenStackApi,
  volumeId: string,
  wanted: readonly string[],
  options: WaitOptions & { failureCode?: ErrorCode },
): Promise<CinderVolume> {
  return pollUntil<CinderVolume>(
    async () => {
      const volume = await client.getVolume(volumeId);
      const status = volume.status ?? 'unknown';
      if (wanted.includes(status)) return { done: true, value: volume };
      if (status.startsWith('error')) {
        const messages = await volumeMessages(client, volumeId);
        throw new FfoError(
          options.failureCode ?? ErrorCode.TRANSFER_FAILED,
          `Volume ${volume.name ?? volumeId} went to ${status}${messages.length > 0 ? `: ${messages.join('; ')}` : ''}`,
          { details: { volumeId, status, messages } },
        );
      }
      return { done: false, state: status };
    },
    options,
    (state) =>
      new FfoError(
        ErrorCode.TRANSFER_FAILED,
        `Volume ${volumeId} is still ${state ?? 'unknown'} after ${Math.round(options.timeoutMs / 1000)} s (waiting for ${wanted.join('/')})`,
        { retryable: true, details: { volumeId, status: state, wanted } },
      ),
  );
}

/** Cinder's user-facing messages about a volume (why a create failed), best effort. */
async function volumeMessages(client: OpenStackApi, volumeId: string): Promise<string[]> {
  try {
    const r = await client.request<{ messages?: { user_message?: string }[] }>(
      'block-storage',
      'GET',
      '/messages',
      {
        query: { resource_uuid: volumeId },
      },
    );
    return (r.body?.messages ?? []).map((m) => m.user_message ?? '').filter((m) => m !== '');
  } catch {
    return [];
  }
}

/** Image properties of a boot volume (Nova reads them from volume_image_metadata). */
export interface BootImageMetadata {
  hw_disk_bus: 'virtio' | 'scsi' | 'sata' | 'ide';
  hw_vif_model: 'virtio' | 'e1000' | 'e1000e' | 'vmxnet3' | 'rtl8139';
  hw_firmware_type: 'bios' | 'uefi';
  hw_machine_type?: string;
  hw_scsi_model?: string;
  os_type?: string;
  os_distro?: string;
  [property: string]: string | undefined;
}

/** Marks the volume bootable and sets the properties Nova needs to boot it right. */
export async function setBootable(
  client: OpenStackApi,
  volumeId: string,
  imageMetadata: BootImageMetadata,
): Promise<void> {
  await client.setVolumeBootable(volumeId, true);
  const metadata: Record<string, string> = {};
  for (const [k, v] of Object.entries(imageMetadata)) if (v !== undefined) metadata[k] = v;
  await client.setVolumeImageMetadata(volumeId, metadata);
}
