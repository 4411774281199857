// Target discovery: everything the twin needs about the OpenStack side, read through OpenStackApi and mapped
// onto TargetInventory. Missing fields become null (or 0 / [] where the contract has no null); missing
// permissions for enrichments (extra specs, flavor access, quotas, capacity) become warnings, not failures.
//
// The core collections (flavors, networks, subnets, ports) fail the whole read instead: the twin writer marks
// whatever a discovery did not see as removed, so "could not read" must never look like "is empty".

import {
  OpenStackBadRequestError,
  OpenStackEndpointNotFoundError,
  OpenStackForbiddenError,
  OpenStackNotFoundError,
} from '../../errors/openstack-errors.js';
import type { OpenStackApi } from './openstack-client.js';
import type {
  CinderVolumeType,
  GlanceImage,
  NeutronNetwork,
  NeutronPort,
  NeutronSubnet,
  NovaAbsoluteLimits,
  NovaFlavor,
  NovaHypervisor,
  PlacementInventory,
} from './openstack-wire-types.js';
import type {
  ComputeCapacityInventory,
  FlavorInventory,
  ImageInventory,
  NetworkInventory,
  PortInventory,
  QuotaInventory,
  SubnetInventory,
  TargetInventory,
  VolumeTypeInventory,
} from './target-inventory-types.js';

/** Something the reader could not read and left out (or fell back for). */
export interface TargetInventoryWarning {
  /** flavor-extra-specs, flavor-access, quotas-compute, quotas-network, quotas-volume, capacity, ... */
  part: string;
  message: string;
  cause: unknown;
}

export interface ReadTargetInventoryOptions {
  onWarning?: (warning: TargetInventoryWarning) => void;
  /** Parallel per-item calls (flavor extra specs and access, placement providers). Default 8. */
  concurrency?: number;
}

const DEFAULT_CONCURRENCY = 8;

/** Neutron names quota resources in the singular; the twin uses the plural like Nova and Cinder. */
const NEUTRON_QUOTA_NAMES: Readonly<Record<string, string>> = {
  network: 'networks',
  subnet: 'subnets',
  port: 'ports',
  router: 'routers',
  floatingip: 'floating_ips',
  security_group: 'security_groups',
  security_group_rule: 'security_group_rules',
  subnetpool: 'subnet_pools',
  rbac_policy: 'rbac_policies',
  trunk: 'trunks',
};

/** GET /limits absolute names, for clouds where os-quota-sets/detail is forbidden to the caller. */
const NOVA_LIMIT_NAMES: readonly { resource: string; max: string; used: string }[] = [
  { resource: 'instances', max: 'maxTotalInstances', used: 'totalInstancesUsed' },
  { resource: 'cores', max: 'maxTotalCores', used: 'totalCoresUsed' },
  { resource: 'ram', max: 'maxTotalRAMSize', used: 'totalRAMUsed' },
  { resource: 'server_groups', max: 'maxServerGroups', used: 'totalServerGroupsUsed' },
];

export async function readTargetInventory(
  client: OpenStackApi,
  options: ReadTargetInventoryOptions = {},
): Promise<TargetInventory> {
  const reader = new Reader(client, options);
  return reader.read();
}

class Reader {
  private readonly concurrency: number;

  constructor(
    private readonly client: OpenStackApi,
    private readonly options: ReadTargetInventoryOptions,
  ) {
    this.concurrency = Math.max(1, options.concurrency ?? DEFAULT_CONCURRENCY);
  }

  async read(): Promise<TargetInventory> {
    const scope = await this.client.scope();
    const projectId = scope.projectId;
    const [flavors, networks, subnets, ports, volumeTypes, images, compute, network, volume, capacity] =
      await Promise.all([
        this.flavors(),
        this.client.listNetworks().then((list) => list.filter(hasId).map(toNetwork)),
        this.client.listSubnets().then((list) => list.filter(hasId).flatMap(toSubnet)),
        this.client.listPorts().then((list) => list.filter(hasId).flatMap(toPort)),
        // A cloud without Cinder or Glance simply has none; any other failure is real.
        this.serviceOptional('volume-types', () => this.volumeTypes()),
        this.serviceOptional('images', () =>
          this.client.listImages().then((list) => list.filter(hasId).map(toImage)),
        ),
        this.computeQuotas(projectId),
        this.optional('quotas-network', [], () => this.networkQuotas(projectId)),
        this.optional('quotas-volume', [], () => this.volumeQuotas(projectId)),
        this.capacity(),
      ]);
    return {
      authUrl: this.client.authUrl,
      region: this.client.region,
      project: { id: projectId, name: scope.projectName, domainId: scope.projectDomainId },
      flavors,
      networks,
      subnets,
      ports,
      volumeTypes,
      images,
      quotas: [...compute, ...network, ...volume],
      capacity,
    };
  }

  // ---- flavors ----

  private async flavors(): Promise<FlavorInventory[]> {
    const raw = (await this.client.listFlavors()).filter(hasId);
    return mapLimited(raw, this.concurrency, async (f) => {
      const isPublic = f['os-flavor-access:is_public'] ?? true;
      const [extraSpecs, accessProjectIds] = await Promise.all([
        // Inline since 2.61; absent when the microversion is lower or policy hides them.
        f.extra_specs !== undefined
          ? Promise.resolve(stringRecord(f.extra_specs))
          : this.optional('flavor-extra-specs', {}, async () =>
              stringRecord(await this.client.getFlavorExtraSpecs(f.id)),
            ),
        isPublic
          ? Promise.resolve([])
          : this.optional('flavor-access', [], async () =>
              (await this.client.listFlavorAccess(f.id)).map((a) => a.tenant_id).filter(isString),
            ),
      ]);
      return toFlavor(f, isPublic, extraSpecs, accessProjectIds);
    });
  }

  // ---- volume types ----

  private async volumeTypes(): Promise<VolumeTypeInventory[]> {
    const raw = (await this.client.listVolumeTypes()).filter(hasId);
    return mapLimited(raw, this.concurrency, async (t) => {
      let specs = t.extra_specs;
      if (specs === undefined) {
        specs = await this.optional('volume-type-extra-specs', {}, () =>
          this.client.getVolumeTypeExtraSpecs(t.id),
        );
      }
      return toVolumeType(t, specs);
    });
  }

  // ---- quotas ----

  private async computeQuotas(projectId: string): Promise<QuotaInventory[]> {
    try {
      const lines = await this.client.getComputeQuotaDetail(projectId);
      return Object.entries(lines).map(([resource, q]) =>
        quota(projectId, 'compute', resource, q.limit, q.in_use, q.reserved),
      );
    } catch (error) {
      if (!isTolerated(error)) throw error;
      this.warn('quotas-compute', 'os-quota-sets detail not readable; using /limits', error);
    }
    const absolute = await this.optional<NovaAbsoluteLimits | null>(
      'quotas-compute',
      null,
      async () => (await this.client.getComputeLimits()).absolute,
    );
    if (absolute === null) return [];
    return NOVA_LIMIT_NAMES.flatMap(({ resource, max, used }) => {
      const limit = absolute[max];
      if (typeof limit !== 'number') return [];
      const inUse = absolute[used];
      return [quota(projectId, 'compute', resource, limit, typeof inUse === 'number' ? inUse : 0, 0)];
    });
  }

  private async networkQuotas(projectId: string): Promise<QuotaInventory[]> {
    const lines = await this.client.getNetworkQuotaDetails(projectId);
    return Object.entries(lines).map(([resource, q]) =>
      quota(projectId, 'network', NEUTRON_QUOTA_NAMES[resource] ?? resource, q.limit, q.used, q.reserved),
    );
  }

  private async volumeQuotas(projectId: string): Promise<QuotaInventory[]> {
    const lines = await this.client.getVolumeQuotaUsage(projectId);
    return Object.entries(lines).map(([resource, q]) =>
      quota(projectId, 'volume', resource, q.limit, q.in_use, q.reserved),
    );
  }

  // ---- capacity ----

  /** Placement first (it knows allocation ratios and survives compute 2.88), os-hypervisors as fallback. */
  private async capacity(): Promise<ComputeCapacityInventory | null> {
    try {
      return await this.placementCapacity();
    } catch (error) {
      if (!isTolerated(error)) throw error;
      this.warn('capacity', 'placement not readable; using os-hypervisors', error);
    }
    return this.optional('capacity', null, async () =>
      hypervisorCapacity(await this.client.listHypervisors()),
    );
  }

  private async placementCapacity(): Promise<ComputeCapacityInventory> {
    const providers = (await this.client.listResourceProviders()).filter((p) => typeof p?.uuid === 'string');
    const compute = await mapLimited(providers, this.concurrency, async (p) => {
      try {
        const inventories = await this.client.getResourceProviderInventories(p.uuid);
        // Only compute nodes: sharing storage pools and nested device providers have no VCPU/MEMORY_MB.
        if (inventories['VCPU'] === undefined && inventories['MEMORY_MB'] === undefined) return null;
        const usages = await this.client.getResourceProviderUsages(p.uuid);
        return { inventories, usages };
      } catch (error) {
        // Deleted between the list and this call (compute node removed): it has no capacity any more.
        if (error instanceof OpenStackNotFoundError) return null;
        throw error;
      }
    });
    return capacityOfComputeNodes(compute.filter((n) => n !== null));
  }

  // ---- tolerance ----

  /** Runs `read`; a missing permission / resource / endpoint becomes a warning and `fallback`. */
  private async optional<T>(part: string, fallback: T, read: () => Promise<T>): Promise<T> {
    try {
      return await read();
    } catch (error) {
      if (!isTolerated(error)) throw error;
      this.warn(part, 'not readable; left out', error);
      return fallback;
    }
  }

  /** Like optional(), but only a service absent from the catalog is tolerated. */
  private async serviceOptional<T>(part: string, read: () => Promise<T[]>): Promise<T[]> {
    try {
      return await read();
    } catch (error) {
      if (!(error instanceof OpenStackEndpointNotFoundError)) throw error;
      this.warn(part, 'service not in the catalog; none', error);
      return [];
    }
  }

  private warn(part: string, what: string, cause: unknown): void {
    const reason = cause instanceof Error ? cause.message : String(cause);
    this.options.onWarning?.({ part, message: `${part}: ${what} (${reason})`, cause });
  }
}

/** Errors that mean "you may not / there is no such thing here", not "the cloud is broken". */
function isTolerated(error: unknown): boolean {
  return (
    (error instanceof OpenStackForbiddenError && !error.quotaExceeded) ||
    error instanceof OpenStackNotFoundError ||
    error instanceof OpenStackEndpointNotFoundError ||
    // Old services reject query parameters or microversions they do not know with 400.
    error instanceof OpenStackBadRequestError
  );
}

// ---- mapping (exported for tests) ----

export function toFlavor(
  f: NovaFlavor,
  isPublic: boolean,
  extraSpecs: Record<string, string>,
  accessProjectIds: string[],
): FlavorInventory {
  return {
    id: f.id,
    name: f.name ?? f.id,
    vcpus: num(f.vcpus) ?? 0,
    ramMB: num(f.ram) ?? 0,
    diskGB: num(f.disk) ?? 0,
    ephemeralGB: num(f['OS-FLV-EXT-DATA:ephemeral']) ?? 0,
    isPublic,
    extraSpecs,
    accessProjectIds,
  };
}

export function toNetwork(n: NeutronNetwork): NetworkInventory {
  return {
    id: n.id,
    name: n.name ?? '',
    projectId: nonEmpty(n.project_id ?? n.tenant_id),
    external: n['router:external'] === true,
    shared: n.shared === true,
    providerType: nonEmpty(n['provider:network_type']),
    segmentationId: num(n['provider:segmentation_id']),
    status: nonEmpty(n.status),
  };
}

/** Subnets without a CIDR cannot exist in Neutron; such a record is dropped rather than invented. */
export function toSubnet(s: NeutronSubnet): SubnetInventory[] {
  if (typeof s.cidr !== 'string' || typeof s.network_id !== 'string') return [];
  return [
    {
      id: s.id,
      name: nonEmpty(s.name),
      networkId: s.network_id,
      cidr: s.cidr,
      ipVersion: num(s.ip_version) ?? (s.cidr.includes(':') ? 6 : 4),
      gatewayIp: nonEmpty(s.gateway_ip),
      allocationPools: (s.allocation_pools ?? [])
        .filter((p) => isString(p?.start) && isString(p?.end))
        .map((p) => [p.start, p.end] as [string, string]),
    },
  ];
}

export function toPort(p: NeutronPort): PortInventory[] {
  if (typeof p.network_id !== 'string') return [];
  return [
    {
      id: p.id,
      networkId: p.network_id,
      macAddress: (p.mac_address ?? '').toLowerCase(),
      fixedIps: (p.fixed_ips ?? [])
        .filter((ip) => isString(ip?.subnet_id) && isString(ip?.ip_address))
        .map((ip) => ({ subnetId: ip.subnet_id, ipAddress: ip.ip_address })),
      deviceOwner: nonEmpty(p.device_owner),
      deviceId: nonEmpty(p.device_id),
      status: nonEmpty(p.status),
      projectId: nonEmpty(p.project_id ?? p.tenant_id),
    },
  ];
}

export function toVolumeType(
  t: CinderVolumeType,
  extraSpecs: Record<string, string> | undefined,
): VolumeTypeInventory {
  return {
    id: t.id,
    name: t.name ?? t.id,
    isPublic: t['os-volume-type-access:is_public'] ?? t.is_public ?? true,
    backendName: nonEmpty(extraSpecs?.['volume_backend_name']),
  };
}

export function toImage(i: GlanceImage): ImageInventory {
  return {
    id: i.id,
    name: nonEmpty(i.name),
    diskFormat: nonEmpty(i.disk_format),
    containerFormat: nonEmpty(i.container_format),
    sizeBytes: num(i.size),
    status: nonEmpty(i.status),
    visibility: nonEmpty(i.visibility),
  };
}

/** Sums os-hypervisors/detail (compute < 2.88); allocation ratios are not visible there. */
export function hypervisorCapacity(hypervisors: NovaHypervisor[]): ComputeCapacityInventory {
  let vcpus = 0;
  let vcpusUsed = 0;
  let memoryMB = 0;
  let memoryMBUsed = 0;
  for (const h of hypervisors) {
    vcpus += num(h.vcpus) ?? 0;
    vcpusUsed += num(h.vcpus_used) ?? 0;
    memoryMB += num(h.memory_mb) ?? 0;
    memoryMBUsed += num(h.memory_mb_used) ?? 0;
  }
  return {
    hypervisors: hypervisors.length,
    vcpus,
    vcpusUsed,
    memoryMB,
    memoryMBUsed,
    cpuAllocationRatio: null,
    ramAllocationRatio: null,
  };
}

type PlacementNode = { inventories: Record<string, PlacementInventory>; usages: Record<string, number> };

/** The compute capacity of placement's compute nodes (VCPU and MEMORY_MB, with their allocation ratios). */
export function capacityOfComputeNodes(nodes: readonly PlacementNode[]): ComputeCapacityInventory {
  const vcpu = sumResource(nodes, 'VCPU');
  const ram = sumResource(nodes, 'MEMORY_MB');
  return {
    hypervisors: nodes.length,
    vcpus: vcpu.capacity,
    vcpusUsed: vcpu.used,
    memoryMB: ram.capacity,
    memoryMBUsed: ram.used,
    cpuAllocationRatio: vcpu.ratio,
    ramAllocationRatio: ram.ratio,
  };
}

/**
 * Placement capacity of one resource class over compute nodes: capacity = total - reserved (what guests may
 * use before overcommit), used = allocations, ratio = capacity-weighted mean, so that capacity × ratio is
 * exactly the schedulable amount Σ (total - reserved) × allocation_ratio. null ratio when no node has it.
 */
export function sumResource(
  nodes: readonly PlacementNode[],
  resourceClass: string,
): { capacity: number; used: number; ratio: number | null } {
  let capacity = 0;
  let used = 0;
  let weighted = 0;
  for (const node of nodes) {
    const inv = node.inventories[resourceClass];
    if (inv === undefined) continue;
    const cap = Math.max(0, (num(inv.total) ?? 0) - (num(inv.reserved) ?? 0));
    capacity += cap;
    weighted += cap * (num(inv.allocation_ratio) ?? 1);
    used += num(node.usages[resourceClass]) ?? 0;
  }
  const ratio = capacity === 0 ? null : Math.round((weighted / capacity) * 1e6) / 1e6;
  return { capacity, used, ratio };
}

function quota(
  projectId: string,
  service: QuotaInventory['service'],
  resource: string,
  limit: number,
  inUse: number,
  reserved: number | undefined,
): QuotaInventory {
  return { projectId, service, resource, limit, inUse, reserved: num(reserved) ?? 0 };
}

/** Runs `fn` over `items` with at most `limit` in flight; results keep the input order. */
async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

function hasId<T extends { id: string }>(item: T | null | undefined): item is T {
  return typeof item?.id === 'string' && item.id !== '';
}

function num(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function nonEmpty(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function isString(value: unknown): value is string {
  return typeof value === 'string';
}

/** Extra specs are strings on the wire; anything else is stringified rather than trusted. */
function stringRecord(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v !== null && v !== undefined) out[k] = typeof v === 'string' ? v : String(v);
  }
  return out;
}
