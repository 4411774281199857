import type { GraphClient } from '../graph/graph-client.js';
import type { FlavorMatch, FlavorMatcher } from './flavor-matcher.js';
import type { ReadinessFacts, ReadinessService } from './readiness-service.js';
import type { ProjectScope } from './target-scope.js';

export interface CapacityLine {
  /** compute | network | volume | hypervisor */
  service: string;
  resource: string;
  planned: number;
  /** null = unlimited */
  limit: number | null;
  inUse: number;
  /** limit - inUse (null = unlimited) */
  available: number | null;
  /** max(0, planned - available) */
  shortfall: number;
}

export interface CapacityReport {
  cloud: string;
  project: string;
  vms: number;
  lines: CapacityLine[];
  fits: boolean;
  /** VMs that would not fit, taking VMs in the order given (first come, first placed). */
  vmsNotFitting: string[];
  /** VMs with no flavor: they cannot be planned at all. */
  vmsWithoutFlavor: string[];
}

interface Demand {
  instances: number;
  cores: number;
  ram: number;
  volumes: number;
  gigabytes: number;
  ports: number;
}

// Our demand keys and the quota resource names the OpenStack services use for them.
const QUOTA_NAMES: Record<keyof Demand, { service: string; names: string[] }> = {
  instances: { service: 'compute', names: ['instances'] },
  cores: { service: 'compute', names: ['cores'] },
  ram: { service: 'compute', names: ['ram'] },
  volumes: { service: 'volume', names: ['volumes'] },
  gigabytes: { service: 'volume', names: ['gigabytes'] },
  ports: { service: 'network', names: ['port', 'ports'] },
};

const GiB = 2 ** 30;

/** A VM's demand on the target (the wave packer's shape: RAM as ramMB). */
export interface WaveDemand {
  instances: number;
  cores: number;
  ramMB: number;
  volumes: number;
  gigabytes: number;
  ports: number;
}

function demandOf(match: FlavorMatch, f: ReadinessFacts | undefined): Demand | null {
  if (!match.flavor) return null;
  return {
    instances: 1,
    cores: match.flavor.vcpus,
    ram: match.flavor.ramMB,
    volumes: f?.disks.length ?? 0,
    gigabytes: (f?.disks ?? []).reduce(
      (sum, d) => sum + Math.ceil(((d as { capacityBytes?: number }).capacityBytes ?? 0) / GiB),
      0,
    ),
    ports: f?.nics.length ?? 0,
  };
}

/** Planned demand vs quota minus usage and vs hypervisor capacity, from the twin only (a what-if). */
export class CapacityPlanner {
  constructor(
    private readonly graph: GraphClient,
    private readonly flavors: FlavorMatcher,
    private readonly readiness: ReadinessService,
  ) {}

  /**
   * What the target can take now: quota minus usage (and reservations) per resource, and the hypervisors'
   * free vCPUs and RAM (after allocation ratios) folded into cores and ramMB. null = unlimited.
   */
  async headroom(scope: ProjectScope): Promise<Record<keyof WaveDemand, number | null>> {
    const { remaining, hypervisorCores, hypervisorRam } = await this.limits(scope);
    const min = (a: number | null | undefined, b: number | null) =>
      a === null || a === undefined ? b : b === null ? a : Math.min(a, b);
    return {
      instances: remaining.get('instances') ?? null,
      cores: min(remaining.get('cores'), hypervisorCores),
      ramMB: min(remaining.get('ram'), hypervisorRam),
      volumes: remaining.get('volumes') ?? null,
      gigabytes: remaining.get('gigabytes') ?? null,
      ports: remaining.get('ports') ?? null,
    };
  }

  /** Each VM's demand with its matched (or overridden) flavor; null when no flavor fits. */
  async demands(vmIds: string[], scope: ProjectScope): Promise<Map<string, WaveDemand | null>> {
    const [matches, facts] = await Promise.all([
      this.flavors.matchIds(vmIds, scope),
      this.readiness.facts(vmIds, scope),
    ]);
    const factsById = new Map(facts.map((f) => [f.vmId, f]));
    return new Map(
      matches.map((m) => {
        const d = demandOf(m, factsById.get(m.vmId));
        return [m.vmId, d && { ...d, ramMB: d.ram }];
      }),
    );
  }

  private async limits(scope: ProjectScope) {
    const [capacity] = await this.graph.read('capacity-facts', {
      cloudId: scope.cloudId,
      projectId: scope.id,
    });
    const quotas =
      (capacity?.quotas as {
        service: string;
        resource: string;
        limit: number;
        inUse: number;
        reserved: number;
      }[]) ?? [];

    const remaining = new Map<keyof Demand, number | null>();
    const lines = new Map<keyof Demand, CapacityLine>();
    for (const key of Object.keys(QUOTA_NAMES) as (keyof Demand)[]) {
      const { service, names } = QUOTA_NAMES[key];
      const quota = quotas.find((q) => q.service === service && names.includes(q.resource));
      const limit = !quota || quota.limit < 0 ? null : quota.limit;
      const inUse = quota ? quota.inUse + quota.reserved : 0;
      const available = limit === null ? null : limit - inUse;
      remaining.set(key, available);
      lines.set(key, {
        service,
        resource: quota?.resource ?? key,
        planned: 0,
        limit,
        inUse,
        available,
        shortfall: 0,
      });
    }
    const hypervisorCores =
      capacity?.vcpus == null
        ? null
        : Number(capacity.vcpus) * Number(capacity.cpuAllocationRatio) - Number(capacity.vcpusUsed ?? 0);
    const hypervisorRam =
      capacity?.memoryMB == null
        ? null
        : Number(capacity.memoryMB) * Number(capacity.ramAllocationRatio) -
          Number(capacity.memoryMBUsed ?? 0);
    return { remaining, lines, hypervisorCores, hypervisorRam };
  }

  async report(vmIds: string[], scope: ProjectScope): Promise<CapacityReport> {
    const [matches, facts, { remaining, lines, hypervisorCores, hypervisorRam }] = await Promise.all([
      this.flavors.matchIds(vmIds, scope),
      this.readiness.facts(vmIds, scope),
      this.limits(scope),
    ]);
    const factsById = new Map(facts.map((f) => [f.vmId, f]));
    let freeCores = hypervisorCores;
    let freeRam = hypervisorRam;

    const vmsNotFitting: string[] = [];
    const vmsWithoutFlavor: string[] = [];
    const total: Demand = { instances: 0, cores: 0, ram: 0, volumes: 0, gigabytes: 0, ports: 0 };
    const order = new Map(vmIds.map((id, i) => [id, i]));
    for (const match of [...matches].sort((a, b) => (order.get(a.vmId) ?? 0) - (order.get(b.vmId) ?? 0))) {
      if (!match.flavor) {
        vmsWithoutFlavor.push(match.vmName);
        continue;
      }
      const demand = demandOf(match, factsById.get(match.vmId))!;
      for (const key of Object.keys(demand) as (keyof Demand)[]) total[key] += demand[key];
      const fitsQuota = (Object.keys(demand) as (keyof Demand)[]).every((key) => {
        const left = remaining.get(key);
        return left === null || left === undefined || demand[key] <= left;
      });
      const fitsHosts =
        (freeCores === null || demand.cores <= freeCores) && (freeRam === null || demand.ram <= freeRam);
      if (fitsQuota && fitsHosts) {
        for (const key of Object.keys(demand) as (keyof Demand)[]) {
          const left = remaining.get(key);
          if (left !== null && left !== undefined) remaining.set(key, left - demand[key]);
        }
        if (freeCores !== null) freeCores -= demand.cores;
        if (freeRam !== null) freeRam -= demand.ram;
      } else vmsNotFitting.push(match.vmName);
    }

    const out: CapacityLine[] = [];
    for (const [key, line] of lines) {
      line.planned = total[key];
      line.shortfall = line.available === null ? 0 : Math.max(0, total[key] - line.available);
      out.push(line);
    }
    const hostLine = (resource: string, planned: number, available: number | null): CapacityLine => ({
      service: 'hypervisor',
      resource,
      planned,
      limit: available,
      inUse: 0,
      available,
      shortfall: available === null ? 0 : Math.max(0, planned - available),
    });
    out.push(hostLine('vcpus', total.cores, hypervisorCores), hostLine('memoryMB', total.ram, hypervisorRam));
    return {
      cloud: scope.cloudId,
      project: scope.name,
      vms: vmIds.length,
      lines: out,
      fits: vmsNotFitting.length === 0 && vmsWithoutFlavor.length === 0,
      vmsNotFitting,
      vmsWithoutFlavor,
    };
  }
}
