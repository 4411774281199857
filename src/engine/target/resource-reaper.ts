// Removing what a migration created on the target, for rollbacks: idempotent (already gone = done) and
// waiting until each resource is really gone, so the next step (or the next attempt) sees a clean project.
import { ErrorCode } from '../../errors/error-codes.js';
import { FfoError } from '../../errors/ffo-error.js';
import {
  OpenStackBadRequestError,
  OpenStackConflictError,
  isOpenStackNotFound,
} from '../../errors/openstack-errors.js';
import type { OpenStackApi } from '../../providers/openstack/openstack-client.js';
import type {
  CinderAttachment,
  CinderVolume,
  GlanceImage,
  NeutronPort,
  NovaServer,
} from '../../providers/openstack/openstack-wire-types.js';
import { isOwnedBy, namePrefix } from './target-ownership.js';
import { pollUntil, type WaitOptions } from './wait-for.js';

export interface ReapOptions {
  /** How long to wait until the resource is gone. Default 120 s. */
  waitMs?: number;
  intervalMs?: number;
  signal?: AbortSignal;
}

function waits(options: ReapOptions): WaitOptions {
  return {
    timeoutMs: options.waitMs ?? 120_000,
    intervalMs: options.intervalMs ?? 500,
    ...(options.signal !== undefined ? { signal: options.signal } : {}),
  };
}

/** Runs `call`; a 404 means already gone. */
async function ignoreNotFound(call: () => Promise<unknown>): Promise<boolean> {
  try {
    await call();
    return true;
  } catch (error) {
    if (isOpenStackNotFound(error)) return false;
    throw error;
  }
}

function notGone(kind: string, id: string, state: string | undefined): FfoError {
  return new FfoError(
    ErrorCode.OPENSTACK_CONFLICT,
    `${kind} ${id} is still there (${state ?? 'unknown'}) after the delete`,
    {
      retryable: true,
      details: { kind, id, state },
    },
  );
}

/** Deletes the server and waits until Nova no longer knows it (its volumes are then being detached). */
export async function deleteServer(
  client: OpenStackApi,
  serverId: string,
  options: ReapOptions = {},
): Promise<void> {
  await ignoreNotFound(() => client.deleteServer(serverId));
  await pollUntil<null>(
    async () => {
      try {
        const s = await client.getServer(serverId);
        if (s.status === 'DELETED') return { done: true, value: null };
        return { done: false, state: `${s.status ?? '?'}/${s['OS-EXT-STS:task_state'] ?? '-'}` };
      } catch (error) {
        if (isOpenStackNotFound(error)) return { done: true, value: null };
        throw error;
      }
    },
    waits(options),
    (state) => notGone('server', serverId, state),
  );
}

export async function deletePort(
  client: OpenStackApi,
  portId: string,
  options: ReapOptions = {},
): Promise<void> {
  await ignoreNotFound(() => client.deletePort(portId));
  await pollUntil<null>(
    async () =>
      (await ignoreNotFound(() => client.getPort(portId)))
        ? { done: false, state: 'present' }
        : { done: true, value: null },
    waits(options),
    (state) => notGone('port', portId, state),
  );
}

export async function deleteAttachment(
  client: OpenStackApi,
  attachmentId: string,
  _options: ReapOptions = {},
): Promise<void> {
  await ignoreNotFound(() => client.deleteAttachment(attachmentId));
}

/**
 * Deletes the volume once nothing uses it: our own writer attachments are removed, a server's detach (after
 * deleteServer) is awaited until the volume is `available`; then waits until Cinder has deleted it.
 */
export async function deleteVolume(
  client: OpenStackApi,
  volumeId: string,
  options: ReapOptions = {},
): Promise<void> {
  const w = waits(options);
  const volume = await client.getVolume(volumeId).catch((e: unknown) => {
    if (isOpenStackNotFound(e)) return null;
    throw e;
  });
  if (volume === null) return;
  if (volume.status !== 'deleting') {
    for (const a of await client.listAttachments({ query: { volume_id: volumeId } }))
      if ((a.instance ?? null) === null) await deleteAttachment(client, a.id);
    // Deletable states; anything in between (in-use, detaching, creating, downloading) is waited out.
    const deletable = new Set(['available', 'error', 'error_restoring', 'error_extending', 'error_managing']);
    const ready = await pollUntil<CinderVolume | null>(
      async () => {
        try {
          const v = await client.getVolume(volumeId);
          return deletable.has(v.status ?? '') || v.status === 'deleting'
            ? { done: true, value: v }
            : { done: false, state: v.status ?? 'unknown' };
        } catch (error) {
          if (isOpenStackNotFound(error)) return { done: true, value: null };
          throw error;
        }
      },
      w,
      (state) => notGone('volume', volumeId, `${state ?? 'unknown'}, never became deletable`),
    );
    if (ready === null) return;
    if (ready.status !== 'deleting') {
      try {
        await client.deleteVolume(volumeId);
      } catch (error) {
        if (isOpenStackNotFound(error)) return;
        // A status change raced us (e.g. a late detach): Cinder answers 400; retry is the caller's.
        if (error instanceof OpenStackBadRequestError || error instanceof OpenStackConflictError)
          throw new FfoError(
            ErrorCode.OPENSTACK_CONFLICT,
            `Volume ${volumeId} cannot be deleted yet: ${error.message}`,
            {
              retryable: true,
              cause: error,
              details: { volumeId },
            },
          );
        throw error;
      }
    }
  }
  await pollUntil<null>(
    async () => {
      try {
        const v = await client.getVolume(volumeId);
        if (v.status === 'error_deleting')
          throw new FfoError(
            ErrorCode.OPENSTACK_API_ERROR,
            `Cinder failed to delete volume ${volumeId} (error_deleting)`,
            {
              details: { volumeId },
            },
          );
        return { done: false, state: v.status ?? 'unknown' };
      } catch (error) {
        if (isOpenStackNotFound(error)) return { done: true, value: null };
        throw error;
      }
    },
    w,
    (state) => notGone('volume', volumeId, state),
  );
}

export async function deleteImage(
  client: OpenStackApi,
  imageId: string,
  options: ReapOptions = {},
): Promise<void> {
  await ignoreNotFound(() => client.deleteImage(imageId));
  await pollUntil<null>(
    async () => {
      try {
        const i = await client.getImage(imageId);
        return i.status === 'deleted'
          ? { done: true, value: null }
          : { done: false, state: i.status ?? 'unknown' };
      } catch (error) {
        if (isOpenStackNotFound(error)) return { done: true, value: null };
        throw error;
      }
    },
    waits(options),
    (state) => notGone('image', imageId, state),
  );
}

export interface OurResources {
  servers: NovaServer[];
  ports: NeutronPort[];
  volumes: CinderVolume[];
  images: GlanceImage[];
  /** Writer attachments (no instance) on the migration's volumes. */
  attachments: CinderAttachment[];
}

/** Everything tagged or named for the migration: the rollback's safety net beside the engine's own records. */
export async function findOurResources(client: OpenStackApi, migrationId: string): Promise<OurResources> {
  const prefix = namePrefix(migrationId);
  const [servers, ports, volumes, images] = await Promise.all([
    client.listServers({ query: { name: `^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}` } }),
    client.listPorts(),
    client.listVolumes(),
    client.listImages(),
  ]);
  // Tag-filtered port/image lists would miss a resource whose tagging a crash cut short: filter here.
  const ourServers = servers.filter((s) => isOwnedBy(s, migrationId) && s.status !== 'DELETED');
  const ourVolumes = volumes.filter((v) =>
    isOwnedBy({ name: v.name ?? null, metadata: v.metadata ?? {} }, migrationId),
  );
  const ourImages = images.filter(
    (i) =>
      isOwnedBy({ name: i.name ?? null, tags: i.tags ?? [] }, migrationId) ||
      (i as unknown as Record<string, unknown>)['ffo_migration'] === migrationId,
  );
  const attachments: CinderAttachment[] = [];
  for (const v of ourVolumes) {
    for (const a of await client.listAttachments({ query: { volume_id: v.id } }))
      if ((a.instance ?? null) === null) attachments.push(a);
  }
  return {
    servers: ourServers,
    ports: ports.filter((p) => isOwnedBy({ name: p.name ?? null, tags: p.tags ?? [] }, migrationId)),
    volumes: ourVolumes,
    images: ourImages,
    attachments,
  };
}

/** Deletes everything findOurResources reports, in dependency order (servers, attachments, volumes, ports, images). */
export async function reapMigration(
  client: OpenStackApi,
  migrationId: string,
  options: ReapOptions = {},
): Promise<OurResources> {
  const found = await findOurResources(client, migrationId);
  for (const s of found.servers) await deleteServer(client, s.id, options);
  for (const a of found.attachments) await deleteAttachment(client, a.id, options);
  for (const v of found.volumes) await deleteVolume(client, v.id, options);
  for (const p of found.ports) await deletePort(client, p.id, options);
  for (const i of found.images) await deleteImage(client, i.id, options);
  return found;
}
