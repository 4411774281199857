import type { FlavorInventory, TargetInventory } from '../providers/openstack/target-inventory-types.js';
import type { GraphClient } from './graph-client.js';
import { redactUrl } from './discovery-writer.js';

export interface TargetCounts {
  flavors: number;
  networks: number;
  subnets: number;
  ports: number;
  volumeTypes: number;
  images: number;
  quotas: number;
  removed: number;
}

// Twin identity on the target side: "<configured cloud name>/<OpenStack id>".
export const targetId = (cloud: string, openstackId: string): string => `${cloud}/${openstackId}`;
export const quotaId = (cloud: string, projectId: string, service: string, resource: string): string =>
  `${cloud}/${projectId}/${service}/${resource}`;

/** Flavors FFO creates on request (opt-in) are named with this prefix, so re-discovery still knows them. */
export const AUTO_FLAVOR_PREFIX = 'ffo.auto.';

const GPU_SPEC = /(^resources:(VGPU|PGPU)$)|(^pci_passthrough:alias$)|gpu/i;

/** A flavor needs GPU hardware when its extra specs ask for vGPU/pGPU resources or PCI passthrough of one. */
export function flavorRequiresGpu(flavor: Pick<FlavorInventory, 'extraSpecs'>): boolean {
  return Object.entries(flavor.extraSpecs).some(
    ([key, value]) => GPU_SPEC.test(key) || (/pci_passthrough/i.test(key) && /gpu/i.test(value)),
  );
}

/** Upserts one cloud's inventory (as seen from one project) into the twin; incremental, removals marked. */
export async function writeTargetInventory(
  graph: GraphClient,
  cloud: string,
  inventory: TargetInventory,
  runId: string,
): Promise<TargetCounts> {
  const base = { cloudId: cloud, runId };
  const id = (openstackId: string): string => targetId(cloud, openstackId);
  const projectTwinId = id(inventory.project.id);
  const capacity = inventory.capacity ?? null;
  await graph.write('target-upsert-cloud', {
    ...base,
    authUrl: redactUrl(inventory.authUrl),
    region: inventory.region,
    capacity: capacity
      ? {
          hypervisors: capacity.hypervisors,
          vcpus: capacity.vcpus,
          vcpusUsed: capacity.vcpusUsed,
          memoryMB: capacity.memoryMB,
          memoryMBUsed: capacity.memoryMBUsed,
          cpuAllocationRatio: capacity.cpuAllocationRatio,
          ramAllocationRatio: capacity.ramAllocationRatio,
        }
      : {},
    project: {
      id: projectTwinId,
      openstackId: inventory.project.id,
      name: inventory.project.name,
      domainId: inventory.project.domainId,
    },
  });
  await graph.write('target-upsert-flavors', {
    ...base,
    rows: inventory.flavors.map((f) => ({
      id: id(f.id),
      props: {
        autoCreated: f.name.startsWith(AUTO_FLAVOR_PREFIX),
        openstackId: f.id,
        name: f.name,
        vcpus: f.vcpus,
        ramMB: f.ramMB,
        diskGB: f.diskGB,
        isPublic: f.isPublic,
        extraSpecs: JSON.stringify(f.extraSpecs),
        requiresGpu: flavorRequiresGpu(f),
        accessProjectIds: f.accessProjectIds,
      },
    })),
  });
  await graph.write('target-upsert-networks', {
    ...base,
    rows: inventory.networks.map((n) => ({
      id: id(n.id),
      props: {
        openstackId: n.id,
        name: n.name,
        projectId: n.projectId,
        external: n.external,
        shared: n.shared,
        providerType: n.providerType,
        segmentationId: n.segmentationId,
        status: n.status,
      },
    })),
  });
  await graph.write('target-upsert-subnets', {
    ...base,
    rows: inventory.subnets.map((s) => ({
      id: id(s.id),
      networkId: id(s.networkId),
      props: {
        openstackId: s.id,
        name: s.name,
        cidr: s.cidr,
        ipVersion: s.ipVersion,
        gatewayIp: s.gatewayIp,
        allocationPools: JSON.stringify(s.allocationPools),
      },
    })),
  });
  await graph.write('target-upsert-ports', {
    ...base,
    rows: inventory.ports.map((p) => ({
      id: id(p.id),
      networkId: id(p.networkId),
      props: {
        openstackId: p.id,
        macAddress: p.macAddress.toLowerCase(),
        fixedIps: p.fixedIps.map((ip) => ip.ipAddress),
        status: p.status,
        deviceOwner: p.deviceOwner,
        deviceId: p.deviceId,
      },
    })),
  });
  await graph.write('target-upsert-volume-types', {
    ...base,
    rows: inventory.volumeTypes.map((t) => ({
      id: id(t.id),
      props: { openstackId: t.id, name: t.name, isPublic: t.isPublic, backendName: t.backendName },
    })),
  });
  await graph.write('target-upsert-images', {
    ...base,
    rows: inventory.images.map((i) => ({
      id: id(i.id),
      props: {
        openstackId: i.id,
        name: i.name,
        diskFormat: i.diskFormat,
        containerFormat: i.containerFormat,
        sizeBytes: i.sizeBytes,
        status: i.status,
        visibility: i.visibility,
      },
    })),
  });
  await graph.write('target-upsert-quotas', {
    ...base,
    rows: inventory.quotas.map((q) => ({
      id: quotaId(cloud, q.projectId, q.service, q.resource),
      projectId: id(q.projectId),
      service: q.service,
      resource: q.resource,
      limit: q.limit,
      inUse: q.inUse,
      reserved: q.reserved,
    })),
  });
  if (inventory.servers) {
    await graph.write('target-upsert-servers', {
      ...base,
      projectId: projectTwinId,
      rows: inventory.servers.map((srv) => ({
        id: id(srv.id),
        openstackId: srv.id,
        name: srv.name,
        status: srv.status,
      })),
    });
  }
  const [removed] = await graph.write('target-mark-removed', {
    ...base,
    projectId: projectTwinId,
    now: new Date().toISOString(),
  });
  return {
    flavors: inventory.flavors.length,
    networks: inventory.networks.length,
    subnets: inventory.subnets.length,
    ports: inventory.ports.length,
    volumeTypes: inventory.volumeTypes.length,
    images: inventory.images.length,
    quotas: inventory.quotas.length,
    removed: Number(removed?.removed ?? 0),
  };
}
