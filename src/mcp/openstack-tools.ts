import { z } from 'zod';
import { deletePort, deleteServer, deleteVolume } from '../engine/target/resource-reaper.js';
import { waitForVolumeStatus } from '../engine/target/volume-provisioner.js';
import { ErrorCode } from '../errors/index.js';
import type { OpenStackClient } from '../providers/openstack/openstack-client.js';
import type { CinderVolume, NovaServer } from '../providers/openstack/openstack-wire-types.js';
import {
  hypervisorCapacity,
  capacityOfComputeNodes,
  toFlavor,
  toImage,
  toNetwork,
  toPort,
  toSubnet,
  toVolumeType,
} from '../providers/openstack/target-inventory-reader.js';
import { withOpenStack } from './openstack-session.js';
import { defineTool, type ToolDefinition } from './tool-definition.js';

// The target side as migrations touch it, live from the cloud's APIs (the twin's copy is as old as the last
// target discovery). Creates and deletes are the ones the engine itself performs, for agents that clean up.

const cloud = z.string().min(1).optional().describe('configured cloud name (default: the only one)');
const id = (what: string) => z.string().min(1).describe(`OpenStack ${what} id`);
const limit = z.number().int().min(1).max(1000).default(200).describe('at most this many entries');

const listed = <T>(items: T[], max: number) => ({
  count: items.length,
  truncated: items.length > max,
  items: items.slice(0, max),
});

const server = (s: NovaServer) => ({
  id: s.id,
  name: s.name ?? null,
  status: s.status ?? null,
  flavor: s.flavor?.original_name ?? s.flavor?.id ?? null,
  addresses: Object.fromEntries(
    Object.entries(s.addresses ?? {}).map(([net, list]) => [net, list.map((a) => a.addr)]),
  ),
  volumes: (s['os-extended-volumes:volumes_attached'] ?? []).map((v) => v.id),
  host: s['OS-EXT-SRV-ATTR:host'] ?? null,
  metadata: s.metadata ?? {},
  fault: s.fault?.message ?? null,
  created: s.created ?? null,
});

const volume = (v: CinderVolume) => ({
  id: v.id,
  name: v.name ?? null,
  status: v.status ?? null,
  sizeGB: v.size ?? null,
  volumeType: v.volume_type ?? null,
  bootable: v.bootable === 'true',
  attachedTo: (v.attachments ?? []).map((a) => a.server_id).filter(Boolean),
  metadata: v.metadata ?? {},
});

/** Placement when readable (it knows allocation ratios), os-hypervisors otherwise. */
async function computeCapacity(client: OpenStackClient) {
  try {
    const providers = await client.listResourceProviders();
    const nodes = [];
    for (const p of providers) {
      const inventories = await client.getResourceProviderInventories(p.uuid);
      if (inventories['VCPU'] === undefined && inventories['MEMORY_MB'] === undefined) continue;
      nodes.push({ name: p.name, inventories, usages: await client.getResourceProviderUsages(p.uuid) });
    }
    return {
      source: 'placement',
      ...capacityOfComputeNodes(nodes),
      nodes: nodes.map((n) => ({ name: n.name, usages: n.usages })),
    };
  } catch {
    const hypervisors = await client.listHypervisors();
    return {
      source: 'os-hypervisors',
      ...hypervisorCapacity(hypervisors),
      nodes: hypervisors.map((h) => ({
        name: h.hypervisor_hostname ?? h.id,
        vcpus: h.vcpus ?? null,
        vcpusUsed: h.vcpus_used ?? null,
        memoryMB: h.memory_mb ?? null,
        memoryMBUsed: h.memory_mb_used ?? null,
      })),
    };
  }
}

export function openstackTools(): ToolDefinition[] {
  return [
    defineTool({
      name: 'openstack_list_flavors',
      title: 'OpenStack flavors',
      description:
        'Flavors visible to the migration project: vCPUs, RAM, root disk, public or not, extra specs.',
      input: z.object({ cloud, limit }),
      role: 'analyst',
      mutating: false,
      run: (input, { deps }) =>
        withOpenStack(deps, input.cloud, async (client) =>
          listed(
            (await client.listFlavors()).map((f) =>
              toFlavor(f, f['os-flavor-access:is_public'] ?? true, f.extra_specs ?? {}, []),
            ),
            input.limit,
          ),
        ),
    }),
    defineTool({
      name: 'openstack_list_networks',
      title: 'OpenStack networks',
      description: 'Neutron networks (targets of port-group mappings): shared/external flags, segmentation.',
      input: z.object({ cloud, limit }),
      role: 'analyst',
      mutating: false,
      run: (input, { deps }) =>
        withOpenStack(deps, input.cloud, async (client) =>
          listed((await client.listNetworks()).map(toNetwork), input.limit),
        ),
    }),
    defineTool({
      name: 'openstack_list_subnets',
      title: 'OpenStack subnets',
      description: 'Subnets (CIDR, gateway, allocation pools), optionally of one network.',
      input: z.object({ cloud, network: id('network').optional(), limit }),
      role: 'analyst',
      mutating: false,
      run: (input, { deps }) =>
        withOpenStack(deps, input.cloud, async (client) =>
          listed(
            (await client.listSubnets(input.network ? { query: { network_id: input.network } } : {})).flatMap(
              toSubnet,
            ),
            input.limit,
          ),
        ),
    }),
    defineTool({
      name: 'openstack_list_ports',
      title: 'OpenStack ports',
      description:
        'Neutron ports, filtered by network, MAC address or device (server) id; a migration keeps each NIC MAC on its port.',
      input: z.object({
        cloud,
        network: id('network').optional(),
        macAddress: z
          .string()
          .regex(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i)
          .optional(),
        device: z.string().min(1).optional().describe('device_id, e.g. a server id'),
        limit,
      }),
      role: 'analyst',
      mutating: false,
      run: (input, { deps }) =>
        withOpenStack(deps, input.cloud, async (client) => {
          const query: Record<string, string> = {};
          if (input.network) query.network_id = input.network;
          if (input.macAddress) query.mac_address = input.macAddress.toLowerCase();
          if (input.device) query.device_id = input.device;
          return listed((await client.listPorts({ query })).flatMap(toPort), input.limit);
        }),
    }),
    defineTool({
      name: 'openstack_create_port',
      title: 'Create an OpenStack port',
      description:
        'Creates a Neutron port on a network, optionally with a MAC address (to keep a VMware NIC MAC) and fixed IPs.',
      input: z.object({
        cloud,
        network: id('network'),
        name: z.string().min(1).max(255).optional(),
        macAddress: z
          .string()
          .regex(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i)
          .optional(),
        fixedIps: z
          .array(z.object({ subnet: id('subnet').optional(), ipAddress: z.ipv4().optional() }))
          .max(8)
          .optional(),
      }),
      role: 'agent',
      mutating: true,
      run: (input, { deps }) =>
        withOpenStack(deps, input.cloud, async (client) => {
          const port = await client.createPort({
            network_id: input.network,
            ...(input.name ? { name: input.name } : {}),
            ...(input.macAddress ? { mac_address: input.macAddress.toLowerCase() } : {}),
            ...(input.fixedIps
              ? {
                  fixed_ips: input.fixedIps.map((ip) => ({
                    ...(ip.subnet ? { subnet_id: ip.subnet } : {}),
                    ...(ip.ipAddress ? { ip_address: ip.ipAddress } : {}),
                  })),
                }
              : {}),
          });
          return { port: toPort(port)[0] ?? { id: port.id } };
        }),
    }),
    defineTool({
      name: 'openstack_delete_port',
      title: 'Delete an OpenStack port',
      description: 'Deletes a port and waits until Neutron no longer has it (already gone counts as done).',
      input: z.object({ cloud, port: id('port') }),
      role: 'agent',
      mutating: true,
      run: (input, { deps }) =>
        withOpenStack(deps, input.cloud, async (client) => {
          await deletePort(client, input.port);
          return { deleted: input.port };
        }),
    }),
    defineTool({
      name: 'openstack_list_volumes',
      title: 'OpenStack volumes',
      description: 'Cinder volumes of the project: size, type, status, bootable, attachments, metadata.',
      input: z.object({ cloud, limit }),
      role: 'analyst',
      mutating: false,
      run: (input, { deps }) =>
        withOpenStack(deps, input.cloud, async (client) =>
          listed((await client.listVolumes()).map(volume), input.limit),
        ),
    }),
    defineTool({
      name: 'openstack_create_volume',
      title: 'Create an OpenStack volume',
      description: 'Creates an empty Cinder volume and waits until it is available.',
      input: z.object({
        cloud,
        sizeGB: z.number().int().min(1).max(65536),
        name: z.string().min(1).max(255).optional(),
        volumeType: z.string().min(1).optional().describe('volume type name (default: the cloud default)'),
      }),
      role: 'agent',
      mutating: true,
      run: (input, { deps, signal }) =>
        withOpenStack(deps, input.cloud, async (client) => {
          const created = await client.createVolume({
            size: input.sizeGB,
            ...(input.name ? { name: input.name } : {}),
            ...(input.volumeType ? { volume_type: input.volumeType } : {}),
          });
          const ready = await waitForVolumeStatus(client, created.id, ['available'], {
            timeoutMs: 300_000,
            intervalMs: 500,
            signal,
            failureCode: ErrorCode.OPENSTACK_API_ERROR,
          });
          return { volume: volume(ready) };
        }),
    }),
    defineTool({
      name: 'openstack_delete_volume',
      title: 'Delete an OpenStack volume',
      description:
        'Deletes a volume once nothing uses it (writer attachments removed, a detach awaited) and waits until it is gone.',
      input: z.object({ cloud, volume: id('volume') }),
      role: 'agent',
      mutating: true,
      run: (input, { deps, signal }) =>
        withOpenStack(deps, input.cloud, async (client) => {
          await deleteVolume(client, input.volume, { signal });
          return { deleted: input.volume };
        }),
    }),
    defineTool({
      name: 'openstack_list_volume_types',
      title: 'OpenStack volume types',
      description: 'Volume types (targets of datastore mappings) and their backends when visible.',
      input: z.object({ cloud }),
      role: 'analyst',
      mutating: false,
      run: (input, { deps }) =>
        withOpenStack(deps, input.cloud, async (client) => ({
          items: (await client.listVolumeTypes()).map((t) => toVolumeType(t, t.extra_specs)),
        })),
    }),
    defineTool({
      name: 'openstack_list_images',
      title: 'OpenStack images',
      description: 'Glance images: formats, size, status, visibility.',
      input: z.object({ cloud, limit }),
      role: 'analyst',
      mutating: false,
      run: (input, { deps }) =>
        withOpenStack(deps, input.cloud, async (client) =>
          listed((await client.listImages()).map(toImage), input.limit),
        ),
    }),
    defineTool({
      name: 'openstack_list_servers',
      title: 'OpenStack servers',
      description:
        'Servers of the project with status, flavor, addresses, volumes and ffo_migration metadata.',
      input: z.object({ cloud, limit }),
      role: 'analyst',
      mutating: false,
      run: (input, { deps }) =>
        withOpenStack(deps, input.cloud, async (client) =>
          listed((await client.listServers()).map(server), input.limit),
        ),
    }),
    defineTool({
      name: 'openstack_get_server',
      title: 'OpenStack server',
      description: 'One server: status, fault, flavor, addresses, attached volumes.',
      input: z.object({ cloud, server: id('server') }),
      role: 'analyst',
      mutating: false,
      run: (input, { deps }) =>
        withOpenStack(deps, input.cloud, async (client) => ({
          server: server(await client.getServer(input.server)),
        })),
    }),
    defineTool({
      name: 'openstack_delete_server',
      title: 'Delete an OpenStack server',
      description:
        'Deletes a server and waits until Nova no longer has it; its volumes stay (delete them separately).',
      input: z.object({ cloud, server: id('server') }),
      role: 'agent',
      mutating: true,
      run: (input, { deps, signal }) =>
        withOpenStack(deps, input.cloud, async (client) => {
          await deleteServer(client, input.server, { signal });
          return { deleted: input.server };
        }),
    }),
    defineTool({
      name: 'openstack_quotas',
      title: 'OpenStack quotas',
      description:
        'Quotas of the migration project with usage: compute (instances, cores, ram), network (ports) and volume (volumes, gigabytes).',
      input: z.object({ cloud }),
      role: 'analyst',
      mutating: false,
      run: (input, { deps }) =>
        withOpenStack(deps, input.cloud, async (client) => {
          const { projectId, projectName } = await client.scope();
          const optional = <T>(p: Promise<T>) => p.catch((e: unknown) => ({ unavailable: String(e) }));
          const [compute, network, volumes] = await Promise.all([
            optional(client.getComputeQuotaDetail(projectId)),
            optional(client.getNetworkQuotaDetails(projectId)),
            optional(client.getVolumeQuotaUsage(projectId)),
          ]);
          return { project: { id: projectId, name: projectName }, compute, network, volume: volumes };
        }),
    }),
    defineTool({
      name: 'openstack_limits',
      title: 'OpenStack compute limits',
      description: "Nova's absolute limits of the project (max and used cores, RAM, instances).",
      input: z.object({ cloud }),
      role: 'analyst',
      mutating: false,
      run: (input, { deps }) =>
        withOpenStack(deps, input.cloud, async (client) => ({
          absolute: (await client.getComputeLimits()).absolute,
        })),
    }),
    defineTool({
      name: 'openstack_hypervisor_capacity',
      title: 'OpenStack hypervisor capacity',
      description:
        'Compute capacity for migrated servers: vCPUs and RAM, used and total, with allocation ratios (placement, else os-hypervisors).',
      input: z.object({ cloud }),
      role: 'analyst',
      mutating: false,
      run: (input, { deps }) => withOpenStack(deps, input.cloud, (client) => computeCapacity(client)),
    }),
  ];
}
