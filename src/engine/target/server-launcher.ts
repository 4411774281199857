// The migrated VM as a Nova server booting from its Cinder volume, on the pre-created ports (which keep the
// MACs and fixed IPs). Volumes are never deleted with the server: they hold the migrated data.
import { ErrorCode } from '../../errors/error-codes.js';
import { FfoError } from '../../errors/ffo-error.js';
import type { OpenStackApi } from '../../providers/openstack/openstack-client.js';
import type {
  NeutronFixedIp,
  NovaBlockDeviceMapping,
  NovaServer,
} from '../../providers/openstack/openstack-wire-types.js';
import { MIGRATION_KEY, type OwnedMetadata } from './target-ownership.js';
import { pollUntil, type WaitOptions } from './wait-for.js';

export interface EnsureServerSpec {
  name: string;
  flavorId: string;
  bootVolumeId: string;
  /** Data volumes, in guest order. */
  extraVolumeIds: string[];
  /** Pre-created ports, in NIC order. */
  portIds: string[];
  metadata: OwnedMetadata;
  availabilityZone?: string;
  description?: string;
}

export interface EnsuredServer {
  serverId: string;
  created: boolean;
}

export interface LaunchedServer {
  serverId: string;
  server: NovaServer;
  /** Fixed IPs per port, in the order of spec.portIds. */
  ports: { portId: string; macAddress: string | null; fixedIps: NeutronFixedIp[] }[];
}

const GONE = new Set(['DELETED', 'SOFT_DELETED']);

/** Finds the migration's server by name and owner metadata, or creates it (boot from volume). */
export async function ensureServer(client: OpenStackApi, spec: EnsureServerSpec): Promise<EnsuredServer> {
  const existing = await findServer(client, spec.name, spec.metadata[MIGRATION_KEY]);
  if (existing !== null) return { serverId: existing.id, created: false };
  const created = await client.createServer({
    name: spec.name,
    flavorRef: spec.flavorId,
    networks: spec.portIds.map((port) => ({ port })),
    block_device_mapping_v2: blockDeviceMappings(spec.bootVolumeId, spec.extraVolumeIds),
    metadata: spec.metadata,
    ...(spec.availabilityZone !== undefined ? { availability_zone: spec.availabilityZone } : {}),
    ...(spec.description !== undefined ? { description: spec.description } : {}),
  });
  return { serverId: created.id, created: true };
}

/** boot_index 0 = the boot volume; the others attached in order, not bootable; none deleted with the server. */
export function blockDeviceMappings(
  bootVolumeId: string,
  extraVolumeIds: readonly string[],
): NovaBlockDeviceMapping[] {
  return [
    {
      boot_index: 0,
      uuid: bootVolumeId,
      source_type: 'volume',
      destination_type: 'volume',
      delete_on_termination: false,
    },
    ...extraVolumeIds.map((uuid) => ({
      boot_index: -1,
      uuid,
      source_type: 'volume' as const,
      destination_type: 'volume' as const,
      delete_on_termination: false,
    })),
  ];
}

export async function findServer(
  client: OpenStackApi,
  name: string,
  migrationId: string,
): Promise<NovaServer | null> {
  // Nova's name filter is a regular expression: anchor and escape it.
  const servers = await client.listServers({ query: { name: `^${escapeRegExp(name)}$` } });
  const ours = servers
    .filter(
      (s) => s.name === name && s.metadata?.[MIGRATION_KEY] === migrationId && !GONE.has(s.status ?? ''),
    )
    .filter((s) => s['OS-EXT-STS:task_state'] !== 'deleting')
    .sort((a, b) => (a.created ?? '').localeCompare(b.created ?? ''));
  return ours[0] ?? null;
}

/** Polls until ACTIVE; ERROR ends it with LAUNCH_FAILED carrying Nova's fault. */
export async function waitForServer(
  client: OpenStackApi,
  serverId: string,
  options: WaitOptions,
): Promise<NovaServer> {
  return pollUntil<NovaServer>(
    async () => {
      const server = await client.getServer(serverId);
      const status = server.status ?? 'UNKNOWN';
      if (status === 'ACTIVE') return { done: true, value: server };
      if (status === 'ERROR' || GONE.has(status)) {
        const fault = server.fault;
        throw new FfoError(
          ErrorCode.LAUNCH_FAILED,
          `Server ${server.name ?? serverId} went to ${status}${fault?.message ? `: ${fault.message}` : ''}`,
          {
            details: {
              serverId,
              status,
              fault: fault
                ? { message: fault.message ?? null, code: fault.code ?? null, details: fault.details ?? null }
                : null,
            },
          },
        );
      }
      return { done: false, state: `${status}/${server['OS-EXT-STS:task_state'] ?? '-'}` };
    },
    options,
    (state) =>
      new FfoError(
        ErrorCode.LAUNCH_FAILED,
        `Server ${serverId} is still ${state ?? 'unknown'} after ${Math.round(options.timeoutMs / 1000)} s`,
        {
          retryable: true,
          details: { serverId, status: state },
        },
      ),
  );
}

/** ensureServer + waitForServer + the ports' fixed IPs. */
export async function launchServer(
  client: OpenStackApi,
  spec: EnsureServerSpec,
  options: WaitOptions,
): Promise<LaunchedServer & { created: boolean }> {
  const { serverId, created } = await ensureServer(client, spec);
  const server = await waitForServer(client, serverId, options);
  const ports = await Promise.all(
    spec.portIds.map(async (portId) => {
      const port = await client.getPort(portId);
      return { portId, macAddress: port.mac_address ?? null, fixedIps: port.fixed_ips ?? [] };
    }),
  );
  return { serverId, server, ports, created };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
