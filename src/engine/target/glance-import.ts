// Pipeline B: the converted disk goes to Glance as an image, then Cinder creates the boot volume from it
// (ensureVolume with imageRef; Cinder copies the bytes). The image is found again by name + owner tag; one left
// half-uploaded by a crashed attempt (queued/saving) is deleted and uploaded anew: Glance cannot resume.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { ErrorCode } from '../../errors/error-codes.js';
import { FfoError } from '../../errors/ffo-error.js';
import type { OpenStackApi } from '../../providers/openstack/openstack-client.js';
import type { GlanceImage } from '../../providers/openstack/openstack-wire-types.js';
import { deleteImage } from './resource-reaper.js';
import { MIGRATION_KEY, ownerTag, type OwnedMetadata } from './target-ownership.js';
import { pollUntil, type WaitOptions } from './wait-for.js';

export interface EnsureImageSpec {
  name: string;
  diskFormat: 'raw' | 'qcow2';
  /** Local file with the image bytes. */
  file: string;
  /** Owner and other image properties (hw_disk_bus, os_type, ...). */
  metadata: OwnedMetadata;
  /** Bytes read from the file so far, of the total. */
  onProgress?: (bytesSent: number, totalBytes: number) => void;
}

export interface EnsuredImage {
  image: GlanceImage;
  created: boolean;
}

/** Glance states of an image whose upload is unfinished or failed: not reusable. */
const UNFINISHED = new Set(['queued', 'saving', 'importing', 'uploading', 'killed', 'deactivated']);

export async function ensureImage(
  client: OpenStackApi,
  spec: EnsureImageSpec,
  options: Partial<WaitOptions> = {},
): Promise<EnsuredImage> {
  options.signal?.throwIfAborted();
  const migrationId = spec.metadata[MIGRATION_KEY];
  const { size } = await stat(spec.file);
  const waits: WaitOptions = {
    timeoutMs: options.timeoutMs ?? 10 * 60_000,
    ...(options.intervalMs !== undefined ? { intervalMs: options.intervalMs } : {}),
    ...(options.signal !== undefined ? { signal: options.signal } : {}),
  };
  for (const image of await findImages(client, spec.name, migrationId)) {
    const status = image.status ?? 'unknown';
    if (status === 'active' && image.size === size && image.disk_format === spec.diskFormat)
      return { image, created: false };
    // Unfinished, or not the bytes we have now: replace it.
    if (status === 'active' || UNFINISHED.has(status) || status.startsWith('error'))
      await deleteImage(client, image.id, {
        waitMs: waits.timeoutMs,
        ...(waits.signal ? { signal: waits.signal } : {}),
      });
  }
  const properties: Record<string, string> = {};
  for (const [k, v] of Object.entries(spec.metadata)) properties[k] = v;
  const image = await client.createImage({
    ...properties,
    name: spec.name,
    disk_format: spec.diskFormat,
    container_format: 'bare',
    visibility: 'private',
    tags: [ownerTag(migrationId)],
  });
  await client.uploadImageData(image.id, readWithProgress(spec.file, size, spec.onProgress), {
    ...(options.signal !== undefined ? { signal: options.signal } : {}),
  });
  const active = await waitForImageActive(client, image.id, waits);
  if (active.size !== undefined && active.size !== null && active.size !== size)
    throw new FfoError(
      ErrorCode.TRANSFER_FAILED,
      `Glance stored ${active.size} bytes for image ${spec.name}, the file has ${size}`,
      { details: { imageId: image.id, size: active.size, expected: size } },
    );
  return { image: active, created: true };
}

/** Images of the migration named `name`, oldest first. */
export async function findImages(
  client: OpenStackApi,
  name: string,
  migrationId: string,
): Promise<GlanceImage[]> {
  const images = await client.listImages({ query: { name } });
  return images
    .filter((i) => i.name === name && isOurImage(i, migrationId))
    .sort((a, b) => (a.created_at ?? '').localeCompare(b.created_at ?? ''));
}

export function isOurImage(image: GlanceImage, migrationId: string): boolean {
  const property = (image as unknown as Record<string, unknown>)[MIGRATION_KEY];
  return property === migrationId || image.tags?.includes(ownerTag(migrationId)) === true;
}

export async function waitForImageActive(
  client: OpenStackApi,
  imageId: string,
  options: WaitOptions,
): Promise<GlanceImage> {
  return pollUntil<GlanceImage>(
    async () => {
      const image = await client.getImage(imageId);
      const status = image.status ?? 'unknown';
      if (status === 'active') return { done: true, value: image };
      if (status === 'killed' || status === 'deleted' || status === 'deactivated')
        throw new FfoError(
          ErrorCode.TRANSFER_FAILED,
          `Image ${image.name ?? imageId} went to ${status} in Glance`,
          {
            details: { imageId, status },
          },
        );
      return { done: false, state: status };
    },
    options,
    (state) =>
      new FfoError(ErrorCode.TRANSFER_FAILED, `Image ${imageId} is still ${state ?? 'unknown'} in Glance`, {
        retryable: true,
        details: { imageId, status: state },
      }),
  );
}

/** The file as chunks, reporting bytes read (what was handed to the upload). */
async function* readWithProgress(
  file: string,
  total: number,
  onProgress: ((sent: number, total: number) => void) | undefined,
): AsyncGenerator<Uint8Array> {
  let sent = 0;
  const stream = createReadStream(file, { highWaterMark: 4 * 1024 * 1024 });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      sent += chunk.length;
      yield chunk;
      onProgress?.(sent, total);
    }
  } finally {
    stream.destroy();
  }
}
